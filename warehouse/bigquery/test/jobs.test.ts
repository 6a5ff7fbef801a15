import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockedHosts } from './loopback-guard.ts';
import { exitCodeOf, InputError } from '../../../contract/errors.ts';
import { EngineError } from '../../engine.ts';
import { BigQueryJobError, queryJobId } from '../jobs.ts';
import { FakeBigQuery } from './fake-bigquery.ts';
import { openTestEngine } from './helpers.ts';

const MODEL_SQL = 'CREATE OR REPLACE TABLE `test-project`.`marts`.`fct_orders` AS\nSELECT order_id, order_total\nFROM `test-project`.`staging`.`stg_orders`';
const LABEL = 'model.ecom_sim.fct_orders';

let fake: FakeBigQuery;
beforeEach(async () => {
  fake = await FakeBigQuery.start();
});
afterEach(async () => {
  await fake.close();
  expect(blockedHosts).toEqual([]);
});

const queryInserts = () => fake.find('POST', /^\/projects\/test-project\/jobs$/);

describe('BigQuery query jobs', () => {
  it('sends the SQL with a deterministic job id, labels, location and the maximum bytes billed', async () => {
    const { engine } = await openTestEngine(fake, { location: 'EU', maximumBytesBilled: '10GB', labels: { team: 'data' } });
    await engine.execute(MODEL_SQL, { label: LABEL });
    const [insert] = queryInserts();
    expect(insert.body.configuration.query).toEqual({ query: MODEL_SQL, useLegacySql: false, maximumBytesBilled: String(10 * 1024 ** 3) });
    expect(insert.body.configuration.labels).toEqual({ team: 'data', tool: 'ecom-sim', run_id: 'run42', node: 'model_ecom_sim_fct_orders', job_kind: 'query' });
    expect(insert.body.jobReference).toEqual({ projectId: 'test-project', location: 'EU', jobId: queryJobId('run42', LABEL, MODEL_SQL, 1) });
    expect(insert.body.jobReference.jobId).toMatch(/^ecomsim_run42_model_ecom_sim_fct_orders_[0-9a-f]{16}$/);
  });

  it('gives the same statement the same id in a new process of the same run, and fetches that job instead of running it again', async () => {
    let runs = 0;
    fake.onQuery = () => (runs++, { bytes: 10 });
    const first = await openTestEngine(fake);
    await first.engine.execute(MODEL_SQL, { label: LABEL });
    // Same run id (e.g. `sim retry`), fresh engine: the insert answers 409, the job is reused.
    const second = await openTestEngine(fake);
    await second.engine.execute(MODEL_SQL, { label: LABEL });
    const ids = queryInserts().map((r) => r.body.jobReference.jobId);
    expect(ids[0]).toBe(ids[1]);
    expect(runs).toBe(1);
    expect(fake.find('GET', new RegExp(`/jobs/${ids[0]}$`))).toHaveLength(1);
    // A different run, statement or repetition gets a different id.
    expect(queryJobId('run43', LABEL, MODEL_SQL, 1)).not.toBe(ids[0]);
    expect(queryJobId('run42', LABEL, `${MODEL_SQL} `, 1)).not.toBe(ids[0]);
    expect(queryJobId('run42', LABEL, MODEL_SQL, 2)).not.toBe(ids[0]);
  });

  it('names jobs after the pipeline run id plus the session stamp once the run begins, so local counters never collide across clones', async () => {
    const { engine } = await openTestEngine(fake);
    engine.beginRun('0007');
    await engine.execute('SELECT 1', { label: 'model.a' });
    const [insert] = queryInserts();
    expect(insert.body.jobReference.jobId).toMatch(/^ecomsim_0007_\d{8}t\d{6}_model_a_[0-9a-f]{16}$/);
    expect(insert.body.configuration.labels.run_id).toBe(engine.runId);
  });

  it('waits for a running job and returns its rows in the Row shapes, across result pages', async () => {
    fake.runningPolls = 2;
    fake.pageSize = 2;
    fake.onQuery = () => ({
      fields: [
        { name: 'customer_id', type: 'INTEGER' },
        { name: 'revenue', type: 'NUMERIC' },
        { name: 'last_ts', type: 'TIMESTAMP' },
        { name: 'first_day', type: 'DATE' },
        { name: 'vip', type: 'BOOLEAN' },
        { name: 'name', type: 'STRING' },
      ],
      rows: [
        ['1', '25.49', '1706956200123456', '2024-02-03', 'true', 'Ada'],
        ['2', null, '1709251200000000', '2024-03-01', 'false', null],
        ['3', '-0.5', '0', '1970-01-01', null, "O'Neil"],
      ],
    });
    const { engine, sleeps } = await openTestEngine(fake);
    const rows = await engine.query('SELECT 1', { label: 'test.x' });
    expect(rows).toEqual([
      { customer_id: 1, revenue: 25.49, last_ts: '2024-02-03T10:30:00.123456Z', first_day: '2024-02-03', vip: true, name: 'Ada' },
      { customer_id: 2, revenue: null, last_ts: '2024-03-01T00:00:00.000000Z', first_day: '2024-03-01', vip: false, name: null },
      { customer_id: 3, revenue: -0.5, last_ts: '1970-01-01T00:00:00.000000Z', first_day: '1970-01-01', vip: null, name: "O'Neil" },
    ]);
    expect(sleeps).toEqual([250, 500, 1000]); // two RUNNING answers after the insert, on the polling schedule
    const pages = fake.find('GET', /\/queries\//);
    expect(pages.map((p) => p.query.pageToken ?? '')).toEqual(['', '2']);
    expect(pages[0].query['formatOptions.useInt64Timestamp']).toBe('true');
  });

  it('retries HTTP 503 and 403 rateLimitExceeded on the backoff schedule, under the same job id', async () => {
    const { engine, sleeps } = await openTestEngine(fake);
    fake.fail((r) => r.method === 'POST' && r.path.endsWith('/jobs'), { status: 503, reason: 'backendError', times: 2 });
    fake.fail((r) => r.method === 'POST' && r.path.endsWith('/jobs'), { status: 403, reason: 'rateLimitExceeded', times: 1 });
    await engine.execute(MODEL_SQL, { label: LABEL });
    const ids = queryInserts().map((r) => r.body.jobReference.jobId);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(1);
    expect(sleeps).toEqual([1000, 2000, 4000]);
  });

  it('a lost insert response is retried under the same id, and the 409 that follows fetches the job instead of running it twice', async () => {
    let runs = 0;
    fake.onQuery = () => (runs++, { bytes: 1 });
    fake.failAfter((r) => r.method === 'POST' && r.path.endsWith('/jobs'), { status: 503, reason: 'backendError' });
    const { engine, sleeps } = await openTestEngine(fake);
    await engine.execute(MODEL_SQL, { label: LABEL });
    const ids = queryInserts().map((r) => r.body.jobReference.jobId);
    expect(ids).toEqual([ids[0], ids[0]]);
    expect(runs).toBe(1);
    expect(fake.find('GET', new RegExp(`/jobs/${ids[0]}$`))).toHaveLength(1);
    expect(sleeps).toEqual([1000]);
  });

  it('runs a job that failed with a transient reason again under a new, derived id', async () => {
    const { engine, sleeps } = await openTestEngine(fake);
    fake.failJob((sql) => sql === MODEL_SQL, { reason: 'backendError', message: 'Backend error. Job aborted.' });
    await engine.execute(MODEL_SQL, { label: LABEL });
    const ids = queryInserts().map((r) => r.body.jobReference.jobId);
    expect(ids).toEqual([queryJobId('run42', LABEL, MODEL_SQL, 1), `${queryJobId('run42', LABEL, MODEL_SQL, 1)}_r1`]);
    expect(sleeps).toEqual([1000]);
  });

  it('gives up after the bounded number of attempts', async () => {
    const { engine, sleeps } = await openTestEngine(fake);
    fake.fail((r) => r.method === 'POST' && r.path.endsWith('/jobs'), { status: 500, reason: 'internalError', times: 99 });
    const error = await engine.execute(MODEL_SQL, { label: LABEL }).catch((e) => e);
    expect(error).toBeInstanceOf(BigQueryJobError);
    expect(error.message).toMatch(/after 5 attempts/);
    expect(sleeps).toEqual([1000, 2000, 4000, 8000]);
  });

  it('stops on a permanent error with the job id, the statement and BigQuery\'s message (exit 3), without retrying', async () => {
    fake.onQuery = () => ({ error: { reason: 'invalidQuery', message: 'Unrecognized name: ordr_total; Did you mean order_total? at [2:18]' } });
    const { engine, sleeps } = await openTestEngine(fake);
    const sql = MODEL_SQL.replace('order_total', 'ordr_total');
    const error = await engine.execute(sql, { label: LABEL }).catch((e) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error.jobId).toBe(queryJobId('run42', LABEL, sql, 1));
    expect(error.sql).toBe(sql);
    const [first, ...statement] = error.message.split('\n');
    expect(first).toBe(`BigQuery job ${error.jobId} (${LABEL}) failed [invalidQuery]: Unrecognized name: ordr_total; Did you mean order_total? at [2:18]`);
    expect(statement).toEqual([
      '    1 | CREATE OR REPLACE TABLE `test-project`.`marts`.`fct_orders` AS',
      '    2 | SELECT order_id, ordr_total',
      '    3 | FROM `test-project`.`staging`.`stg_orders`',
    ]);
    expect(exitCodeOf(error)).toBe(3);
    expect(queryInserts()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('surfaces an HTTP 400 on insert the same way', async () => {
    fake.fail((r) => r.method === 'POST' && r.path.endsWith('/jobs'), { status: 400, reason: 'invalid', message: 'Invalid value for label' });
    const { engine } = await openTestEngine(fake);
    await expect(engine.execute('SELECT 1', { label: 'x' })).rejects.toThrow(/^BigQuery job ecomsim_run42_x_[0-9a-f]{16} \(x\) failed \[invalid\]: Invalid value for label\n {4}1 \| SELECT 1$/);
  });
});

describe('BigQuery --dry-run', () => {
  it('prices every statement with BigQuery\'s dry run, runs nothing, creates nothing and prints a total', async () => {
    fake.onQuery = (sql) => ({ bytes: sql.startsWith('CREATE') ? 5 * 1024 ** 3 : 1536 });
    const { engine, report } = await openTestEngine(fake, { dryRun: true });
    await engine.ensureSchema('marts');
    await engine.execute(MODEL_SQL, { label: LABEL });
    expect(await engine.query('SELECT count(*) FROM t', { label: 'test.not_null' })).toEqual([]);
    await engine.close();
    const inserts = queryInserts();
    expect(inserts.map((r) => r.body.configuration.dryRun)).toEqual([true, true]);
    expect(inserts[0].body.configuration.labels.job_kind).toBe('dry_run');
    expect(fake.jobs.size).toBe(0);
    expect(fake.find('POST', /datasets$/)).toEqual([]);
    expect(report).toEqual([
      'dry-run  would create dataset test-project.marts in US',
      `dry-run  ${LABEL.padEnd(48)}    5.00 GB`,
      `dry-run  ${'test.not_null'.padEnd(48)}    1.50 KB`,
      `dry-run  total: 2 statements would process 5.00 GB (${5 * 1024 ** 3 + 1536} bytes)`,
    ]);
  });

  it('an invalid statement fails the dry run with BigQuery\'s message', async () => {
    fake.onQuery = () => ({ error: { reason: 'invalidQuery', message: 'Function not found: strftime at [1:8]' } });
    const { engine } = await openTestEngine(fake, { dryRun: true });
    await expect(engine.execute("SELECT strftime(order_ts, '%Y')", { label: 'model.x' })).rejects.toThrow(/failed \[invalidQuery\]: Function not found: strftime at \[1:8\]/);
  });
});

describe('BigQuery access check', () => {
  it('a project the credentials cannot use is bad input (exit 2), found before anything runs', async () => {
    fake.fail((r) => r.method === 'GET' && r.path === '/projects/test-project/datasets', { status: 403, reason: 'accessDenied', message: 'Access Denied: Project test-project: User does not have bigquery.datasets.list permission' });
    const error = await openTestEngine(fake).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^BigQuery refused access to project test-project \(Access Denied.*\): the credentials need roles\/bigquery\.jobUser and roles\/bigquery\.dataEditor/);
  });
});
