import { allocateBatch, type LandingBatch } from '../contract/batch.ts';
import { LANDING_SCHEMA, LANDING_TABLES, landingMeta } from '../contract/landing.ts';
import type { Engine } from '../warehouse/engine.ts';

/**
 * What the pipeline needs from a simulation (SIM's `simulate()` result): a row estimate for the
 * progress bar, the batches in landing order, and, once they are all consumed, the digests.
 */
export interface LandingSource {
  /** Rough rows per landing table, for progress. */
  readonly estimatedRows: Record<string, number>;
  batches(): AsyncIterable<LandingBatch>;
  /** Takes back a batch once it is loaded, for its arrays to be reused (optional). */
  release?(batch: LandingBatch): void;
  /** Stops a source that will not be read (its generator threads), when the landing fails first. */
  close?(): Promise<void>;
}

export interface LandedTable {
  name: string;
  rows: number;
}

export interface LandingProgress {
  /** Called after each batch is appended, with the running total of rows. */
  onBatch?(table: string, rowsSoFar: number): void;
}

export interface LandingOutcome {
  tables: LandedTable[];
  rows: number;
  seconds: number;
}

/**
 * Lands one simulation atomically: every landing table plus `_sim_meta`, committed together.
 * `meta` is computed after the last batch (digests are only known then) and goes into the same
 * landing, so the metadata never describes a landing other than the one beside it. Any error
 * aborts the landing and the previous one stays as it was.
 */
export async function landSimulation(
  engine: Engine,
  source: LandingSource,
  meta: () => Record<string, string>,
  progress: LandingProgress = {},
): Promise<LandingOutcome> {
  const started = performance.now();
  let writer: Awaited<ReturnType<Engine['openLanding']>>;
  try {
    writer = await engine.openLanding(LANDING_SCHEMA, [...LANDING_TABLES, landingMeta]);
  } catch (error) {
    await source.close?.().catch(() => undefined);
    throw error;
  }
  const rows = new Map<string, number>(LANDING_TABLES.map((t) => [t.name, 0]));
  let total = 0;
  try {
    for await (const batch of source.batches()) {
      await writer.append(batch);
      // Loaded: the writers copy what they need before append resolves (LandingWriter).
      source.release?.(batch);
      rows.set(batch.table.name, (rows.get(batch.table.name) ?? 0) + batch.rowCount);
      total += batch.rowCount;
      progress.onBatch?.(batch.table.name, total);
    }
    await writer.append(metaBatch(meta()));
    await writer.commit();
  } catch (error) {
    await writer.abort().catch(() => undefined);
    throw error;
  }
  return {
    tables: LANDING_TABLES.map((t) => ({ name: t.name, rows: rows.get(t.name) ?? 0 })),
    rows: total,
    seconds: (performance.now() - started) / 1000,
  };
}

/** `_sim_meta` as a batch: one key/value row per entry, in key order (stable digests of the table). */
export function metaBatch(meta: Record<string, string>): LandingBatch {
  const entries = Object.entries(meta).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const batch = allocateBatch(landingMeta, entries.length);
  const [keys, values] = batch.columns as (string | null)[][];
  entries.forEach(([key, value], i) => {
    keys[i] = key;
    values[i] = value;
  });
  batch.rowCount = entries.length;
  return batch;
}

/** Reads `_sim_meta` of the current landing (empty when nothing was landed yet). */
export async function readLandingMeta(engine: Engine): Promise<Record<string, string>> {
  const relations = await engine.listRelations(LANDING_SCHEMA);
  if (!relations.some((r) => r.name === landingMeta.name)) return {};
  const rows = await engine.query(`SELECT key, value FROM ${engine.dialect.relation(LANDING_SCHEMA, landingMeta.name)}`);
  return Object.fromEntries(rows.map((r) => [String(r.key), String(r.value)]));
}
