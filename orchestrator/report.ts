/**
 * What a pipeline run reports: printed as the summary, written to `target/runs/<run-id>/run.json`
 * and to the warehouse history table. Wall-clock figures (seconds, started_at) describe the run,
 * never the data.
 */
export type NodeStatus = 'success' | 'pass' | 'warn' | 'fail' | 'error' | 'skipped';

export interface NodeOutcome {
  /** dbt unique id (model.ecom_sim.fact_orders, test.ecom_sim.unique_...). */
  id: string;
  kind: string;
  status: NodeStatus;
  seconds: number;
  rows?: number;
  /** Failing rows of a test, or the error, or why it was skipped. */
  message?: string;
}

export type StepStatus = 'success' | 'warn' | 'fail' | 'error' | 'skipped';

export interface StepReport {
  /** 'generate+land', then '<layer>:build' and '<layer>:test' per model layer. */
  id: string;
  status: StepStatus;
  seconds: number;
  message?: string;
  nodes: NodeOutcome[];
}

export interface LandedTableReport {
  name: string;
  rows: number;
  digest: string;
}

export interface LandingReport {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  tables: LandedTableReport[];
  /** Seeded faults injected, by kind (empty when the data is clean). */
  faults: Record<string, number>;
}

export type RunStatus = 'success' | 'failed' | 'error';

export interface RunReport {
  runId: string;
  command: string;
  status: RunStatus;
  exitCode: number;
  target: string;
  warehouse: string;
  startedAt: string;
  seconds: number;
  scenario: Record<string, unknown>;
  landing?: LandingReport;
  steps: StepReport[];
  /** Nodes not run, each with the reason (the failing upstream test, or a failed step). */
  skipped: Array<{ id: string; reason: string }>;
  /** The error that stopped the run (exit 3), one line. */
  error?: string;
}

export function exitCodeFor(status: RunStatus): number {
  return status === 'success' ? 0 : status === 'failed' ? 1 : 3;
}
