import { cellValue, type LandingBatch } from '../../contract/batch.ts';
import { resolveScenario, simulate, type Scenario, type ScenarioOverrides, type SimulateOptions, type SimulationSummary } from '../../simulator/index.ts';

export type Row = Record<string, string | number | null>;

export interface Landed {
  tables: Record<string, Row[]>;
  summary: SimulationSummary;
  batches: number;
}

/** A scenario from overrides only (no file, empty environment). */
export function scenarioOf(overrides: ScenarioOverrides): Scenario {
  return resolveScenario({ overrides, env: {} });
}

/** Runs a simulation to the end and decodes every row (small scales only). */
/** Simulates and decodes every row; hands each batch back once decoded (as the loader does), unless `keep`. */
export async function land(scenario: Scenario, options: SimulateOptions = {}, keep = false): Promise<Landed> {
  const sim = simulate(scenario, options);
  const tables: Record<string, Row[]> = { customers: [], products: [], product_prices: [], orders: [], order_items: [] };
  let batches = 0;
  for await (const batch of sim.batches()) {
    batches++;
    decode(batch, tables[batch.table.name]);
    if (!keep) sim.release(batch);
  }
  return { tables, summary: sim.summary(), batches };
}

function decode(batch: LandingBatch, into: Row[]): void {
  const cols = batch.table.columns;
  for (let r = 0; r < batch.rowCount; r++) {
    const row: Row = {};
    for (let c = 0; c < cols.length; c++) row[cols[c].name] = cellValue(batch, c, r);
    into.push(row);
  }
}

/** Rows as sorted canonical JSON lines: equal iff the tables hold the same multiset of rows. */
export function canonical(rows: Row[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

export const MICROS_PER_DAY = 86_400_000_000;
