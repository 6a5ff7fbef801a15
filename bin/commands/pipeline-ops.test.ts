import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Fail-fast, retry, history and step through the CLI, on a two-layer project whose staging test
// can be broken and repaired between runs.
const SIM = path.resolve(import.meta.dirname, '../sim.mjs');
let dir: string;

const STG_BROKEN = "select order_id, customer_id from {{ source('landing', 'orders') }}\nunion all\nselect order_id, customer_id from {{ source('landing', 'orders') }} where order_id = 1\n";
const STG_FIXED = "select order_id, customer_id from {{ source('landing', 'orders') }}\n";
const MART_BROKEN = "select customer_id, count(no_such_column) as orders from {{ ref('stg_orders') }} group by customer_id\n";
const MART_FIXED = "select customer_id, count(*) as orders from {{ ref('stg_orders') }} group by customer_id\n";

function writeProject(root: string): void {
  const files: Record<string, string> = {
    'dbt_project.yml': [
      'name: mini',
      "version: '1.0.0'",
      'config-version: 2',
      'profile: mini',
      'model-paths: [models]',
      'macro-paths: [macros]',
      'test-paths: [tests]',
      'models:',
      '  mini:',
      '    01_staging:',
      '      +materialized: view',
      '      +schema: staging',
      '    02_marts:',
      '      +materialized: table',
      '      +schema: marts',
      '',
    ].join('\n'),
    'models/sources.yml': 'version: 2\nsources:\n  - name: landing\n    schema: landing\n    tables:\n      - name: orders\n',
    'models/01_staging/stg_orders.sql': STG_BROKEN,
    'models/01_staging/schema.yml': 'version: 2\nmodels:\n  - name: stg_orders\n    columns:\n      - name: order_id\n        data_tests: [unique, not_null]\n',
    'models/02_marts/orders_per_customer.sql': MART_FIXED,
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-ops-'));
  writeProject(path.join(dir, 'proj'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function sim(...args: string[]) {
  const run = spawnSync(process.execPath, [SIM, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, SIM_SCENARIO: '', SIM_SEED: '', SIM_SCALE: '' } });
  const json = () => {
    try {
      return JSON.parse(run.stdout);
    } catch {
      throw new Error(`sim ${args.join(' ')} exited ${run.status} without JSON on stdout; stderr:\n${run.stderr}`);
    }
  };
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, json };
}

describe('pipeline fail-fast, retry, history and step', () => {
  it('stops at a failing test, says what was skipped and why, and exits 1', () => {
    const run = sim('--seed', '42', '--scale', 'tiny', '--as-of', '2025-06-30', '--project-dir', 'proj', '--warehouse', 'shop.duckdb', '--json');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: data tests failed in run 0001/m);
    const report = run.json();
    expect(report.steps.map((s: { id: string; status: string }) => `${s.id} ${s.status}`)).toEqual([
      'generate+land success',
      'staging:build success',
      'staging:test fail',
      'marts:build skipped',
    ]);
    const failed = report.steps[2].nodes.filter((n: { status: string }) => n.status === 'fail');
    expect(failed).toHaveLength(1);
    expect(failed[0].id).toMatch(/^test\.mini\.unique_stg_orders_order_id/);
    expect(failed[0].message).toMatch(/^1 failing row/);
    expect(report.skipped).toEqual([{ id: 'model.mini.orders_per_customer', reason: expect.stringMatching(/^staging:test failed \(unique_stg_orders_order_id/) }]);

    const text = sim('history', '--warehouse', 'shop.duckdb').stdout;
    expect(text.split('\n')[1]).toMatch(/^0001 +run +failed /);
  });

  it('sim retry re-runs only what errored (and what it skipped), on the same landing', () => {
    fs.writeFileSync(path.join(dir, 'proj/models/01_staging/stg_orders.sql'), STG_FIXED);
    fs.writeFileSync(path.join(dir, 'proj/models/02_marts/orders_per_customer.sql'), MART_BROKEN);
    const broken = sim('--seed', '42', '--scale', 'tiny', '--as-of', '2025-06-30', '--project-dir', 'proj', '--warehouse', 'shop.duckdb', '--json');
    expect(broken.code).toBe(2); // the model's SQL is wrong: bad input, not an engine failure
    expect(broken.stderr).toMatch(/^error: model\.mini\.orders_per_customer errored: .*no_such_column/m);
    expect(broken.json().steps.map((s: { id: string; status: string }) => `${s.id} ${s.status}`)).toEqual([
      'generate+land success',
      'staging:build success',
      'staging:test success',
      'marts:build error',
    ]);

    fs.writeFileSync(path.join(dir, 'proj/models/02_marts/orders_per_customer.sql'), MART_FIXED);
    // no --warehouse: retry works on the warehouse of the run it retries
    const run = sim('retry', '--project-dir', 'proj', '--json', '--quiet');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = run.json();
    expect(report).toMatchObject({ runId: '0003', command: 'retry', status: 'success', warehouse: 'shop.duckdb' });
    // no landing, no staging: only the model that errored
    expect(report.steps.map((s: { id: string; nodes: Array<{ id: string; status: string }> }) => [s.id, s.nodes.map((n) => `${n.id} ${n.status}`)])).toEqual([
      ['marts:build', ['model.mini.orders_per_customer success']],
    ]);
    expect(sim('retry', '--project-dir', 'proj').stdout).toBe('run 0003 has nothing to retry (status success)\n');
  });

  it('sim history lists the runs newest first, from the warehouse table', () => {
    const runs = sim('history', '--warehouse', 'shop.duckdb', '--json').json();
    expect(runs.map((r: { runId: string; command: string; status: string; exitCode: number }) => [r.runId, r.command, r.status, r.exitCode])).toEqual([
      ['0003', 'retry', 'success', 0],
      ['0002', 'run', 'error', 2],
      ['0001', 'run', 'failed', 1],
    ]);
    expect(runs[2]).toMatchObject({ seed: 42, asOf: '2025-06-30' });
    expect(fs.existsSync(path.join(dir, 'target/runs/0001/run.json'))).toBe(true);
  });

  it('sim step --days 7 lands as of 7 days later, equal to a fresh run as of that day', () => {
    const stepped = sim('step', '--days', '7', '--project-dir', 'proj', '--warehouse', 'shop.duckdb', '--json');
    expect(stepped.code).toBe(0);
    const report = stepped.json();
    expect(report).toMatchObject({ command: 'step', status: 'success', scenario: { as_of: '2025-07-07', seed: 42 } });
    const fresh = sim('--seed', '42', '--scale', 'tiny', '--as-of', '2025-07-07', '--select', 'none', '--warehouse', 'fresh.duckdb', '--json').json();
    expect(report.landing.tables).toEqual(fresh.landing.tables);

    const tooFar = sim('step', '--days', '400', '--project-dir', 'proj', '--warehouse', 'shop.duckdb');
    expect(tooFar.code).toBe(2);
    expect(tooFar.stderr).toMatch(/^error: --days 400 would move as_of from 2025-07-07 to 2026-08-11, past the scenario's end_date 2025-12-31/);
  });
});
