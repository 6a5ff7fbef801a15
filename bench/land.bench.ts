import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LANDING_TABLES } from '../contract/landing.ts';
import { landSimulation } from '../orchestrator/land.ts';
import { landingMetaFor } from '../orchestrator/pipeline.ts';
import { defaultWorkers } from '../orchestrator/run.ts';
import { simulate } from '../simulator/index.ts';
import { resolveScenario } from '../simulator/scenario/resolve.ts';
import { openDuckDB } from '../warehouse/duckdb/engine.ts';
import type { BenchSuite } from './suite.ts';

/**
 * generate + land into a DuckDB file, the way `sim` does it (batches from the simulator, data
 * chunks into DuckDB, atomic swap, CHECKPOINT), per scale. Rows/s counts every landing table.
 */
/** Generator threads beside the loading thread: SIM_BENCH_WORKERS, else what `sim` uses. */
const WORKERS = process.env.SIM_BENCH_WORKERS;

const suite: BenchSuite = {
  title: 'generate + land into a DuckDB file (sim --scale S, no build)',
  cases: ['small', 'medium', 'large'],
  async run(scale) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-bench-'));
    const file = path.join(dir, 'warehouse.duckdb');
    try {
      const scenario = resolveScenario({ overrides: { seed: 42, scale } as never });
      const engine = await openDuckDB(file);
      const cpu = process.cpuUsage();
      const started = performance.now();
      const simulation = await simulate(scenario, { batchSize: 65_536, workers: WORKERS === undefined ? defaultWorkers(scenario) : Number(WORKERS) });
      const outcome = await landSimulation(engine, simulation, () => landingMetaFor(scenario, simulation.summary(), 'bench'));
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      await engine.close();
      const rows = Object.fromEntries(outcome.tables.map((t) => [t.name, t.rows]));
      return {
        ...Object.fromEntries(LANDING_TABLES.map((t) => [t.name, rows[t.name] ?? 0])),
        workers: WORKERS === undefined ? defaultWorkers(scenario) : Number(WORKERS),
        rows: outcome.rows,
        seconds: Math.round(seconds * 100) / 100,
        rows_per_s: Math.round(outcome.rows / seconds),
        // CPU of every thread (generator worker, loader, DuckDB): the figure that survives a busy machine
        cpu_s: Math.round(cpuSeconds * 100) / 100,
        rows_per_cpu_s: Math.round(outcome.rows / cpuSeconds),
        db_mib: Math.round(fs.statSync(file).size / 1048576),
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default suite;
