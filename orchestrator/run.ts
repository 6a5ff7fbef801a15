import path from 'node:path';
import { runResults, writeRunResults } from '../warehouse/artifacts/run-results.ts';
import type { Engine } from '../warehouse/engine.ts';
import type { Project, TargetInfo } from '../warehouse/project/types.ts';
import { isInputFailure } from '../warehouse/runner/errors.ts';
import type { Scenario } from '../simulator/scenario/types.ts';
import { withBackoff } from './backoff.ts';
import { buildLayers } from './build-stage.ts';
import { nextRunId, recordRun, writeRunArtifacts } from './history.ts';
import type { Layer } from './layers.ts';
import { finishReport, generateAndLand, type Simulate } from './pipeline.ts';
import type { Progress } from './progress.ts';
import type { LandingReport, RunReport, StepReport } from './report.ts';

export interface BuildPlan {
  project: Project;
  layers: Layer[];
  target: TargetInfo;
  /** Nodes at the same time; undefined: the engine's default (see build()). */
  threads?: number;
  fullRefresh?: boolean;
  vars?: Record<string, unknown>;
}

export interface RunOptions {
  /** 'run', 'step' or 'retry': recorded in the history. */
  command: string;
  scenario: Scenario;
  /** Opens the warehouse; called only after every input was validated. */
  openEngine: () => Promise<Engine>;
  target: string;
  warehouse: string;
  targetDir: string;
  /** Generate and land first (false: build on the current landing, as `sim retry` does after a landing that succeeded). */
  land?: boolean;
  simulate: Simulate;
  /** The model layers to build after landing; absent = stop after landing. */
  build?: BuildPlan;
  progress: Progress;
  version: string;
}

/**
 * One pipeline run: open the warehouse, generate and land, build and test layer by layer
 * (fail-fast), then record the run in target/runs/<id>/ and the warehouse history, whatever its
 * outcome. Returns the report; the caller prints it and exits with `report.exitCode`.
 */
export async function runPipeline(options: RunOptions): Promise<RunReport> {
  const { progress } = options;
  const engine = withBackoff(await options.openEngine(), {
    retries: 3,
    baseMs: 500,
    onRetry: (attempt, ms, error) => progress.note(`transient engine error, retry ${attempt} in ${ms} ms: ${error.message.split('\n')[0]}`),
  });
  const startedAt = new Date(); // run metadata (history), never data
  const started = performance.now();
  const steps: StepReport[] = [];
  let landing: LandingReport | undefined;
  let skipped: RunReport['skipped'] = [];
  let report: RunReport | undefined;
  try {
    const runId = await nextRunId(options.targetDir, engine);
    engine.beginRun?.(runId);
    const base = { runId, command: options.command, scenario: options.scenario, target: options.target, warehouse: options.warehouse };
    try {
      if (options.land !== false) {
        const landed = await generateAndLand({ ...base, engine, simulate: options.simulate, progress, version: options.version });
        steps.push(landed.step);
        landing = landed.landing;
      }
      let exitCode: number | undefined;
      if (options.build && options.build.layers.length > 0) {
        const errors: unknown[] = [];
        const built = await buildLayers(engine, options.build.project, options.build.layers, {
          target: options.build.target,
          threads: options.build.threads,
          fullRefresh: options.build.fullRefresh,
          vars: options.build.vars,
          progress,
          retries: 2,
          onError: (error) => errors.push(error),
        });
        steps.push(...built.steps);
        skipped = built.skipped;
        writeRunResults(options.targetDir, runResults(built.results, (performance.now() - started) / 1000, { which: options.command, run_id: runId }, runId));
        // a model whose SQL is wrong is bad input (2); the engine failing underneath is 3
        if (built.steps.some((s) => s.status === 'error')) exitCode = errors.length > 0 && errors.every(isInputFailure) ? 2 : 3;
      }
      report = finishReport(base, startedAt, started, steps, landing, skipped, undefined, exitCode);
    } catch (error) {
      report = finishReport(base, startedAt, started, steps, landing, skipped, oneLine(error));
      await record(options.targetDir, engine, report);
      throw error;
    }
    await record(options.targetDir, engine, report);
    return report;
  } finally {
    await engine.close();
  }
}

async function record(targetDir: string, engine: Engine, report: RunReport): Promise<void> {
  writeRunArtifacts(targetDir, report);
  await recordRun(engine, report).catch(() => undefined); // history must never hide the run's own outcome
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

export function defaultTargetDir(): string {
  return path.resolve('target');
}

/**
 * Generator threads when --workers is not given: one thread generates while the main thread
 * loads into DuckDB. A worker costs about a second to start, so small worlds stay on one thread.
 */
export function defaultWorkers(scenario: Pick<Scenario, 'customers'>): number {
  return scenario.customers >= 100_000 ? 1 : 0;
}
