import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDB, type DuckDBEngine } from '../duckdb/index.ts';
import { loadProject } from '../project/load.ts';
import type { TargetInfo } from '../project/types.ts';
import { compileProject } from '../render/compile-project.ts';
import { build } from './build.ts';

/**
 * Model hooks on a tiny project: every hook appends a labelled row to audit.log (with the
 * number of rows already there, so the order is visible), from each config level dbt reads.
 */
const log = (label: string) => `insert into audit.log select count(*) + 1, '${label}' from audit.log`;

const PROJECT: Record<string, string> = {
  'dbt_project.yml': `name: hooked
version: '1.0'
config-version: 2
model-paths: [models]
seed-paths: [seeds]
vars:
  min_id: 2
models:
  hooked:
    +pre-hook: "${log('project pre')}"
    marts:
      +materialized: table
      +schema: marts
      +pre-hook: ["${log('folder pre')}"]
      +post-hook: "${log('folder post')}"
seeds:
  hooked:
    +post-hook: "create or replace table audit.{{ this.name }}_rows as select count(*) as n from {{ this }}"
`,
  'models/sources.yml': `version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: orders\n`,
  // The pre-hook makes the table the model reads; the post-hook counts the built table through {{ this }}.
  'models/marts/orders_kept.sql': `{{ config(
    pre_hook=["create or replace table audit.cutoff as select {{ var('min_id') }} as min_id", "${log('model pre')}"],
    post_hook="create or replace table audit.kept_count as select count(*) as n, '{{ this }}' as relation from {{ this }}"
) }}
select o.* from {{ source('raw', 'orders') }} o where o.order_id >= (select min_id from audit.cutoff)
`,
  'models/marts/schema.yml': `version: 2
models:
  - name: orders_kept
    config:
      pre_hook: "${log('yaml pre')}"
`,
  'seeds/regions.csv': 'region\nnorth\nsouth\n',
};

const SETUP = `create schema raw; create schema audit;
create table raw.orders as select * from (values (1, 10.0), (2, 20.0), (3, 30.0)) t(order_id, amount);
create table audit.log (seq integer, label varchar)`;

const target: TargetInfo = { name: 'test', type: 'duckdb', schema: 'main' };
let dir: string;
let engine: DuckDBEngine;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hooked-'));
  for (const [file, text] of Object.entries(PROJECT)) write(file, text);
  engine = await openDuckDB(':memory:');
  await engine.execute(SETUP);
});
afterEach(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
}

const run = async (select = ['orders_kept'], vars?: Record<string, unknown>) => build(engine, await loadProject(dir), { target, select, vars, unitTests: false });
const labels = async () => (await engine.query('select label from audit.log order by seq')).map((r) => r.label);
const relations = async (schema: string) => (await engine.listRelations(schema)).map((r) => r.name).sort();

