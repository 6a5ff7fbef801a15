import fs from 'node:fs';
import path from 'node:path';

/**
 * target/run_results.json in dbt's shape (schema v6), so tools that read dbt's artifacts
 * (dbt-artifacts parsers, Elementary, re_data, CI annotations) read ours. Timing and
 * generated_at are wall-clock by nature: they describe the run, not the data.
 */

export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn';

export interface TimingInfo {
  name: 'compile' | 'execute';
  started_at: string;
  completed_at: string;
}

export interface NodeResult {
  unique_id: string;
  status: NodeStatus;
  timing: TimingInfo[];
  thread_id: string;
  /** Seconds. */
  execution_time: number;
  adapter_response: { _message?: string; code?: string; rows_affected?: number };
  message: string | null;
  /** Tests: the number of failing rows; other nodes: null. */
  failures: number | null;
  compiled?: boolean;
  compiled_code?: string;
  relation_name?: string | null;
  batch_results?: null;
}

export interface RunResults {
  metadata: {
    dbt_schema_version: string;
    dbt_version: string;
    generated_at: string;
    invocation_id: string;
    env: Record<string, string>;
  };
  results: NodeResult[];
  /** Seconds. */
  elapsed_time: number;
  args: Record<string, unknown>;
}

export const RUN_RESULTS_SCHEMA = 'https://schemas.getdbt.com/dbt/run-results/v6.json';
/** The dbt version whose artifacts ours follow. */
export const DBT_COMPAT_VERSION = '1.8.0';

export function runResults(results: NodeResult[], elapsedSeconds: number, args: Record<string, unknown>, invocationId: string, generatedAt = new Date()): RunResults {
  return {
    metadata: {
      dbt_schema_version: RUN_RESULTS_SCHEMA,
      dbt_version: DBT_COMPAT_VERSION,
      generated_at: generatedAt.toISOString(),
      invocation_id: invocationId,
      env: {},
    },
    results,
    elapsed_time: elapsedSeconds,
    args,
  };
}

/** Writes `<targetDir>/run_results.json` (creating the folder) and returns its path. */
export function writeRunResults(targetDir: string, results: RunResults): string {
  fs.mkdirSync(targetDir, { recursive: true });
  const file = path.join(targetDir, 'run_results.json');
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
