import path from 'node:path';
import type { Scenario } from '../simulator/scenario/types.ts';
import type { Engine } from '../warehouse/engine.ts';
import { nextRunId, recordRun, writeRunArtifacts } from './history.ts';
import { finishReport, generateAndLand, type Simulate } from './pipeline.ts';
import type { Progress } from './progress.ts';
import type { LandingReport, RunReport, StepReport } from './report.ts';

export interface RunOptions {
  command: string;
  scenario: Scenario;
  /** Opens the warehouse; called only after every input was validated. */
  openEngine: () => Promise<Engine>;
  target: string;
  warehouse: string;
  targetDir: string;
  simulate: Simulate;
  progress: Progress;
  version: string;
}

/**
 * One pipeline run, end to end: open the warehouse, generate and land, build the layers, then
 * record the run (target/runs/<id>/run.json and the warehouse history) whatever its outcome.
 * Returns the report; the caller prints it and exits with `report.exitCode`.
 */
export async function runPipeline(options: RunOptions): Promise<RunReport> {
  const engine = await options.openEngine();
  const startedAt = new Date(); // run metadata (history), never data
  const started = performance.now();
  const steps: StepReport[] = [];
  let landing: LandingReport | undefined;
  let report: RunReport | undefined;
  try {
    const runId = await nextRunId(options.targetDir, engine);
    const base = { runId, command: options.command, scenario: options.scenario, target: options.target, warehouse: options.warehouse };
    try {
      const landed = await generateAndLand({ ...base, engine, simulate: options.simulate, progress: options.progress, version: options.version });
      steps.push(landed.step);
      landing = landed.landing;
      report = finishReport(base, startedAt, started, steps, landing, []);
    } catch (error) {
      report = finishReport(base, startedAt, started, steps, landing, [], oneLine(error));
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
