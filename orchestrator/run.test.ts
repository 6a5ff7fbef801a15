import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultScenario } from '../simulator/scenario/defaults.ts';
import { openDuckDB } from '../warehouse/duckdb/engine.ts';
import { readHistory } from './history.ts';
import { createProgress } from './progress.ts';
import { runPipeline, type RunOptions } from './run.ts';
import { fakeSimulation } from './testing/fake-simulation.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-run-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function options(overrides: Partial<RunOptions> = {}): RunOptions {
  const warehouse = path.join(dir, 'w.duckdb');
  return {
    command: 'run',
    scenario: { ...defaultScenario(), seed: 7, as_of: '2025-06-30' },
    openEngine: () => openDuckDB(warehouse),
    target: 'duckdb',
    warehouse,
    targetDir: path.join(dir, 'target'),
    simulate: (s) => fakeSimulation(s),
    progress: createProgress('quiet'),
    version: 'test',
    ...overrides,
  };
}

describe('runPipeline', () => {
  it('lands, reports rows and digests, and records numbered runs in target/runs and the warehouse', async () => {
    const first = await runPipeline(options());
    expect(first).toMatchObject({ runId: '0001', status: 'success', exitCode: 0 });
    expect(first.landing!.tables.find((t) => t.name === 'customers')).toEqual({ name: 'customers', rows: 57, digest: 'c-7-2025-06-30' });
    expect(first.landing!.rows).toBe(171);
    const second = await runPipeline(options());
    expect(second.runId).toBe('0002');

    expect(JSON.parse(fs.readFileSync(path.join(dir, 'target/runs/0001/run.json'), 'utf8'))).toEqual(first);
    const engine = await openDuckDB(path.join(dir, 'w.duckdb'));
    const history = await readHistory(path.join(dir, 'target'), engine, 10);
    await engine.close();
    expect(history.map((h) => [h.runId, h.status, h.landedRows, h.asOf])).toEqual([
      ['0002', 'success', 171, '2025-06-30'],
      ['0001', 'success', 171, '2025-06-30'],
    ]);
  });

  it('records a failed landing as an error run and keeps the previous landing', async () => {
    await runPipeline(options());
    const failing = runPipeline(options({ scenario: { ...defaultScenario(), seed: 8, as_of: '2025-07-31' }, simulate: (s) => fakeSimulation(s, { failAfterBatches: 1 }) }));
    await expect(failing).rejects.toThrow('simulated generator failure');
    const run = JSON.parse(fs.readFileSync(path.join(dir, 'target/runs/0002/run.json'), 'utf8'));
    expect(run).toMatchObject({ status: 'error', exitCode: 3, error: 'simulated generator failure' });
    const engine = await openDuckDB(path.join(dir, 'w.duckdb'));
    expect(await engine.query(`SELECT value FROM landing._sim_meta WHERE key = 'as_of'`)).toEqual([{ value: '2025-06-30' }]);
    await engine.close();
  });
});
