import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDB } from '../warehouse/duckdb/engine.ts';
import { selectNodes } from '../warehouse/dag/select.ts';
import { loadProject } from '../warehouse/project/load.ts';
import type { TargetInfo } from '../warehouse/project/types.ts';
import { compileNode, resolveTestArgs } from '../warehouse/render/compile.ts';
import { build } from '../warehouse/runner/build.ts';
import { planBuild } from '../warehouse/runner/plan.ts';
import { readScenarioVars } from '../warehouse/runner/scenario.ts';
import { genericTestSql } from '../warehouse/testing/generic.ts';
import type { BenchSuite } from './suite.ts';

/**
 * `sim build` on a landed scenario, per scale: every model, snapshot and test of the project.
 * The landing happens first in a child process (it is measured by the landing suite, and its
 * memory must not count here); this process then measures
 * - overhead_s: the engine's own work, no SQL run: parse the project, select, plan, render every
 *   node and generate every test's SQL (target: under 1 s);
 * - build_s: the whole build on the DuckDB file (target at large: under 15 s);
 * - peak_rss_mib: this process, i.e. the engine plus DuckDB (target: under 4 GiB).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/**
 * The threads `sim build` uses without --threads (the engine's default: 4, or 1 once a table
 * holds over 5 M rows), unless SIM_BENCH_THREADS sets them; the `threads` column says which.
 * With more than one, models_s and tests_s add up nodes that ran at the same time.
 */
const THREADS = process.env.SIM_BENCH_THREADS === undefined ? undefined : Number(process.env.SIM_BENCH_THREADS);
/** Experiments only: DuckDB settings applied after opening, e.g. "memory_limit='3GB',preserve_insertion_order=false". */
const SETTINGS = process.env.SIM_BENCH_DUCKDB_SETTINGS;
const target: TargetInfo = { name: 'bench', type: 'duckdb', schema: 'main' };

const suite: BenchSuite = {
  title: `sim build: all models, snapshots and tests on a landed scenario (${THREADS === undefined ? 'default threads' : `--threads ${THREADS}`}${SETTINGS ? `; DuckDB ${SETTINGS}` : ''})`,
  rankBy: 'build_s',
  cases: ['small', 'medium', 'large'],
  async run(scale) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-bench-build-'));
    const file = path.join(dir, 'warehouse.duckdb');
    try {
      land(file, scale);
      const engine = await openDuckDB(file);
      for (const setting of SETTINGS ? SETTINGS.split(',') : []) await engine.execute(`SET ${setting}`);
      const t0 = performance.now();
      const project = await loadProject(ROOT);
      const vars = await readScenarioVars(engine);
      const ids = selectNodes(project, { resourceTypes: ['model', 'seed', 'snapshot', 'test'] });
      planBuild(project, ids);
      const ctx = { dialect: engine.dialect, target, vars };
      for (const id of ids) {
        const node = project.nodes.get(id)!;
        if (node.resourceType === 'test' && node.kind === 'generic') {
          genericTestSql(node.testMetadata.name, resolveTestArgs(project, node, ctx), { dialect: engine.dialect, asOf: String(vars.as_of), where: node.config.where });
        } else if (node.resourceType !== 'seed') compileNode(project, id, ctx);
      }
      const overhead = (performance.now() - t0) / 1000;

      const t1 = performance.now();
      const run = await build(engine, project, { target, threads: THREADS });
      const seconds = (performance.now() - t1) / 1000;
      const [orders] = await engine.query('select count(*) as n from landing.orders');
      await engine.close();
      const count = (s: string) => run.results.filter((r) => r.status === s).length;
      const secondsOf = (kind: string) => round(run.results.filter((r) => r.unique_id.startsWith(`${kind}.`)).reduce((sum, r) => sum + r.execution_time, 0));
      return {
        orders: Number(orders.n),
        nodes: run.results.length,
        threads: Number(run.args.threads),
        ok: count('success') + count('pass'),
        warn: count('warn'),
        fail_or_error: count('fail') + count('error'),
        overhead_s: round(overhead),
        build_s: round(seconds),
        models_s: secondsOf('model'),
        tests_s: secondsOf('test'),
        slowest: slowest(run.results),
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default suite;

/** Lands seed 42 at `scale` into `file` in a child process. */
function land(file: string, scale: string): void {
  const script = `
    import { landSimulation } from ${JSON.stringify(path.join(ROOT, 'orchestrator/land.ts'))};
    import { landingMetaFor } from ${JSON.stringify(path.join(ROOT, 'orchestrator/pipeline.ts'))};
    import { simulate } from ${JSON.stringify(path.join(ROOT, 'simulator/index.ts'))};
    import { resolveScenario } from ${JSON.stringify(path.join(ROOT, 'simulator/scenario/resolve.ts'))};
    import { openDuckDB } from ${JSON.stringify(path.join(ROOT, 'warehouse/duckdb/engine.ts'))};
    const scenario = resolveScenario({ overrides: { seed: 42, scale: ${JSON.stringify(scale)} } });
    const engine = await openDuckDB(${JSON.stringify(file)});
    const simulation = await simulate(scenario, { batchSize: 65536 });
    await landSimulation(engine, simulation, () => landingMetaFor(scenario, simulation.summary(), 'bench'));
    await engine.close();`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (child.status !== 0) throw new Error(`landing the ${scale} scenario failed (exit ${child.status})`);
}

function slowest(results: Array<{ unique_id: string; execution_time: number }>): string {
  const top = [...results].sort((a, b) => b.execution_time - a.execution_time)[0];
  return top ? `${top.unique_id.split('.').pop()} ${top.execution_time.toFixed(1)}s` : '';
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
