import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockedHosts } from './loopback-guard.ts';
import { allocateBatch } from '../../../contract/batch.ts';
import { customers, landingMeta, orders } from '../../../contract/landing.ts';
import { openDuckDB } from '../../duckdb/index.ts';
import { targetHooks } from '../../targets.ts';
import type { Engine } from '../../engine.ts';
import { formatReconcile, reconcile } from '../reconcile/reconcile.ts';
import { answerWithDuckDB } from './duckdb-answers.ts';
import { fakeAuthClient, FakeBigQuery } from './fake-bigquery.ts';
import { batchOf, openTestEngine, runSim } from './helpers.ts';

const CUSTOMERS = [
  { customer_id: 1, first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', country_code: 'GB', acquisition_channel: 'organic', created_at: '2024-01-01T09:30:00.000Z' },
  { customer_id: 2, first_name: 'Grace', last_name: 'Hopper', email: null, country_code: 'US', acquisition_channel: 'email', created_at: '2024-02-29T23:59:59.123Z' },
];
const ORDERS = [
  { order_id: 10, customer_id: 1, order_status: 'delivered', order_channel: 'web', order_ts: '2024-03-01T10:00:00.000Z', shipped_at: '2024-03-02T08:00:00.000Z', delivered_at: '2024-03-04T12:00:00.000Z', cancelled_at: null, returned_at: null, order_total: 1234.5, created_at: '2024-03-01T10:00:00.000Z', updated_at: '2024-03-04T12:00:00.000Z' },
  { order_id: 11, customer_id: 2, order_status: 'cancelled', order_channel: 'app', order_ts: '2024-03-05T00:00:00.000Z', shipped_at: null, delivered_at: null, cancelled_at: '2024-03-05T01:00:00.000Z', returned_at: null, order_total: 19.99, created_at: '2024-03-05T00:00:00.000Z', updated_at: '2024-03-05T01:00:00.000Z' },
];
const META = { seed: '42', as_of: '2024-03-31', digests: '{"orders":"abc"}' };

function metaBatch(meta: Record<string, string>) {
  const entries = Object.entries(meta);
  const batch = allocateBatch(landingMeta, entries.length);
  entries.forEach(([k, v], i) => {
    (batch.columns[0] as string[])[i] = k;
    (batch.columns[1] as string[])[i] = v;
  });
  batch.rowCount = entries.length;
  return batch;
}

async function land(engine: Engine, meta = META): Promise<void> {
  const writer = await engine.openLanding('landing', [customers, orders, landingMeta]);
  await writer.append(batchOf(customers, CUSTOMERS));
  await writer.append(batchOf(orders, ORDERS));
  await writer.append(metaBatch(meta));
  await writer.commit();
}

let fake: FakeBigQuery;
let dir: string;
let warehouse: string;
beforeEach(async () => {
  fake = await FakeBigQuery.start();
  // The landing swap goes through the fake's own transaction handling, every SELECT through DuckDB.
  fake.onQuery = (sql, f) => (sql.startsWith('BEGIN TRANSACTION;') ? f.defaultQuery(sql) : answerWithDuckDB(sql, f));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecomsim-reconcile-'));
  warehouse = path.join(dir, 'local.duckdb');
  // The local build: landing plus one model.
  const local = await openDuckDB(warehouse);
  await land(local);
  await local.ensureSchema('marts');
  await local.execute('CREATE TABLE marts.daily_revenue AS SELECT CAST(order_ts AS DATE) AS order_date, SUM(order_total) AS revenue, COUNT(*) AS order_count FROM landing.orders GROUP BY 1');
  await local.close();
});
afterEach(async () => {
  targetHooks.testing = undefined;
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
  expect(blockedHosts).toEqual([]);
});

/** The BigQuery build: the same landing through load jobs, and the model's table as BigQuery would hold it. */
async function buildRemote(dailyRevenue = [['2024-03-01', '1234.5', 1], ['2024-03-05', '19.99', 1]]): Promise<Engine> {
  const { engine } = await openTestEngine(fake);
  await land(engine);
  await engine.ensureSchema('marts');
  fake.tables.set('marts.daily_revenue', {
    resource: { tableReference: { projectId: 'test-project', datasetId: 'marts', tableId: 'daily_revenue' }, type: 'TABLE', schema: { fields: [{ name: 'order_date', type: 'DATE' }, { name: 'revenue', type: 'NUMERIC' }, { name: 'order_count', type: 'INTEGER' }] } },
    rows: dailyRevenue.map(([order_date, revenue, order_count]) => ({ order_date, revenue, order_count })),
  });
  return engine;
}


describe('sim reconcile --target bigquery', () => {
  it('matches every profile when both builds hold the same data', async () => {
    const remote = await buildRemote();
    const local = await openDuckDB(warehouse);
    const report = await reconcile(local, remote);
    await local.close();
    expect(report.differences).toBe(0);
    const value = (relation: string, metric: string) => report.checks.find((c) => c.relation === relation && c.metric === metric);
    expect(value('landing.orders', 'rows')).toMatchObject({ local: '2', remote: '2', status: 'match' });
    expect(value('landing.orders', 'sum(order_total)')).toMatchObject({ local: '1254.49', remote: '1254.49', status: 'match' });
    expect(value('landing.orders', 'distinct(order_id)')).toMatchObject({ local: '2', status: 'match' });
    expect(value('landing.orders', 'max(order_ts)')).toMatchObject({ local: '2024-03-05T00:00:00.000000Z', remote: '2024-03-05T00:00:00.000000Z' });
    expect(value('landing.customers', 'min(created_at)')).toMatchObject({ local: '2024-01-01T09:30:00.000000Z', status: 'match' });
    expect(value('marts.daily_revenue', 'sum(revenue)')).toMatchObject({ local: '1254.49', remote: '1254.49', status: 'match' });
    expect(value('marts.daily_revenue', 'max(order_date)')).toMatchObject({ local: '2024-03-05', remote: '2024-03-05' });
    expect(value('landing._sim_meta', 'seed')).toMatchObject({ local: '42', remote: '42', status: 'match' });
    // Profile queries are labelled query jobs like any other.
    expect(fake.find('POST', /^\/projects\/test-project\/jobs$/).some((r) => r.body.configuration.labels.node === 'reconcile_landing_orders')).toBe(true);
    const text = formatReconcile(report);
    expect(text).toMatch(/^relation +metric +duckdb +bigquery +status$/m);
    expect(text).toMatch(/^landing\.orders +sum\(order_total\) +1254\.49 +1254\.49 +ok$/m);
    expect(text).toMatch(/reconcile: 3 relations, \d+ checks, all match between duckdb and bigquery\n$/);
  });

  it('reports each differing value, a missing model and a different seed, and exits 1', async () => {
    await buildRemote([['2024-03-01', '1234.5', 1], ['2024-03-05', '19.98', 1]]);
    fake.tables.get('landing.orders')!.rows.pop(); // one order lost on the way
    fake.tables.get('landing._sim_meta')!.rows.find((r) => r.key === 'seed')!.value = '7';
    const local = await openDuckDB(warehouse);
    await local.execute('CREATE TABLE marts.only_local AS SELECT 1 AS id');
    await local.close();
    targetHooks.testing = { apiEndpoint: fake.url, authClient: fakeAuthClient() };

    const { code, stdout } = await runSim(['reconcile', '--target', 'bigquery', '--warehouse', warehouse, '--bq-project', 'test-project', '--differences-only']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^landing\._sim_meta +seed +42 +7 +DIFFER$/m);
    expect(stdout).toMatch(/^landing\.orders +rows +2 +1 +DIFFER$/m);
    expect(stdout).toMatch(/^landing\.orders +sum\(order_total\) +1254\.49 +1234\.5 +DIFFER$/m);
    expect(stdout).toMatch(/^marts\.daily_revenue +sum\(revenue\) +1254\.49 +1254\.48 +DIFFER$/m);
    expect(stdout).toMatch(/^marts\.only_local +exists +table +\(none\) +MISSING$/m);
    expect(stdout).not.toMatch(/ ok$/m);

    const json = await runSim(['reconcile', '--target', 'bigquery', '--warehouse', warehouse, '--bq-project', 'test-project', '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c: { status: string }) => c.status !== 'match').map((c: { relation: string; metric: string }) => `${c.relation} ${c.metric}`)).toEqual(
      expect.arrayContaining(['landing._sim_meta seed', 'landing.orders rows', 'marts.daily_revenue sum(revenue)', 'marts.only_local exists']),
    );
  });

  it('exits 0 with --json when everything matches', async () => {
    await buildRemote();
    targetHooks.testing = { apiEndpoint: fake.url, authClient: fakeAuthClient() };
    const { code, stdout } = await runSim(['reconcile', '--target', 'bigquery', '--warehouse', warehouse, '--bq-project', 'test-project', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, differences: 0, relations: 3 });
  });
});

describe('BigQuery credentials', () => {
  it('a missing key file is one line and exit 2, before anything is opened or sent', async () => {
    const previous = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = path.join(dir, 'no-such-key.json');
    try {
      const { code, stderr } = await runSim(['reconcile', '--target', 'bigquery', '--warehouse', warehouse, '--bq-project', 'test-project']);
      expect(code).toBe(2);
      expect(stderr).toBe(`error: GOOGLE_APPLICATION_CREDENTIALS=${path.join(dir, 'no-such-key.json')} does not exist: set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run \`gcloud auth application-default login\` (Application Default Credentials)\n`);
      expect(fake.requests).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = previous;
    }
  });

  it('no credentials at all (no key, no gcloud login, not on GCE) is one line and exit 2', async () => {
    const home = process.env.HOME;
    process.env.HOME = dir; // no ~/.config/gcloud/application_default_credentials.json here
    process.env.CLOUDSDK_CONFIG = path.join(dir, 'gcloud');
    try {
      const { code, stderr } = await runSim(['reconcile', '--target', 'bigquery', '--warehouse', warehouse, '--bq-project', 'test-project']);
      expect(code).toBe(2);
      expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(stderr).toMatch(/^error: BigQuery credentials not found: set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run `gcloud auth application-default login`/);
    } finally {
      process.env.HOME = home;
      delete process.env.CLOUDSDK_CONFIG;
    }
  });

  it('a key file that is not a credentials file is named, its content never printed', async () => {
    const key = path.join(dir, 'key.json');
    fs.writeFileSync(key, JSON.stringify({ private_key: '-----BEGIN PRIVATE KEY-----SECRET' }));
    process.env.GOOGLE_APPLICATION_CREDENTIALS = key;
    try {
      const { code, stderr } = await runSim(['reconcile', '--target', 'bigquery', '--warehouse', warehouse, '--bq-project', 'test-project']);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^error: GOOGLE_APPLICATION_CREDENTIALS=.*key\.json is not a Google credentials file/);
      expect(stderr).not.toContain('SECRET');
    } finally {
      delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    }
  });
});
