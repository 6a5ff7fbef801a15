import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockedHosts } from './loopback-guard.ts';
import { createProgress } from '../../../orchestrator/progress.ts';
import { runPipeline } from '../../../orchestrator/run.ts';
import { resolveScenario, simulate } from '../../../simulator/index.ts';
import { loadProject } from '../../project/load.ts';
import { build } from '../../runner/build.ts';
import { labelValue } from '../jobs.ts';
import { answerWithDuckDB } from './duckdb-answers.ts';
import { FakeBigQuery } from './fake-bigquery.ts';
import { openTestEngine } from './helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

let fake: FakeBigQuery;
let dir: string;
beforeEach(async () => {
  fake = await FakeBigQuery.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecomsim-bq-build-'));
});
afterEach(async () => {
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
  expect(blockedHosts).toEqual([]);
});

describe('the model engine on the BigQuery engine', () => {
  it('builds and tests the whole project through labelled query jobs in BigQuery SQL, on the prefixed datasets', async () => {
    const scenario = resolveScenario({ overrides: { seed: 42, scale: 'tiny', start_date: '2024-01-01', end_date: '2024-01-31' }, env: {} });
    const { engine } = await openTestEngine(fake, { datasetPrefix: 'ci_' });
    await runPipeline({
      command: 'run', scenario, openEngine: async () => engine, target: 'bigquery', warehouse: '-', targetDir: path.join(dir, 'target'),
      simulate: (s) => simulate(s, { batchSize: 4096 }), progress: createProgress('quiet'), version: 'test',
    });
    // Data tests count failing rows: BigQuery answers one row; the landed scenario comes from the uploaded _sim_meta.
    fake.onQuery = (sql, f) =>
      sql.startsWith('BEGIN TRANSACTION;') ? f.defaultQuery(sql)
      : /_sim_meta/.test(sql) ? answerWithDuckDB(sql, f)
      : /^select count\(\*\) as failures/i.test(sql) ? { fields: [{ name: 'failures', type: 'INTEGER' }], rows: [['0']], bytes: 10 << 20 }
      : { bytes: 10 << 20 };
    const { engine: builder } = await openTestEngine(fake, { datasetPrefix: 'ci_' });
    const project = await loadProject(ROOT, {});
    const results = await build(builder, project, { target: { name: 'bigquery', type: 'bigquery', schema: 'main' }, threads: 4, mode: 'build' });
    expect(results.results.filter((r) => r.status !== 'success' && r.status !== 'pass')).toEqual([]);

    const jobs = fake.find('POST', /^\/projects\/test-project\/jobs$/).map((r) => r.body);
    // Every model, seed and snapshot was sent as a query job labelled with its node id.
    const nodes = new Set(jobs.map((j) => j.configuration.labels.node));
    const built = [...project.nodes.values()].filter((n) => ['model', 'seed', 'snapshot'].includes(n.resourceType) && n.config.materialized !== 'ephemeral' && n.config.enabled !== false);
    expect(built.length).toBeGreaterThan(15);
    for (const node of built) expect(nodes, node.uniqueId).toContain(labelValue(node.uniqueId));
    // In BigQuery's terms: every relation is `project`.`prefixed dataset`.`table`, every job has a unique deterministic id, a byte limit and the tool label.
    const sqls = jobs.map((j) => j.configuration.query.query as string);
    const refs = sqls.flatMap((q) => [...q.matchAll(/`([^`]+)`\.`([^`]+)`\.`([^`]+)`/g)].map((m) => [m[1], m[2]]));
    expect(refs.length).toBeGreaterThan(50);
    for (const [project, dataset] of refs) expect(`${project}.${dataset}`).toMatch(/^test-project\.ci_(landing|staging|marts|consumption|seeds|snapshots|sim_runs)$/);
    expect(sqls.filter((q) => /"(landing|staging|marts)"\./.test(q) || /(?<!`\.)`ci_\w+`\.`\w+`/.test(q))).toEqual([]);
    const ids = jobs.map((j) => j.jobReference.jobId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const j of jobs) {
      expect(j.jobReference.jobId).toMatch(/^ecomsim_[0-9a-z_]+_[A-Za-z0-9_-]+_[0-9a-f]{16}$/);
      expect(j.configuration.query.maximumBytesBilled).toBe(String(100 * 1024 ** 3));
      expect(j.configuration.labels.tool).toBe('ecom-sim');
    }
    expect(sqls.some((q) => q.startsWith('CREATE OR REPLACE TABLE `test-project`.`ci_marts`.'))).toBe(true);
    expect(sqls.some((q) => q.startsWith('CREATE OR REPLACE VIEW `test-project`.`ci_staging`.'))).toBe(true);
    const datasets = fake.find('POST', /^\/projects\/test-project\/datasets$/).map((r) => r.body.datasetReference.datasetId);
    expect(datasets).toEqual(expect.arrayContaining(['ci_landing', 'ci_staging', 'ci_marts', 'ci_consumption', 'ci_seeds', 'ci_snapshots']));
  });
});
