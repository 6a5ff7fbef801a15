import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../contract/errors.ts';
import { loadProject } from './load.ts';
import type { GenericTestNode, ModelNode, SnapshotNode } from './types.ts';

const MINI = path.resolve(import.meta.dirname, '../../test/fixtures/projects/mini');
const temps: string[] = [];

afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the mini project with some files replaced (null deletes). */
function variant(files: Record<string, string | null>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mini-'));
  temps.push(dir);
  cpSync(MINI, dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    const abs = path.join(dir, file);
    if (text === null) rmSync(abs);
    else {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    }
  }
  return dir;
}

async function loadError(files: Record<string, string | null>): Promise<string> {
  try {
    await loadProject(variant(files));
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected loadProject to fail');
}

describe('loadProject on the mini project', () => {
  it('finds every node kind with dbt unique ids', async () => {
    const project = await loadProject(MINI);
    expect([...project.nodes.keys()].filter((id) => !id.startsWith('test.')).sort()).toEqual([
      'model.mini.customer_regions',
      'model.mini.dim_customers',
      'model.mini.fct_orders',
      'model.mini.stg_customers',
      'model.mini.stg_orders',
      'seed.mini.regions',
      'snapshot.mini.snap_orders',
    ]);
    expect([...project.sources.keys()].sort()).toEqual(['source.mini.landing.customers', 'source.mini.landing.orders']);
    expect([...project.unitTests.keys()]).toEqual(['unit_test.mini.fct_orders.fct_orders_converts_cents']);
    expect([...project.macros.keys()].sort()).toEqual(['macro.mini.cents_to_dollars', 'macro.mini.pick_first', 'macro.mini.test_positive']);
  });

  it('layers configs: folder levels, then schema.yml, then config() in the file; tags are a union', async () => {
    const project = await loadProject(MINI);
    const fct = project.nodes.get('model.mini.fct_orders') as ModelNode;
    expect(fct.config.materialized).toBe('incremental'); // config() beats the folder's +materialized: table
    expect(fct.config.schema).toBe('marts');
    expect(fct.config.unique_key).toBe('order_id');
    expect(fct.config.incremental_strategy).toBe('merge');
    expect(fct.config.on_schema_change).toBe('append_new_columns'); // from schema.yml config:
    expect(fct.config.tags).toEqual(['all', 'facts', 'daily']); // project, file-level +tags, config()
    const stg = project.nodes.get('model.mini.stg_orders') as ModelNode;
    expect(stg.config).toMatchObject({ materialized: 'view', schema: 'staging', tags: ['all', 'staging'] });
    expect(fct.description).toBe('One row per order.');
    expect(fct.columns.order_id).toMatchObject({ name: 'order_id', description: 'The order.' });
    const snap = project.nodes.get('snapshot.mini.snap_orders') as SnapshotNode;
    expect(snap.config).toMatchObject({ strategy: 'timestamp', unique_key: 'order_id', updated_at: 'order_date', schema: 'snapshots' });
    expect(snap.location).toEqual({ file: 'snapshots/snap_orders.sql', line: 2 });
  });

  it('captures refs (also inside is_incremental branches), sources and macros as dependencies', async () => {
    const project = await loadProject(MINI);
    const fct = project.nodes.get('model.mini.fct_orders')!;
    expect(fct.dependsOn.nodes).toEqual(['model.mini.stg_orders', 'model.mini.customer_regions']);
    expect(fct.dependsOn.macros).toEqual(['macro.mini.cents_to_dollars']);
    expect(project.parentMap.get('model.mini.customer_regions')).toEqual(['model.mini.stg_customers', 'seed.mini.regions']);
    expect(project.childMap.get('source.mini.landing.orders')).toContain('model.mini.stg_orders');
  });

  it("does not take ref('x') in a SQL comment for a dependency", async () => {
    const project = await loadProject(variant({ 'models/staging/stg_orders.sql': "-- built before dim_customers, which refs ref('dim_customers') indirectly\nselect * from {{ source('landing', 'orders') }}\n" }));
    expect(project.nodes.get('model.mini.stg_orders')!.dependsOn.nodes).toEqual(['source.mini.landing.orders']);
  });

  it('parses generic tests with dbt names, arguments, configs and file:line', async () => {
    const project = await loadProject(MINI);
    const tests = [...project.nodes.values()].filter((n): n is GenericTestNode => n.resourceType === 'test' && n.kind === 'generic');
    const byName = new Map(tests.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual([
      'accepted_values_fct_orders_region__north__south',
      'dbt_utils_accepted_range_fct_orders_amount_dollars__0',
      'dbt_utils_expression_is_true_dim_customers_orders_1',
      'not_null_fct_orders_order_id',
      'positive_fct_orders_amount_dollars',
      'relationships_fct_orders_0c6c6d9e6f30dfb9b653557ebf38e47c',
      'unique_fct_orders_order_id',
      'unique_source_landing_orders_order_id',
    ]);
    const notNull = byName.get('not_null_fct_orders_order_id')!;
    expect(notNull.config.severity).toBe('error'); // the test's own config beats the project's +severity: warn
    expect(notNull.location).toEqual({ file: 'models/marts/schema.yml', line: 12 });
    expect(notNull.attachedNode).toBe('model.mini.fct_orders');
    const accepted = byName.get('accepted_values_fct_orders_region__north__south')!;
    expect(accepted.config.severity).toBe('warn');
    expect(accepted.config.where).toBe('region is not null');
    expect(accepted.testMetadata).toEqual({ name: 'accepted_values', namespace: undefined, kwargs: { values: ['north', 'south'], column_name: 'region', model: "{{ ref('fct_orders') }}" } });
    const rel = byName.get('relationships_fct_orders_0c6c6d9e6f30dfb9b653557ebf38e47c')!;
    expect(rel.dependsOn.nodes).toEqual(['model.mini.fct_orders', 'model.mini.dim_customers']);
    expect(byName.get('positive_fct_orders_amount_dollars')!.location.line).toBe(30);
    expect(byName.get('unique_source_landing_orders_order_id')!.attachedNode).toBe('source.mini.landing.orders');
    expect(byName.get('dbt_utils_expression_is_true_dim_customers_orders_1')!.testMetadata.namespace).toBe('dbt_utils');
  });

  it('reads dbt 1.9 YAML snapshots and seed column_types', async () => {
    const project = await loadProject(
      variant({
        'snapshots/schema.yml': "version: 2\nsnapshots:\n  - name: snap_customers\n    relation: source('landing', 'customers')\n    config:\n      unique_key: customer_id\n      strategy: check\n      check_cols: all\n      hard_deletes: invalidate\n",
        'seeds/schema.yml': 'version: 2\nseeds:\n  - name: regions\n    config:\n      column_types: {country: varchar, region: varchar}\n',
      }),
    );
    const snap = project.nodes.get('snapshot.mini.snap_customers') as SnapshotNode;
    expect(snap.rawCode).toBe("select * from {{ source('landing', 'customers') }}");
    expect(snap.config).toMatchObject({ strategy: 'check', check_cols: 'all', hard_deletes: 'invalidate', schema: 'snapshots' });
    expect(snap.dependsOn.nodes).toEqual(['source.mini.landing.customers']);
    expect(project.nodes.get('seed.mini.regions')!.config).toMatchObject({ column_types: { country: 'varchar', region: 'varchar' }, schema: 'seeds' });
  });

  it('substitutes {% docs %} blocks into descriptions', async () => {
    const project = await loadProject(MINI);
    expect(project.nodes.get('model.mini.dim_customers')!.description).toBe('One row per customer who ordered.');
    expect(project.docs.get('doc.mini.dim_customers')).toMatchObject({ name: 'dim_customers', originalFilePath: 'models/docs.md' });
  });

  it('parses unit tests: dict rows, CSV rows with empty cells as NULL, fixture files', async () => {
    const project = await loadProject(MINI);
    const unit = project.unitTests.get('unit_test.mini.fct_orders.fct_orders_converts_cents')!;
    expect(unit.model).toBe('model.mini.fct_orders');
    expect(unit.given.map((g) => g.inputNode)).toEqual(['model.mini.stg_orders', 'model.mini.customer_regions', 'seed.mini.regions']);
    expect(unit.given[0].rows).toEqual([{ order_id: 1, customer_id: 7, amount: 250 }]);
    expect(unit.given[1].rows).toEqual([{ customer_id: '7', region: null }]);
    expect(unit.given[2].rows).toEqual([{ country: 'x', region: 'north' }]);
    expect(unit.expect.rows).toEqual([{ order_id: 1, amount_dollars: 2.5 }]);
  });
});

describe('loadProject errors name the file and line', () => {
  it('unknown ref, with a suggestion', async () => {
    const message = await loadError({ 'models/marts/dim_customers.sql': 'select 1 as x\nfrom {{ ref("fct_order") }}\n' });
    expect(message).toBe("models/marts/dim_customers.sql:2: ref('fct_order') names no model, seed or snapshot (did you mean 'fct_orders'?)");
  });

  it('a ref to a disabled model', async () => {
    const message = await loadError({ 'models/marts/fct_orders.sql': "{{ config(enabled=false) }}\nselect 1 as order_id\n", 'models/marts/schema.yml': 'version: 2\n' });
    expect(message).toBe("models/marts/dim_customers.sql:2: ref('fct_orders') names a disabled model (enabled: false in models/marts/fct_orders.sql or its config)");
  });

  it('unknown source', async () => {
    const message = await loadError({ 'models/staging/stg_orders.sql': "select *\nfrom {{ source('landing', 'ordrs') }}\n" });
    expect(message).toBe("models/staging/stg_orders.sql:2: source('landing', 'ordrs') is not declared in a sources: YAML (tables of 'landing': orders, customers)");
  });

  it('a cycle, with its path', async () => {
    const message = await loadError({ 'models/staging/stg_orders.sql': "select * from {{ ref('dim_customers') }}\n" });
    expect(message).toMatch(/^models\/.*\.sql:1: dependency cycle: /);
    expect(message).toContain('dim_customers -> fct_orders -> stg_orders -> dim_customers');
  });

  it('a duplicate model name in two folders', async () => {
    const message = await loadError({ 'models/marts/stg_orders.sql': 'select 1 as x\n' });
    expect(message).toMatch(/^models\/(marts|staging)\/stg_orders\.sql:1: duplicate model name 'stg_orders' \(also model at models\/(staging|marts)\/stg_orders\.sql\)/);
  });

  it('bad YAML', async () => {
    const message = await loadError({ 'models/marts/schema.yml': 'version: 2\nmodels:\n  - name: fct_orders\n    description: [unclosed\n' });
    expect(message).toMatch(/^models\/marts\/schema\.yml:\d+: invalid YAML: /);
  });

  it('an unknown key, with the accepted ones', async () => {
    const message = await loadError({ 'models/marts/schema.yml': 'version: 2\nmodels:\n  - name: fct_orders\n    descripton: typo\n' });
    expect(message).toMatch(/^models\/marts\/schema\.yml:4: unknown key 'descripton' in model 'fct_orders' \(accepted: name, description, /);
  });

  it('an unknown key in dbt_project.yml', async () => {
    const message = await loadError({ 'dbt_project.yml': 'name: mini\nmodel-path: [models]\n' });
    expect(message).toMatch(/^dbt_project\.yml:2: unknown key 'model-path' in dbt_project\.yml/);
  });

  it('an undefined macro', async () => {
    const message = await loadError({ 'models/marts/dim_customers.sql': 'select\n  1 as x,\n  {{ no_such_macro(1) }} as y\n' });
    expect(message).toBe("models/marts/dim_customers.sql:3: undefined macro 'no_such_macro'");
  });

  it('an undefined cross-database macro', async () => {
    const message = await loadError({ 'models/marts/dim_customers.sql': 'select {{ dbt.date_add("day", 1, "x") }}\n' });
    expect(message).toBe("models/marts/dim_customers.sql:1: undefined macro 'dbt.date_add'");
  });

  it('macros that would read the warehouse while rendering, with the reason', async () => {
    expect(await loadError({ 'models/marts/dim_customers.sql': "select {{ dbt_utils.star(ref('fct_orders')) }}\nfrom {{ ref('fct_orders') }}\n" })).toMatch(
      /^models\/marts\/dim_customers\.sql:1: undefined macro 'dbt_utils\.star' \(it reads the warehouse while rendering/,
    );
    expect(await loadError({ 'models/marts/dim_customers.sql': "select 1 as x\n{% set r = run_query('select 1') %}\n" })).toMatch(/^models\/marts\/dim_customers\.sql:2: run_query\(\) is not available: models render without a warehouse connection/);
  });

  it('a Jinja syntax error', async () => {
    const message = await loadError({ 'models/marts/dim_customers.sql': 'select 1\n{% if true %}\nwhere 1 = 1\n' });
    expect(message).toMatch(/^models\/marts\/dim_customers\.sql:\d+: /);
  });

  it('an undefined var without default', async () => {
    const message = await loadError({ 'models/marts/dim_customers.sql': "select {{ var('nope') }} as x\n" });
    expect(message).toMatch(/^models\/marts\/dim_customers\.sql:1: var\('nope'\) is not defined/);
  });

  it('a bad config value', async () => {
    const message = await loadError({ 'models/marts/dim_customers.sql': "{{ config(materialized='tabel') }}\nselect 1 as x\n" });
    expect(message).toBe("models/marts/dim_customers.sql:1: config materialized 'tabel' is not one of: view, table, incremental, ephemeral");
  });

  it('an unknown generic test and a missing test argument', async () => {
    const unknown = await loadError({ 'models/marts/schema.yml': 'version: 2\nmodels:\n  - name: dim_customers\n    columns:\n      - name: customer_id\n        data_tests: [uniq]\n' });
    expect(unknown).toMatch(/^models\/marts\/schema\.yml:6: unknown test 'uniq' \(known: unique, not_null, /);
    const missing = await loadError({ 'models/marts/schema.yml': 'version: 2\nmodels:\n  - name: dim_customers\n    columns:\n      - name: customer_id\n        data_tests:\n          - accepted_values:\n              value: [a]\n' });
    expect(missing).toBe("models/marts/schema.yml:7: test 'accepted_values' needs argument 'values'");
  });

  it('a documented model without a SQL file', async () => {
    const message = await loadError({ 'models/marts/dim_customers.sql': null });
    expect(message).toMatch(/^models\/marts\/schema\.yml:\d+: model 'dim_customers' is documented here but has no SQL file/);
  });

  it('a unit test of an unknown model', async () => {
    const message = await loadError({
      'models/staging/schema.yml': "version: 2\nunit_tests:\n  - name: t\n    model: nope\n    given: []\n    expect: {rows: []}\n",
    });
    expect(message).toBe("models/staging/schema.yml:3: unit test 't': model 'nope' is not a model of this project");
  });

  it('a dbt_project.yml folder path that matches no model, with the folders there', async () => {
    const project = "name: mini\nmodel-paths: [models]\nmacro-paths: [macros]\ntest-paths: [tests]\nseed-paths: [seeds]\nsnapshot-paths: [snapshots]\nvars: {as_of: '2024-03-31', lookback_days: 3}\nmodels:\n  mini:\n    mart:\n      +materialized: table\n";
    expect(await loadError({ 'dbt_project.yml': project })).toBe('dbt_project.yml:10: models: mini.mart matches no model (under mini: marts, staging)');
    expect(await loadError({ 'dbt_project.yml': project.replace('  mini:', '  mimi:').replace('    mart:\n      +materialized: table\n', '') })).toBe(
      "dbt_project.yml:9: models: 'mimi' is not this project (configs go under models: {mini: {...}})",
    );
  });

  it('a config key one typo away from a known one', async () => {
    expect(await loadError({ 'models/marts/dim_customers.sql': "{{ config(materialised='table') }}\nselect 1 as x\n" })).toBe(
      "models/marts/dim_customers.sql:1: unknown config 'materialised' (did you mean 'materialized'?)",
    );
  });

  it('an unknown docs block', async () => {
    const message = await loadError({ 'models/docs.md': '{% docs other %}x{% enddocs %}\n' });
    expect(message).toBe("models/marts/schema.yml:32: doc('dim_customers') names no {% docs %} block (known: other)");
  });

  it('a missing dbt_project.yml', async () => {
    await expect(loadProject(path.join(MINI, 'models'))).rejects.toThrow(/no dbt_project\.yml here/);
  });
});

describe('the built-in project', () => {
  it('loads without errors', async () => {
    const project = await loadProject(path.resolve(import.meta.dirname, '../..'));
    expect(project.name).toBe('ecom_sim');
    expect([...project.nodes.values()].some((n) => n.resourceType === 'model')).toBe(true);
  });
});
