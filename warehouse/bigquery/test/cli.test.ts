import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockedHosts } from './loopback-guard.ts';
import { LANDING_TABLES } from '../../../contract/landing.ts';
import { targetHooks } from '../../targets.ts';
import { answerWithDuckDB } from './duckdb-answers.ts';
import { runSim } from './helpers.ts';
import { fakeAuthClient, FakeBigQuery } from './fake-bigquery.ts';

/** `sim --target bigquery` end to end: the CLI, the pipeline, the model engine, the real client, a loopback BigQuery. */
let fake: FakeBigQuery;
let dir: string;
const cwd = process.cwd();
beforeEach(async () => {
  fake = await FakeBigQuery.start();
  fake.onQuery = (sql, f) =>
    sql.startsWith('BEGIN TRANSACTION;') ? f.defaultQuery(sql)
    : /_sim_meta/.test(sql) ? answerWithDuckDB(sql, f)
    : /^select count\(\*\) as failures/i.test(sql) ? { fields: [{ name: 'failures', type: 'INTEGER' }], rows: [['0']], bytes: 10 << 20 }
    : { bytes: 20 << 20 };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecomsim-bq-cli-'));
  process.chdir(dir); // target/ goes here
});
afterEach(async () => {
  process.chdir(cwd);
  targetHooks.testing = undefined;
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
  expect(blockedHosts).toEqual([]);
});


const TINY = ['--seed', '42', '--scale', 'tiny', '--start-date', '2024-01-01', '--end-date', '2024-01-31', '--target', 'bigquery', '--bq-project', 'test-project', '--quiet'];

describe('sim --target bigquery', () => {
  it('without credentials: one line, exit 2, before anything is generated or sent', async () => {
    const previous = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = path.join(dir, 'missing-key.json');
    try {
      const { code, stdout, stderr } = await runSim(TINY);
      expect(code).toBe(2);
      expect(stderr).toBe(`error: GOOGLE_APPLICATION_CREDENTIALS=${path.join(dir, 'missing-key.json')} does not exist: set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run \`gcloud auth application-default login\` (Application Default Credentials)\n`);
      expect(stdout).toBe('');
      expect(fake.requests).toEqual([]);
      expect(fs.readdirSync(dir)).toEqual([]); // no run recorded, nothing written
    } finally {
      if (previous === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = previous;
    }
  });

  it('lands, builds and tests seed 42 in BigQuery', async () => {
    targetHooks.testing = { apiEndpoint: fake.url, authClient: fakeAuthClient(), sleep: async () => {} };
    const { code, stdout, stderr } = await runSim([...TINY, '--json', '--dataset-prefix', 'dev_ci_', '--bq-label', 'team=data']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ status: 'success', exitCode: 0, target: 'bigquery' });
    for (const table of LANDING_TABLES) {
      const landed = report.landing.tables.find((t: { name: string }) => t.name === table.name).rows;
      expect(fake.table('dev_ci_landing', table.name)!.rows, table.name).toHaveLength(landed);
    }
    const jobs = fake.find('POST', /^\/projects\/test-project\/jobs$/).map((r) => r.body);
    expect(jobs.some((j) => /^CREATE OR REPLACE TABLE `test-project`\.`dev_ci_marts`\./.test(j.configuration.query.query))).toBe(true);
    expect(jobs.every((j) => j.configuration.labels.team === 'data' && j.configuration.labels.tool === 'ecom-sim')).toBe(true);
    expect(fake.find('POST', /^\/upload\//).every((u) => u.body.configuration.labels.team === 'data')).toBe(true);
  });

  it('--dry-run prices every statement and changes nothing', async () => {
    targetHooks.testing = { apiEndpoint: fake.url, authClient: fakeAuthClient(), sleep: async () => {} };
    const { code, stdout } = await runSim([...TINY, '--dry-run']);
    expect(code).toBe(0);
    expect(fake.find('POST', /^\/upload\//)).toEqual([]);
    expect(fake.find('POST', /datasets$/)).toEqual([]);
    const jobs = fake.find('POST', /^\/projects\/test-project\/jobs$/).map((r) => r.body);
    expect(jobs.length).toBeGreaterThan(20);
    expect(jobs.every((j) => j.configuration.dryRun === true)).toBe(true);
    expect(fake.jobs.size).toBe(0);
    expect(stdout).toMatch(/^dry-run {2}load landing\.orders: \d+ rows/m);
    expect(stdout).toMatch(/^dry-run {2}model\.ecom_sim\.fact_orders +20\.0 MB$/m);
    expect(stdout).toMatch(/^dry-run {2}would create dataset test-project\.landing in US$/m);
    expect(stdout).toMatch(/^dry-run {2}total: \d+ statements would process [\d.]+ [KMGT]?B \(\d+ bytes\)$/m);
  });
});
