import { allocateBatch, type LandingBatch } from '../../contract/batch.ts';
import { customers, orders } from '../../contract/landing.ts';
import type { Scenario } from '../../simulator/scenario/types.ts';
import type { SimulationRun } from '../pipeline.ts';

/**
 * A stand-in simulation for orchestrator tests: a few hand-built batches whose values depend on
 * the seed and as_of, so tests can tell landings apart without running the real simulator.
 */
export function fakeSimulation(scenario: Scenario, options: { failAfterBatches?: number } = {}): SimulationRun {
  const rows = 50 + (scenario.seed % 50);
  const batches = (): LandingBatch[] => {
    const c = allocateBatch(customers, rows);
    const o = allocateBatch(orders, rows * 2);
    for (let i = 0; i < rows; i++) {
      (c.columns[0] as Float64Array)[i] = i + 1;
      (c.columns[1] as string[])[i] = `First${scenario.seed}`;
      (c.columns[2] as string[])[i] = 'Last';
      (c.columns[3] as string[])[i] = `c${i}@example.com`;
      (c.columns[4] as string[])[i] = 'DE';
      (c.columns[6] as Float64Array)[i] = Date.parse(`${scenario.as_of}T00:00:00Z`) * 1000;
    }
    c.rowCount = rows;
    for (let i = 0; i < rows * 2; i++) {
      (o.columns[0] as Float64Array)[i] = i + 1;
      (o.columns[1] as Float64Array)[i] = (i % rows) + 1;
      for (const k of [4, 10, 11]) (o.columns[k] as Float64Array)[i] = Date.parse(`${scenario.as_of}T00:00:00Z`) * 1000;
      for (const k of [5, 6, 7, 8]) (o.columns[k] as Float64Array)[i] = NaN;
      (o.columns[9] as Float64Array)[i] = 1000 + i;
    }
    o.rowCount = rows * 2;
    return [c, o];
  };
  return {
    estimatedRows: { customers: rows, orders: rows * 2 },
    async *batches() {
      for (const [i, batch] of batches().entries()) {
        if (i === options.failAfterBatches) throw new Error('simulated generator failure');
        yield batch;
      }
    },
    summary: () => ({
      tables: { customers: { rows, digest: `c-${scenario.seed}-${scenario.as_of}` }, orders: { rows: rows * 2, digest: `o-${scenario.seed}` } },
      faults: {},
    }),
  };
}