describe('model hooks', () => {
  it('runs pre-hooks before the model (which reads what they made) and post-hooks after, on the final relation', async () => {
    const results = await run(['orders_kept'], { min_id: 2 });
    const result = results.results[0];
    expect(result.status).toBe('success');
    expect(await engine.query('select order_id from marts.orders_kept order by 1')).toEqual([{ order_id: 2 }, { order_id: 3 }]);
    // {{ this }} in the post-hook is the final relation, not the __dbt_tmp one it was built in.
    expect(await engine.query('select n, relation from audit.kept_count')).toEqual([{ n: 2, relation: '"marts"."orders_kept"' }]);
    expect(await relations('marts')).toEqual(['orders_kept']);
  });

  it('combines hooks in dbt order: project folders outer to inner, then schema.yml, then config()', async () => {
    await run();
    expect(await labels()).toEqual(['project pre', 'folder pre', 'yaml pre', 'model pre', 'folder post']);
  });

  it('rebuilds through the backup swap when there are post-hooks, leaving no scratch relation', async () => {
    await run(['orders_kept'], { min_id: 1 });
    await run(['orders_kept'], { min_id: 3 });
    expect(await engine.query('select n from audit.kept_count')).toEqual([{ n: 1 }]);
    expect(await relations('marts')).toEqual(['orders_kept']);
  });

  it('a failing post-hook fails the node naming model and hook, and keeps the previous table', async () => {
    await run(['orders_kept'], { min_id: 1 });
    write('models/marts/orders_kept.sql', `{{ config(post_hook=["select 1", "insert into audit.missing values ({{ var('min_id') }})"]) }}\nselect 99 as order_id\n`);
    const results = await run();
    const result = results.results[0];
    expect(result.status).toBe('error');
    expect(result.message).toContain('Database Error in model orders_kept (models/marts/orders_kept.sql');
    expect(result.message).toContain('post-hook 3 of 3 failed: insert into audit.missing values (2)');
    expect(result.message).toMatch(/Table with name missing does not exist/);
    expect(await engine.query('select count(*) as n from marts.orders_kept')).toEqual([{ n: 3 }]);
    expect(await relations('marts')).toEqual(['orders_kept']);
  });

  it('runs transaction: false hooks outside the build, as dbt: first before, last after, not undone', async () => {
    write('models/marts/plain.sql', `{{ config(post_hook="${log('model post')}") }}\nselect 1 as version\n`);
    write('models/marts/plain.yml', `version: 2
models:
  - name: plain
    config:
      pre_hook: [{sql: "${log('outside pre')}", transaction: false}]
      post_hook: [{sql: "${log('outside post')}", transaction: false}]
`);
    await run(['plain']);
    expect(await labels()).toEqual(['outside pre', 'project pre', 'folder pre', 'folder post', 'model post', 'outside post']);
    write('models/marts/plain.yml', `version: 2\nmodels:\n  - name: plain\n    config:\n      post_hook: {sql: "select nope", transaction: false}\n`);
    write('models/marts/plain.sql', 'select 2 as version\n');
    const result = (await run(['plain'])).results[0];
    expect(result.status).toBe('error');
    expect(result.message).toContain('post-hook 2 of 2 failed: select nope');
    expect(await engine.query('select version from marts.plain')).toEqual([{ version: 2 }]);
  });

  it('a failing pre-hook stops the model before it is built', async () => {
    await run(['orders_kept'], { min_id: 1 });
    write('models/marts/schema.yml', `version: 2\nmodels:\n  - name: orders_kept\n    config:\n      pre_hook: "insert into audit.missing values (1)"\n`);
    const result = (await run(['orders_kept'], { min_id: 3 })).results[0];
    expect(result.status).toBe('error');
    expect(result.message).toContain('pre-hook 3 of 5 failed: insert into audit.missing values (1)');
    expect(await engine.query('select count(*) as n from marts.orders_kept')).toEqual([{ n: 3 }]);
    expect(await labels()).toEqual(['project pre', 'folder pre', 'yaml pre', 'model pre', 'folder post', 'project pre', 'folder pre']);
  });

  it('a view keeps its previous definition when a post-hook fails', async () => {
    write('models/marts/recent.sql', `{{ config(materialized='view') }}\nselect 1 as version\n`);
    expect((await run(['recent'])).results[0].status).toBe('success');
    write('models/marts/recent.sql', `{{ config(materialized='view', post_hook='select nope from {{ this }}') }}\nselect 2 as version\n`);
    const result = (await run(['recent'])).results[0];
    expect(result.status).toBe('error');
    expect(result.message).toContain('post-hook 2 of 2 failed: select nope from "marts"."recent"');
    expect(await engine.query('select version from marts.recent')).toEqual([{ version: 1 }]);
    expect(await relations('marts')).toEqual(['recent']);
  });

  it('a Jinja error in a post-hook is reported before anything is built', async () => {
    write('models/marts/orders_kept.sql', `{{ config(post_hook="select {{ var('undefined_var') }}") }}\nselect 1 as order_id\n`);
    const result = (await run()).results[0];
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/models\/marts\/orders_kept\.sql:1: post-hook 2 of model orders_kept: var\('undefined_var'\) is not defined/);
    expect(await relations('marts')).toEqual([]);
    expect(await labels()).toEqual([]);
  });

  it('orders the model after a model its hook refs', async () => {
    write('models/marts/first.sql', 'select 5 as n\n');
    write('models/marts/second.sql', `{{ config(post_hook="insert into audit.log select n, 'from first' from {{ ref('first') }}") }}\nselect 1 as n\n`);
    const project = await loadProject(dir);
    expect(project.nodes.get('model.hooked.second')!.dependsOn.nodes).toContain('model.hooked.first');
    const results = await build(engine, project, { target, select: ['+second'], unitTests: false });
    expect(results.results.map((r) => [r.unique_id, r.status])).toEqual([
      ['model.hooked.first', 'success'],
      ['model.hooked.second', 'success'],
    ]);
    expect(await engine.query("select seq from audit.log where label = 'from first'")).toEqual([{ seq: 5 }]);
  });

  it('lets an incremental model\'s hooks ask is_incremental()', async () => {
    const hook = `insert into audit.log select count(*) + 1, '{{ 'incremental' if is_incremental() else 'full' }}' from audit.log`;
    write('models/marts/inc.sql', `{{ config(materialized='incremental', unique_key='order_id', post_hook="${hook}") }}\nselect order_id from {{ source('raw', 'orders') }}\n`);
    await run(['inc']);
    await run(['inc']);
    expect((await labels()).filter((l) => l === 'full' || l === 'incremental')).toEqual(['full', 'incremental']);
  });

  it('runs a snapshot\'s hooks around it', async () => {
    write('snapshots/orders_snap.sql', `{% snapshot orders_snap %}
{{ config(unique_key='order_id', strategy='check', check_cols='all', target_schema='snapshots', pre_hook="${log('snapshot pre')}", post_hook="create or replace table audit.snap_rows as select count(*) as n from {{ this }}") }}
select * from {{ source('raw', 'orders') }}
{% endsnapshot %}
`);
    expect((await run(['orders_snap'], { as_of: '2024-12-31' })).results[0].status).toBe('success');
    expect(await labels()).toEqual(['snapshot pre']);
    expect(await engine.query('select n from audit.snap_rows')).toEqual([{ n: 3 }]);
  });

  it('runs a seed\'s post-hook on the loaded seed', async () => {
    expect((await run(['regions'])).results[0].status).toBe('success');
    expect(await engine.query('select n from audit.regions_rows')).toEqual([{ n: 2 }]);
  });

  it('refuses a hook that is neither SQL nor {sql: ...}, naming the model', async () => {
    write('models/marts/schema.yml', `version: 2\nmodels:\n  - name: orders_kept\n    config:\n      post_hook: [{statement: "select 1"}]\n`);
    await expect(loadProject(dir)).rejects.toThrow(/orders_kept\.sql:1: post-hook must be SQL \(a string\), a list of them, or \{sql: \.\.\., transaction: true\|false\}/);
  });

  it('writes hooks to the manifest in dbt\'s shape', async () => {
    await compileProject({ target: 'duckdb', projectDir: dir, select: ['orders_kept'] }, dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8'));
    const config = manifest.nodes['model.hooked.orders_kept'].config;
    expect(config['pre-hook'].map((h: { sql: string }) => h.sql)).toEqual([log('project pre'), log('folder pre'), log('yaml pre'), "create or replace table audit.cutoff as select {{ var('min_id') }} as min_id", log('model pre')]);
    expect(config['post-hook']).toEqual([
      { sql: log('folder post'), transaction: true, index: null },
      { sql: "create or replace table audit.kept_count as select count(*) as n, '{{ this }}' as relation from {{ this }}", transaction: true, index: null },
    ]);
    expect(config.pre_hook).toBeUndefined();
  });
});
