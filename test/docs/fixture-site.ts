import type { Manifest } from '../../warehouse/docs/artifacts.ts';

/** A small dbt-shaped manifest: one source, a staging model, two consumption models and tests. */
export function fixtureManifest(): Manifest {
  const model = (name: string, schema: string, deps: string[], columns: string[], description: string) => ({
    unique_id: `model.shop.${name}`,
    resource_type: 'model',
    name,
    schema,
    description,
    original_file_path: `models/${schema}/${name}.sql`,
    raw_code: `select * from {{ ref('x') }} -- ${name}`,
    config: { materialized: schema === 'staging' ? 'view' : 'table', tags: [schema] },
    depends_on: { nodes: deps },
    columns: Object.fromEntries(columns.map((c) => [c, { name: c, description: `the ${c}` }])),
  });
  const test = (name: string, attached: string, column: string) => ({
    unique_id: `test.shop.${name}`,
    resource_type: 'test',
    name,
    attached_node: attached,
    column_name: column,
    test_metadata: { name: name.split('_')[0], kwargs: { column_name: column } },
    depends_on: { nodes: [attached] },
    config: { severity: 'error' },
  });
  const nodes = [
    model('stg_orders', 'staging', ['source.shop.landing.orders'], ['order_id', 'order_ts'], 'Orders, cleaned.'),
    model('daily_revenue_by_date', 'consumption', ['model.shop.stg_orders'], ['date_day', 'recognized_revenue'], 'Revenue per day.'),
    model('monthly_revenue_by_category', 'consumption', ['model.shop.stg_orders'], ['month_start_date', 'category', 'recognized_revenue'], 'Revenue per month and category.'),
    test('unique_stg_orders_order_id', 'model.shop.stg_orders', 'order_id'),
    test('not_null_daily_revenue_by_date_recognized_revenue', 'model.shop.daily_revenue_by_date', 'recognized_revenue'),
  ];
  return {
    metadata: { project_name: 'shop' },
    nodes: Object.fromEntries(nodes.map((n) => [n.unique_id, n])),
    sources: {
      'source.shop.landing.orders': {
        unique_id: 'source.shop.landing.orders', resource_type: 'source', name: 'orders', source_name: 'landing', schema: 'landing',
        description: 'Raw orders.', columns: { order_id: { name: 'order_id', description: 'key' } },
      },
    },
  };
}
