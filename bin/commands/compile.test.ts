import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDuckDB } from '../../warehouse/duckdb/index.ts';
import { main } from '../cli.ts';
import { compileInlineQuery, compileProject } from '../../warehouse/render/compile-project.ts';
import { listNodes } from '../actions/ls.ts';

const MINI = path.resolve(import.meta.dirname, '../../test/fixtures/projects/mini');
const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'compile-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('sim compile', () => {
  it('writes every model, snapshot and test under target/compiled/<target>/ with dbt paths', async () => {
    const cwd = tempDir();
    const result = await compileProject({ target: 'bigquery', projectDir: MINI }, cwd);
    const files = result.files.map((f) => f.path).sort();
    expect(files).toContain('target/compiled/bigquery/models/marts/fct_orders.sql');
    expect(files).toContain('target/compiled/bigquery/snapshots/snap_orders.sql');
    expect(files).toContain('target/compiled/bigquery/tests/assert_no_future_orders.sql');
    expect(files).toContain('target/compiled/bigquery/models/marts/schema.yml/unique_fct_orders_order_id.sql');
    expect(files).toContain('target/compiled/bigquery/models/sources.yml/unique_source_landing_orders_order_id.sql');
    expect(files.some((f) => f.includes('/seeds/'))).toBe(false); // seeds have no SQL
    const fct = readFileSync(path.join(cwd, 'target/compiled/bigquery/models/marts/fct_orders.sql'), 'utf8');
    expect(fct).toContain('select * from `staging`.`stg_orders`');
    expect(fct).toContain('round(orders.amount / 100.0, 2) as amount_dollars');
    const unique = readFileSync(path.join(cwd, 'target/compiled/bigquery/models/marts/schema.yml/unique_fct_orders_order_id.sql'), 'utf8');
    expect(unique).toContain('from `marts`.`fct_orders`');
  });

  it('compiles only the selection', async () => {
    const cwd = tempDir();
    const result = await compileProject({ target: 'duckdb', projectDir: MINI, select: ['stg_orders'], exclude: ['resource_type:test'] }, cwd);
    expect(result.files.map((f) => f.path)).toEqual(['target/compiled/duckdb/models/staging/stg_orders.sql']);
    expect(result.single).toContain('from "landing"."orders"');
    expect((await compileProject({ target: 'duckdb', projectDir: MINI, select: ['tag:staging'] }, cwd)).single).toBeUndefined();
  });

  it('writes a manifest.json in dbt v12 shape', async () => {
    const cwd = tempDir();
    await compileProject({ target: 'duckdb', projectDir: MINI, schemaPrefix: 'dev' }, cwd);
    const manifest = JSON.parse(readFileSync(path.join(cwd, 'target/manifest.json'), 'utf8'));
    expect(Object.keys(manifest).sort()).toEqual(['child_map', 'disabled', 'docs', 'exposures', 'group_map', 'groups', 'macros', 'metadata', 'metrics', 'nodes', 'parent_map', 'saved_queries', 'selectors', 'semantic_models', 'sources', 'unit_tests'].sort());
    expect(manifest.metadata).toMatchObject({ dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', project_name: 'mini', adapter_type: 'duckdb' });
    const fct = manifest.nodes['model.mini.fct_orders'];
    expect(fct).toMatchObject({
      resource_type: 'model',
      name: 'fct_orders',
      schema: 'dev_marts',
      alias: 'fct_orders',
      original_file_path: 'models/marts/fct_orders.sql',
      path: 'marts/fct_orders.sql',
      fqn: ['mini', 'marts', 'fct_orders'],
      relation_name: '"dev_marts"."fct_orders"',
      compiled: true,
      compiled_path: 'target/compiled/duckdb/models/marts/fct_orders.sql',
      depends_on: { nodes: ['model.mini.stg_orders', 'model.mini.customer_regions'], macros: ['macro.mini.cents_to_dollars'] },
      config: { materialized: 'incremental', unique_key: 'order_id', on_schema_change: 'append_new_columns' },
      description: 'One row per order.',
      language: 'sql',
    });
    expect(fct.columns.order_id).toMatchObject({ name: 'order_id', description: 'The order.' });
    expect(fct.extra_ctes.map((c: { id: string }) => c.id)).toEqual(['model.mini.stg_customers', 'model.mini.customer_regions']);
    const test = Object.values(manifest.nodes as Record<string, Record<string, unknown>>).find((n) => n.name === 'not_null_fct_orders_order_id')!;
    expect(test).toMatchObject({ resource_type: 'test', column_name: 'order_id', attached_node: 'model.mini.fct_orders', test_metadata: { name: 'not_null', namespace: null } });
    expect(manifest.sources['source.mini.landing.orders']).toMatchObject({ source_name: 'landing', identifier: 'orders', schema: 'dev_landing', resource_type: 'source' });
    expect(manifest.parent_map['model.mini.stg_orders']).toEqual(['source.mini.landing.orders']);
    expect(manifest.child_map['model.mini.fct_orders']).toContain('model.mini.dim_customers');
    expect(manifest.macros['macro.mini.cents_to_dollars']).toMatchObject({ resource_type: 'macro', original_file_path: 'macros/money.sql' });
    expect(manifest.docs['doc.mini.dim_customers']).toMatchObject({ resource_type: 'doc', block_contents: 'One row per customer who ordered.' });
    expect(manifest.unit_tests['unit_test.mini.fct_orders.fct_orders_converts_cents']).toMatchObject({ model: 'fct_orders', resource_type: 'unit_test' });
  });

  it('with --warehouse, reads the landed scenario and compiles existing incremental models incrementally', async () => {
    const cwd = tempDir();
    const engine = await openDuckDB(path.join(cwd, 'w.duckdb'));
    await engine.execute("create schema landing; create table landing._sim_meta (key varchar, value varchar); insert into landing._sim_meta values ('as_of', '2025-06-30'), ('digests', '{}')");
    await engine.execute('create schema marts; create table marts.fct_orders (order_id bigint)');
    await engine.close();
    await compileProject({ target: 'duckdb', projectDir: MINI, warehouse: 'w.duckdb' }, cwd);
    const read = (file: string) => readFileSync(path.join(cwd, 'target/compiled/duckdb', file), 'utf8');
    expect(read('models/marts/fct_orders.sql')).toContain('select max(order_date) - 3 from "marts"."fct_orders"');
    expect(read('tests/assert_no_future_orders.sql')).toContain("cast('2025-06-30' as date)");
    await compileProject({ target: 'duckdb', projectDir: MINI, warehouse: 'w.duckdb', fullRefresh: true, vars: '{as_of: 2025-01-01}' }, cwd);
    expect(read('models/marts/fct_orders.sql')).not.toContain('max(order_date)');
    expect(read('tests/assert_no_future_orders.sql')).toContain("cast('2025-01-01' as date)");
    await expect(compileProject({ target: 'duckdb', projectDir: MINI, warehouse: 'missing.duckdb' }, cwd)).rejects.toThrow('no such file');
  });

  it('names BigQuery relations as a run would: project and dataset ids from the flags', async () => {
    const sql = await compileInlineQuery({ target: 'bigquery', projectDir: MINI, inline: "select * from {{ ref('fct_orders') }}", bqProject: 'acme-analytics', datasetPrefix: 'dev_ana_', bqDataset: ['marts=warehouse'] });
    expect(sql).toBe('select * from `acme-analytics`.`dev_ana_warehouse`.`fct_orders`');
    await expect(compileInlineQuery({ target: 'duckdb', projectDir: MINI, inline: 'select 1', datasetPrefix: 'x_' })).rejects.toThrow('--dataset-prefix applies only to --target bigquery');
  });

  it('--inline compiles one query against the project, ephemeral refs inlined', async () => {
    const sql = await compileInlineQuery({ target: 'bigquery', projectDir: MINI, inline: "select count(*) from {{ ref('customer_regions') }} join {{ ref('fct_orders') }} using (customer_id)" });
    expect(sql).toMatch(/^with __dbt__cte__stg_customers as \(/);
    expect(sql).toContain('select count(*) from __dbt__cte__customer_regions join `marts`.`fct_orders` using (customer_id)');
    await expect(compileInlineQuery({ target: 'duckdb', projectDir: MINI, inline: "select * from {{ ref('nope') }}" })).rejects.toThrow("--inline: ref('nope') names no model, seed or snapshot");
  });

  it('exits 2 with one line on a bad target and writes nothing', async () => {
    const cwd = tempDir();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await main(['node', 'sim', 'compile', '--target', 'snowflake', '--project-dir', MINI]);
      expect(code).toBe(2);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toContain("argument 'snowflake' is invalid");
    } finally {
      stderr.mockRestore();
    }
    expect(existsSync(path.join(cwd, 'target'))).toBe(false);
  });
});

