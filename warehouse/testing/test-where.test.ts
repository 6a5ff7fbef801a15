import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDB, type DuckDBEngine } from '../duckdb/index.ts';
import { loadProject } from '../project/load.ts';
import type { TargetInfo } from '../project/types.ts';
import { compileProject } from '../render/compile-project.ts';
import { build } from '../runner/build.ts';

/**
 * A test's `config.where` is Jinja, rendered with the test's context as dbt renders it: the
 * filter below keeps the last 30 days before var('as_of'), so the old row with a NULL note is
 * outside it at the project's as_of and inside it with an earlier --vars as_of.
 */
const PROJECT: Record<string, string> = {
  'dbt_project.yml': `name: wheres\nversion: '1.0'\nconfig-version: 2\nmodel-paths: [models]\nmacro-paths: [macros]\nvars:\n  as_of: '2024-12-31'\nmodels:\n  wheres:\n    +materialized: table\n`,
  'models/sources.yml': `version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: events\n`,
  'models/events.sql': `select * from {{ source('raw', 'events') }}\n`,
  'models/schema.yml': `version: 2
models:
  - name: events
    columns:
      - name: note
        data_tests:
          - not_null:
              config:
                where: "event_date >= cast('{{ var('as_of') }}' as date) - interval 30 day"
      - name: kind
        data_tests:
          - accepted_values:
              values: [click, view]
              config:
                where: "kind != '{{ var('ignored_kind', 'legacy') }}' and '{{ target.name }}' = 'test'"
          - kind_is_short:
              config:
                where: "event_date >= cast('{{ var('as_of') }}' as date) - interval 30 day"
`,
  // A project-defined generic test gets its model already filtered by where, as in dbt.
  'macros/kind_is_short.sql': `{% test kind_is_short(model, column_name) %}\nselect * from {{ model }} where length({{ column_name }}) > 5\n{% endtest %}\n`,
};

const RAW = `create schema raw; create table raw.events as select * from (values
  (1, date '2024-12-20', 'a', 'click'),
  (2, date '2024-12-30', 'b', 'view'),
  (3, date '2024-10-01', null, 'legacy')
) t(id, event_date, note, kind)`;

const target: TargetInfo = { name: 'test', type: 'duckdb', schema: 'main' };
let dir: string;
let engine: DuckDBEngine;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wheres-'));
  for (const [file, text] of Object.entries(PROJECT)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  engine = await openDuckDB(':memory:');
  await engine.execute(RAW);
});
afterEach(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const statuses = async (vars?: Record<string, unknown>, batchTests = true) => {
  const project = await loadProject(dir);
  const results = await build(engine, project, { target, vars, batchTests, unitTests: false });
  return Object.fromEntries(results.results.map((r) => [r.unique_id.split('.')[2], { status: r.status, sql: r.compiled_code ?? '' }]));
};

describe('config where is rendered with Jinja', () => {
  it('uses var() from dbt_project.yml and --vars, and target', async () => {
    const atProjectAsOf = await statuses();
    expect(atProjectAsOf.not_null_events_note.status).toBe('pass');
    expect(atProjectAsOf.not_null_events_note.sql).toContain("where event_date >= cast('2024-12-31' as date) - interval 30 day");
    expect(atProjectAsOf.accepted_values_events_kind__click__view.status).toBe('pass');
    expect(atProjectAsOf.accepted_values_events_kind__click__view.sql).toContain("kind != 'legacy' and 'test' = 'test'");

    const earlier = await statuses({ as_of: '2024-10-20' });
    expect(earlier.not_null_events_note.status).toBe('fail');
    // The var's default gives way to --vars too: 'legacy' is then tested and refused.
    expect((await statuses({ ignored_kind: 'none' })).accepted_values_events_kind__click__view.status).toBe('fail');
  });

  it('gives the same verdicts when the tests run one by one (not batched)', async () => {
    expect((await statuses(undefined, false)).not_null_events_note.status).toBe('pass');
    expect((await statuses({ as_of: '2024-10-20' }, false)).not_null_events_note.status).toBe('fail');
  });

  it('filters the model handed to a project {% test %} macro', async () => {
    expect((await statuses()).kind_is_short_events_kind.status).toBe('pass');
    const earlier = await statuses({ as_of: '2024-09-01' });
    expect(earlier.kind_is_short_events_kind.status).toBe('fail');
    expect(earlier.kind_is_short_events_kind.sql).toContain("(select * from \"main\".\"events\" where event_date >= cast('2024-09-01' as date) - interval 30 day) dbt_subquery");
  });

  it('is rendered by sim compile', async () => {
    const result = await compileProject({ target: 'duckdb', projectDir: dir, vars: "{as_of: '2024-11-30'}" }, dir);
    const file = result.files.find((f) => f.unique_id.includes('not_null_events_note'))!;
    expect(fs.readFileSync(path.resolve(dir, file.path), 'utf8')).toContain("cast('2024-11-30' as date) - interval 30 day");
  });

  it('names the test and the config when the Jinja is wrong', async () => {
    fs.writeFileSync(path.join(dir, 'models/schema.yml'), PROJECT['models/schema.yml'].replace("var('as_of')", "var('nope')"));
    const results = await build(engine, await loadProject(dir), { target, unitTests: false });
    const failed = results.results.find((r) => r.unique_id.includes('not_null_events_note'))!;
    expect(failed.status).toBe('error');
    expect(failed.message).toMatch(/models\/schema\.yml:\d+: config where: var\('nope'\) is not defined/);
  });
});
