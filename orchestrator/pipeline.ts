import type { Scenario } from '../simulator/scenario/types.ts';
import type { Engine } from '../warehouse/engine.ts';
import { landSimulation, type LandingSource } from './land.ts';
import type { Progress } from './progress.ts';
import { exitCodeFor, type LandingReport, type RunReport, type StepReport } from './report.ts';

/** What the pipeline needs from the simulator (SIM's `simulate()` result). */
export interface SimulationRun extends LandingSource {
  /** Available once every batch was consumed. */
  summary(): SimulationSummary;
}

/** SIM's summary: rows and order-independent digest per landing table, seeded faults by kind. */
export interface SimulationSummary {
  tables: Record<string, { rows: number; digest: string }>;
  faults: Record<string, number>;
}

export type Simulate = (scenario: Scenario) => SimulationRun | Promise<SimulationRun>;

export interface PipelineRequest {
  runId: string;
  command: string;
  scenario: Scenario;
  engine: Engine;
  target: string;
  warehouse: string;
  simulate: Simulate;
  progress: Progress;
  /** ecom-sim version, recorded in _sim_meta (same seed + scenario + version = same data). */
  version: string;
}

/**
 * generate -> land. The model layers (build, then test, per layer, fail-fast) are appended by
 * `buildLayers` once the landing is committed.
 */
export async function generateAndLand(req: PipelineRequest): Promise<{ step: StepReport; landing?: LandingReport }> {
  const { progress } = req;
  const started = performance.now();
  let begun = false;
  try {
    const simulation = await req.simulate(req.scenario);
    progress.begin('generate+land', totalOf(simulation.estimatedRows), 'rows');
    begun = true;
    let summary: SimulationSummary | undefined;
    const outcome = await landSimulation(
      req.engine,
      simulation,
      () => {
        summary = simulation.summary();
        return landingMetaFor(req.scenario, summary, req.version);
      },
      { onBatch: (_table, rows) => progress.update(rows) },
    );
    const rowsPerSecond = outcome.seconds > 0 ? Math.round(outcome.rows / outcome.seconds) : outcome.rows;
    progress.end(`${new Intl.NumberFormat('en-US').format(outcome.rows)} rows in ${outcome.seconds.toFixed(1)} s`);
    const landing: LandingReport = {
      rows: outcome.rows,
      seconds: round3(outcome.seconds),
      rowsPerSecond,
      tables: outcome.tables.map((t) => ({ ...t, digest: summary?.tables[t.name]?.digest ?? '' })),
      faults: summary?.faults ?? {},
    };
    return { step: { id: 'generate+land', status: 'success', seconds: round3((performance.now() - started) / 1000), nodes: [] }, landing };
  } catch (error) {
    if (begun) progress.end('failed; the previous landing is unchanged');
    throw error;
  }
}

/** The `_sim_meta` rows of a landing: the effective scenario and what identifies its data. */
export function landingMetaFor(scenario: Scenario, summary: SimulationSummary, version: string): Record<string, string> {
  return {
    seed: String(scenario.seed),
    scale: scenario.scale,
    start_date: scenario.start_date,
    end_date: scenario.end_date,
    as_of: scenario.as_of,
    customers: String(scenario.customers),
    products: String(scenario.products),
    faults_rate: String(scenario.faults.rate),
    scenario: JSON.stringify(scenario),
    digests: JSON.stringify(Object.fromEntries(Object.entries(summary.tables).map(([name, t]) => [name, t.digest]))),
    faults: JSON.stringify(summary.faults),
    sim_version: version,
  };
}

export function finishReport(
  req: Pick<PipelineRequest, 'runId' | 'command' | 'scenario' | 'target' | 'warehouse'>,
  startedAt: Date,
  started: number,
  steps: StepReport[],
  landing: LandingReport | undefined,
  skipped: RunReport['skipped'],
  error?: string,
  exitCode?: number,
): RunReport {
  const failed = steps.some((s) => s.status === 'fail');
  const status = error || steps.some((s) => s.status === 'error') ? 'error' : failed ? 'failed' : 'success';
  return {
    runId: req.runId,
    command: req.command,
    status,
    exitCode: exitCode ?? exitCodeFor(status),
    target: req.target,
    warehouse: req.warehouse,
    startedAt: startedAt.toISOString(),
    seconds: round3((performance.now() - started) / 1000),
    scenario: { ...req.scenario },
    landing,
    steps,
    skipped,
    ...(error ? { error } : {}),
  };
}

function totalOf(rows: Record<string, number>): number {
  return Object.values(rows).reduce((a, b) => a + b, 0);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
