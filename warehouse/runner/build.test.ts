import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeRunResults, type RunResults } from '../artifacts/run-results.ts';
import { openDuckDB, type DuckDBEngine } from '../duckdb/index.ts';
import { loadProject } from '../project/load.ts';
import type { Project, TargetInfo } from '../project/types.ts';
import { runUnitTests } from '../testing/unit.ts';
import { build, type BuildOptions, type RunEvent } from './build.ts';
import { isInputFailure } from './errors.ts';
import { exitCodeOfRun, formatEvent } from './report.ts';
import { PROOF_MESSAGE } from './nodes.ts';
import { addFailingUnitTest, MINI_RAW_SQL, writeMiniProject } from './test-project.ts';

const target: TargetInfo = { name: 'test', type: 'duckdb', schema: 'main' };
let dir: string;
let engine: DuckDBEngine;
let project: Project;

beforeEach(async () => {
  dir = writeMiniProject();
  project = await loadProject(dir);
  engine = await openDuckDB(':memory:');
  await engine.execute(MINI_RAW_SQL);
});
afterEach(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// one thread unless a test says otherwise (thread ids and test batches are then predictable)
const run = (options: Partial<BuildOptions> = {}, events?: RunEvent[]) => build(engine, project, { target, threads: 1, ...options, onEvent: (e) => events?.push(e) });
const statusOf = (r: RunResults) => Object.fromEntries(r.results.map((x) => [x.unique_id.split('.').slice(2, 3).join(''), x.status]));

describe('build', () => {
  it('builds models, runs tests and writes dbt-shaped run_results', async () => {
    const events: RunEvent[] = [];
    const results = await run({}, events);
    expect(statusOf(results)).toMatchObject({
      stg_orders: 'success',
      fct_orders: 'success',
      customer_totals: 'success',
      orders_inc: 'success',
      unique_fct_orders_order_id: 'pass',
      not_null_fct_orders_order_id: 'pass',
      assert_amount_not_huge: 'pass',
      is_positive_stg_orders_amount: 'pass',
    });
    expect(exitCodeOfRun(results, [], isInputFailure)).toBe(0);
    // dbt build: a model's tests run before the models downstream of it
    const order = results.results.map((r) => r.unique_id);
    expect(order.indexOf('model.mini.customer_totals')).toBeGreaterThan(order.findIndex((id) => id.startsWith('test.mini.unique_fct_orders_order_id')));
    expect(await engine.query('select customer_id, orders from marts.customer_totals order by 1')).toEqual([
      { customer_id: 7, orders: 2 },
      { customer_id: 8, orders: 1 },
    ]);
    const fct = results.results.find((r) => r.unique_id === 'model.mini.fct_orders')!;
    expect(fct).toMatchObject({ status: 'success', adapter_response: { rows_affected: 3 }, failures: null, relation_name: '"marts"."fct_orders"', thread_id: 'Thread-1' });
    expect(fct.timing.map((t) => t.name)).toEqual(['compile', 'execute']);
    expect(results.results.find((r) => r.unique_id.startsWith('test.mini.accepted_values'))).toMatchObject({ status: 'warn', failures: 1 });
    // DuckDB proves a passing unique test on a table's integer key from a bitmap (the query is still its compiled code)
    const unique = results.results.find((r) => r.unique_id.startsWith('test.mini.unique_fct_orders_order_id'))!;
    expect(unique).toMatchObject({ status: 'pass', failures: 0, adapter_response: { _message: PROOF_MESSAGE, code: 'BITMAP' } });
    expect(unique.compiled_code).toMatch(/group by order_id\nhaving count\(\*\) > 1/);
    // ... and its log line shows the verdict, as dbt's does; a model's shows the statement's result
    const finished = (id: string) => events.find((e) => e.type === 'node-finish' && e.uniqueId.startsWith(id))!;
    expect(formatEvent(finished('test.mini.unique_fct_orders_order_id'), (id) => id)).toMatch(/ PASS test .* \[PASS in \d+\.\d\ds\]$/);
    expect(formatEvent(finished('model.mini.fct_orders'), (id) => id)).toMatch(/ OK .*\[(OK|CREATE|SELECT)[^\]]* in \d+\.\d\ds\]$/);

    const file = writeRunResults(path.join(dir, 'target'), results);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(json)).toEqual(['metadata', 'results', 'elapsed_time', 'args']);
    expect(json.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/run-results/v6.json');
    expect(events.filter((e) => e.type === 'node-start')).toHaveLength(results.results.length);
  });

  it('key tests of a view are not proved (a proof would compute the view twice), those of a table are', async () => {
    const results = await run({ batchTests: false });
    const byTest = (id: string) => results.results.find((r) => r.unique_id.startsWith(id))!;
    expect(byTest('test.mini.unique_stg_orders_order_id')).toMatchObject({ status: 'pass' });
    expect(byTest('test.mini.unique_stg_orders_order_id').adapter_response).toEqual({});
    expect(byTest('test.mini.unique_fct_orders_order_id')).toMatchObject({ status: 'pass', adapter_response: { code: 'BITMAP' } });
  });

  it('a failing test skips everything downstream, says why, and leaves built tables in place (exit 1)', async () => {
    await run();
    await engine.execute(`insert into raw.orders values (3, 9, 'placed', 2.00)`);
    const results = await run();
    const unique = results.results.find((r) => r.unique_id.startsWith('test.mini.unique_stg_orders_order_id'))!;
    expect(unique).toMatchObject({ status: 'fail', failures: 1 });
    expect(unique.adapter_response).toEqual({});
    expect(results.results.find((r) => r.unique_id === 'model.mini.fct_orders')).toMatchObject({ status: 'skipped', message: 'skipped: upstream test unique_stg_orders_order_id failed' });
    expect(results.results.find((r) => r.unique_id === 'model.mini.customer_totals')).toMatchObject({ status: 'skipped', message: 'skipped: upstream test unique_stg_orders_order_id failed' });
    expect(results.results.find((r) => r.unique_id.startsWith('test.mini.unique_fct_orders_order_id'))!.status).toBe('skipped');
    expect(await engine.query('select count(*) as n from marts.customer_totals')).toEqual([{ n: 2 }]);
    expect(exitCodeOfRun(results, [], isInputFailure)).toBe(1);
    // --no-tests (dbt run) builds them anyway, and then the mart's own unique test fails too
    expect(statusOf(await run({ mode: 'run' })).customer_totals).toBe('success');
    expect((await run({ mode: 'test', select: ['fct_orders'] })).results.find((r) => r.unique_id.startsWith('test.mini.unique_fct_orders_order_id'))).toMatchObject({ status: 'fail', failures: 1 });
  });

  it('a model with a SQL error names its file and line, keeps the old table, skips downstream (exit 2)', async () => {
    await run();
    fs.writeFileSync(path.join(dir, 'models/marts/fct_orders.sql'), `select\n    order_id,\n    customer_id,\n    no_such_column,\n    amount\nfrom {{ ref('stg_orders') }}\n`);
    project = await loadProject(dir);
    const errors: unknown[] = [];
    const results = await build(engine, project, { target, onEvent: (e) => e.type === 'node-finish' && e.error && errors.push(e.error) });
    const fct = results.results.find((r) => r.unique_id === 'model.mini.fct_orders')!;
    expect(fct.status).toBe('error');
    expect(fct.message).toMatch(/^Database Error in model fct_orders \(models\/marts\/fct_orders\.sql:4\)\n {2}Binder Error: Referenced column "no_such_column" not found/);
    expect(statusOf(results).customer_totals).toBe('skipped');
    // customer_totals' unit test cannot type its input either (the upstream SQL is broken): it errors first and stops the model
    expect(results.results.find((r) => r.unique_id === 'model.mini.customer_totals')!.message).toBe('skipped: unit test totals_sum_per_customer errored');
    expect(results.results.find((r) => r.unique_id.startsWith('unit_test.'))!.message).toMatch(/no_such_column/);
    const withoutUnit = await build(engine, project, { target, unitTests: false });
    expect(withoutUnit.results.find((r) => r.unique_id === 'model.mini.customer_totals')!.message).toBe('skipped: upstream model fct_orders errored');
    expect(await engine.query('select count(*) as n from marts.fct_orders')).toEqual([{ n: 3 }]);
    expect(exitCodeOfRun(results, errors, isInputFailure)).toBe(2);
  });

  it('threads > 1 gives the same results and tables as one thread', async () => {
    const one = await run({ threads: 1 });
    const tables1 = await engine.query('select * from marts.customer_totals order by 1');
    const four = await run({ threads: 4 });
    expect(statusOf(four)).toEqual(statusOf(one));
    expect(await engine.query('select * from marts.customer_totals order by 1')).toEqual(tables1);
    expect(new Set(four.results.map((r) => r.thread_id)).size).toBeGreaterThan(1);
  });

  it("each thread's nodes run on that thread's own session (a DuckDB connection), and the engine picks the default thread count", async () => {
    const sessions: number[] = [];
    const session = engine.session.bind(engine);
    engine.session = (index: number) => (sessions.push(index), session(index));
    const four = await run({ threads: 4 });
    expect(new Set(sessions)).toEqual(new Set(four.results.filter((r) => r.thread_id.startsWith('Thread-')).map((r) => Number(r.thread_id.slice(7)))));
    expect(Math.max(...sessions)).toBeGreaterThan(1);
    // no --threads: the engine's default (4 on a small database), recorded in run_results' args
    const byDefault = await run({ threads: undefined });
    expect(byDefault.args.threads).toBe(4);
    engine.defaultThreads = async () => 1;
    const single = await run({ threads: undefined });
    expect(single.args.threads).toBe(1);
    expect(new Set(single.results.map((r) => r.thread_id))).toEqual(new Set(['Thread-1']));
  });

  it('selects, excludes, runs tests only, and incremental builds merge', async () => {
    const selected = await run({ select: ['+fct_orders'], mode: 'run' });
    expect(selected.results.map((r) => r.unique_id)).toEqual(['model.mini.stg_orders', 'model.mini.fct_orders']);
    const tests = await run({ select: ['fct_orders'], mode: 'test' });
    expect(tests.results.every((r) => r.unique_id.startsWith('test.'))).toBe(true);
    await run({ select: ['orders_inc'], mode: 'run' });
    await engine.execute(`update raw.orders set status = 'delivered' where order_id = 3`);
    const inc = await run({ select: ['orders_inc'], mode: 'run' });
    expect(inc.results[0].adapter_response._message).toBe('MERGE 1');
    expect(await engine.query('select status from marts.orders_inc where order_id = 3')).toEqual([{ status: 'delivered' }]);
  });

  it('tests of a view share one query, with the same verdicts and counts as one by one; a bad test errors alone', async () => {
    await engine.execute(`insert into raw.orders values (3, 9, 'lost', 2.00), (4, 9, 'lost', 3.00)`);
    const verdicts = (r: RunResults) => r.results.filter((x) => x.unique_id.startsWith('test.')).map((x) => [x.unique_id, x.status, x.failures]);
    const batches: string[] = [];
    const query = engine.query.bind(engine);
    engine.query = (sql: string) => (sql.includes('dbt_batch_relation') && batches.push(sql), query(sql));
    const alone = await run({ batchTests: false });
    expect(batches).toHaveLength(0);
    const batched = await run();
    expect(batches).toHaveLength(1); // stg_orders is a view: its three tests in one query; fct_orders is a table: its tests alone
    expect(verdicts(batched)).toEqual(verdicts(alone));
    expect(verdicts(batched).filter(([id, status]) => String(id).includes('unique_stg_orders') && status === 'fail')).toHaveLength(1);
    expect(batched.results.find((x) => x.unique_id.startsWith('test.mini.unique_stg_orders_order_id'))!.compiled_code).toContain('from "staging"."stg_orders"');

    const yaml = fs.readFileSync(path.join(dir, 'models/staging/schema.yml'), 'utf8') + '      - name: no_such_column\n        data_tests: [not_null]\n';
    fs.writeFileSync(path.join(dir, 'models/staging/schema.yml'), yaml);
    project = await loadProject(dir);
    const withBad = await run();
    const status = (prefix: string) => withBad.results.find((x) => x.unique_id.startsWith(prefix))!.status;
    expect(status('test.mini.not_null_stg_orders_no_such_column')).toBe('error');
    expect(status('test.mini.not_null_stg_orders_customer_id')).toBe('pass');
    expect(status('test.mini.unique_stg_orders_order_id')).toBe('fail');
  });

  it('a failing unit test stops its model and everything downstream (dbt build runs unit tests first)', async () => {
    addFailingUnitTest(dir);
    project = await loadProject(dir);
    const results = await run();
    expect(results.results[0]).toMatchObject({ unique_id: 'unit_test.mini.customer_totals.totals_sum_per_customer', status: 'pass' });
    expect(results.results.find((r) => r.unique_id.endsWith('totals_wrong_on_purpose'))).toMatchObject({ status: 'fail', failures: 1 });
    expect(results.results.find((r) => r.unique_id === 'model.mini.customer_totals')).toMatchObject({ status: 'skipped', message: 'skipped: unit test totals_wrong_on_purpose failed' });
    expect(statusOf(results).fct_orders).toBe('success');
    expect(exitCodeOfRun(results, [], isInputFailure)).toBe(1);
    expect((await run({ mode: 'run' })).results.some((r) => r.unique_id.startsWith('unit_test.'))).toBe(false);
  });

  it('runs project-defined generic tests ({% test %} macros)', async () => {
    await run({ mode: 'run' });
    await engine.execute(`insert into raw.orders values (5, 9, 'placed', 0.00)`);
    const tests = await run({ mode: 'test', select: ['stg_orders'] });
    expect(tests.results.find((r) => r.unique_id.startsWith('test.mini.is_positive_stg_orders_amount'))).toMatchObject({ status: 'fail', failures: 1 });
  });

  it('vars: --vars override the project', async () => {
    await run({ vars: { min_amount: 2 }, mode: 'run' });
    expect(await engine.query('select count(*) as n from marts.fct_orders')).toEqual([{ n: 2 }]);
  });
});

describe('unit tests', () => {
  it('pass, and fail with a readable diff', async () => {
    addFailingUnitTest(dir);
    project = await loadProject(dir);
    const memory = await openDuckDB(':memory:');
    try {
      const results = await runUnitTests(memory, project, [...project.unitTests.keys()], { vars: project.config.vars, target });
      const byName = Object.fromEntries(results.map((r) => [r.name, r]));
      expect(byName.totals_sum_per_customer).toMatchObject({ status: 'pass' });
      // format: sql input, `input: this` and overrides.macros.is_incremental
      expect(byName.increment_reads_this).toMatchObject({ status: 'pass' });
      expect(byName.totals_wrong_on_purpose.status).toBe('fail');
      expect(byName.totals_wrong_on_purpose.diff).toBe(
        [
          '  | customer_id | orders | total |',
          '  | 7           | 1      | 2.5   |',
          '- | 8           | 5      | NULL  |',
          '+ | 8           | 1      | NULL  |',
          '(- expected but missing, + returned but not expected)',
        ].join('\n'),
      );
    } finally {
      await memory.close();
    }
  });
});