describe('sim ls', () => {
  it('prints dbt selectors in dependency order', async () => {
    const out = await listNodes({ select: ['+dim_customers'], resourceType: ['model', 'source'], output: 'selector', projectDir: MINI });
    expect(out).toBe(
      ['source:mini.landing.customers', 'source:mini.landing.orders', 'mini.staging.stg_customers', 'mini.staging.stg_orders', 'mini.staging.customer_regions', 'mini.marts.fct_orders', 'mini.marts.dim_customers', ''].join('\n'),
    );
  });

  it('prints names, paths or JSON with chosen keys', async () => {
    expect(await listNodes({ select: ['tag:daily'], output: 'name', projectDir: MINI, resourceType: ['model'] })).toBe('fct_orders\n');
    expect(await listNodes({ select: ['tag:daily'], output: 'path', projectDir: MINI, resourceType: ['model'] })).toBe('models/marts/fct_orders.sql\n');
    const json = await listNodes({ select: ['fct_orders'], output: 'json', outputKeys: ['name', 'resource_type'], projectDir: MINI, resourceType: ['model', 'unit_test'] });
    expect(json.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { name: 'fct_orders', resource_type: 'model' },
      { name: 'fct_orders_converts_cents', resource_type: 'unit_test' },
    ]);
  });

  it('rejects an unknown resource type', async () => {
    await expect(listNodes({ output: 'selector', projectDir: MINI, resourceType: ['table'] })).rejects.toThrow('--resource-type table: not one of model, seed, snapshot, test, unit_test, source, all');
    expect((await listNodes({ output: 'name', projectDir: MINI, resourceType: ['all'], select: ['source:landing.customers'] })).trim()).toBe('landing.customers');
  });
});
