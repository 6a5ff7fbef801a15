import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockedHosts } from './loopback-guard.ts';
import { LANDING_TABLES } from '../../../contract/landing.ts';
import { HISTORY_SCHEMA } from '../../../orchestrator/history.ts';
import { createProgress } from '../../../orchestrator/progress.ts';
import { runPipeline, type RunOptions } from '../../../orchestrator/run.ts';
import { resolveScenario, simulate } from '../../../simulator/index.ts';
import { openDuckDB } from '../../duckdb/index.ts';
import { reconcile } from '../reconcile/reconcile.ts';
import { answerWithDuckDB } from './duckdb-answers.ts';
import { FakeBigQuery } from './fake-bigquery.ts';
import { openTestEngine } from './helpers.ts';

/**
 * The pipeline's own generate -> land step (orchestrator/) with the simulator's real batches,
 * once into DuckDB and once through the BigQuery engine (real client, loopback server): every
 * landing table arrives whole through load jobs, and `reconcile` finds the two landings equal.
 */
let fake: FakeBigQuery;
let dir: string;
beforeEach(async () => {
  fake = await FakeBigQuery.start();
  fake.onQuery = (sql, f) => (sql.startsWith('BEGIN TRANSACTION;') ? f.defaultQuery(sql) : answerWithDuckDB(sql, f));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecomsim-bq-pipeline-'));
});
afterEach(async () => {
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
  expect(blockedHosts).toEqual([]);
});

describe('sim --seed 42 --scale tiny, landed in BigQuery', () => {
  it('lands every table through load jobs and reconciles with the same seed landed in DuckDB', async () => {
    const scenario = resolveScenario({ overrides: { seed: 42, scale: 'tiny', start_date: '2024-01-01', end_date: '2024-03-31' }, env: {} });
    const base = (openEngine: RunOptions['openEngine'], target: string, warehouse: string): RunOptions => ({
      command: 'run',
      scenario,
      openEngine,
      target,
      warehouse,
      targetDir: path.join(dir, `target-${target}`),
      simulate: (s) => simulate(s, { batchSize: 2048 }),
      progress: createProgress('quiet'),
      version: 'test',
    });
    const localFile = path.join(dir, 'local.duckdb');
    const local = await runPipeline(base(() => openDuckDB(localFile), 'duckdb', localFile));
    // Small chunks, so the bigger tables go up as several load jobs.
    const remote = await runPipeline(base(async () => (await openTestEngine(fake, {}, { chunkBytes: 256 * 1024 })).engine, 'bigquery', '-'));

    expect(remote.status).toBe('success');
    expect(remote.landing!.tables).toEqual(local.landing!.tables);
    for (const table of LANDING_TABLES) {
      const rows = remote.landing!.tables.find((t) => t.name === table.name)!.rows;
      expect(fake.table('landing', table.name)!.rows).toHaveLength(rows);
    }
    const uploads = fake.find('POST', /^\/upload\//);
    expect(uploads.length).toBeGreaterThan(LANDING_TABLES.length + 1);
    expect(uploads.every((u) => u.body.configuration.load.sourceFormat === 'NEWLINE_DELIMITED_JSON')).toBe(true);
    expect(fake.requests.filter((r) => r.path.endsWith('/insertAll'))).toEqual([]);

    const localEngine = await openDuckDB(localFile);
    const { engine: remoteEngine } = await openTestEngine(fake);
    const report = await reconcile(localEngine, remoteEngine, { skipSchemas: [HISTORY_SCHEMA] });
    await localEngine.close();
    expect(report.checks.filter((c) => c.status !== 'match')).toEqual([]);
    expect(report.relations).toBe(LANDING_TABLES.length);
    expect(report.checks.filter((c) => c.relation === 'landing.order_items').length).toBeGreaterThan(5);
  });
});
