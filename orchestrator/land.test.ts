import { afterEach, describe, expect, it } from 'vitest';
import { allocateBatch, type LandingBatch } from '../contract/batch.ts';
import { customers, LANDING_TABLES, orders } from '../contract/landing.ts';
import type { Worker } from 'node:worker_threads';
import { simulate } from '../simulator/index.ts';
import { resolveScenario } from '../simulator/scenario/resolve.ts';
import { openDuckDB, type DuckDBEngine } from '../warehouse/duckdb/engine.ts';
import type { Engine } from '../warehouse/engine.ts';
import { landSimulation, readLandingMeta, type LandingSource } from './land.ts';

function customerBatch(from: number, rows: number): LandingBatch {
  const batch = allocateBatch(customers, rows);
  const [id, first, last, email, country, channel, created] = batch.columns;
  for (let i = 0; i < rows; i++) {
    (id as Float64Array)[i] = from + i;
    (first as string[])[i] = `First${from + i}`;
    (last as string[])[i] = `Last${from + i}`;
    (email as (string | null)[])[i] = i % 10 === 0 ? null : `c${from + i}@example.com`;
    (country as string[])[i] = 'DE';
    (channel as Uint8Array)[i] = i % 6;
    (created as Float64Array)[i] = Date.UTC(2024, 0, 1) * 1000 + i * 1_000_000;
  }
  batch.rowCount = rows;
  return batch;
}

function source(batches: LandingBatch[], failAfter?: number): LandingSource {
  return {
    estimatedRows: { customers: batches.reduce((n, b) => n + b.rowCount, 0) },
    async *batches() {
      for (const [i, batch] of batches.entries()) {
        if (i === failAfter) throw new Error('generator failed');
        yield batch;
      }
    },
  };
}

let engine: DuckDBEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('landSimulation', () => {
  it('stops the generator thread of a simulation it could not start to land', async () => {
    // a lone worker starts with simulate(); a warehouse that cannot be opened must not leave it waiting
    const simulation = simulate(resolveScenario({ overrides: { seed: 3, scale: 'small' } as never }), { workers: 1 });
    const locked = { openLanding: () => Promise.reject(new Error('warehouse is locked')) } as unknown as Engine;
    await expect(landSimulation(locked, simulation, () => ({}))).rejects.toThrow('warehouse is locked');
    const workers = (simulation as unknown as { pool: { workers: Worker[] } }).pool.workers;
    expect(workers.map((w) => w.threadId)).toEqual([-1]); // -1: the thread has exited
    expect(() => simulation.batches()).toThrow(/after close\(\)/);
  });

  it('lands every table and _sim_meta together, counting rows per table', async () => {
    engine = await openDuckDB(':memory:');
    const outcome = await landSimulation(engine, source([customerBatch(1, 300), customerBatch(301, 200)]), () => ({ seed: '42', as_of: '2024-03-31' }));
    expect(outcome.rows).toBe(500);
    expect(outcome.tables.map((t) => t.name)).toEqual(LANDING_TABLES.map((t) => t.name));
    expect(outcome.tables.find((t) => t.name === 'customers')!.rows).toBe(500);
    const [{ n, nulls }] = await engine.query('SELECT count(*) AS n, count(*) - count(email) AS nulls FROM landing.customers');
    expect({ n, nulls }).toEqual({ n: 500, nulls: 50 });
    expect(await engine.query('SELECT count(*) AS n FROM landing.orders')).toEqual([{ n: 0 }]);
    expect(await readLandingMeta(engine)).toEqual({ as_of: '2024-03-31', seed: '42' });
  });

  it('leaves the previous landing and its metadata in place when generation fails', async () => {
    engine = await openDuckDB(':memory:');
    await landSimulation(engine, source([customerBatch(1, 100)]), () => ({ seed: '1' }));
    const failing = landSimulation(engine, source([customerBatch(1, 400), allocateBatch(orders, 0), customerBatch(401, 5)], 2), () => ({ seed: '2' }));
    await expect(failing).rejects.toThrow('generator failed');
    expect(await engine.query('SELECT count(*) AS n FROM landing.customers')).toEqual([{ n: 100 }]);
    expect(await readLandingMeta(engine)).toEqual({ seed: '1' });
  });
});
