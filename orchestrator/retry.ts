import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../contract/errors.ts';
import type { RunResults } from '../warehouse/artifacts/run-results.ts';
import { lastRunReport } from './history.ts';
import type { RunReport } from './report.ts';

export type RetryPlan =
  | { kind: 'nothing'; last: RunReport }
  /** The landing itself did not happen: run the whole pipeline again with the same scenario. */
  | { kind: 'pipeline'; last: RunReport }
  /** The landing is in place: build only these nodes (failed, errored or skipped last time). */
  | { kind: 'nodes'; last: RunReport; ids: Set<string> };

/**
 * What `sim retry` re-runs, from the last run in target/runs and the node results it left in
 * target/run_results.json (dbt's `dbt retry` reads the same file).
 */
export function planRetry(targetDir: string): RetryPlan {
  const last = lastRunReport(targetDir);
  if (!last) throw new InputError(`no previous run in ${path.join(targetDir, 'runs')}; run \`sim --seed 42\` first`);
  if (last.status === 'success') return { kind: 'nothing', last };
  const landed = last.steps.some((s) => s.id === 'generate+land' && s.status === 'success') || (last.command === 'retry' && !last.error);
  if (!landed) return { kind: 'pipeline', last };

  const file = path.join(targetDir, 'run_results.json');
  if (!fs.existsSync(file)) throw new InputError(`${file} is missing; run \`sim\` again instead of \`sim retry\``);
  const results = JSON.parse(fs.readFileSync(file, 'utf8')) as RunResults;
  const ids = new Set(results.results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'skipped').map((r) => r.unique_id));
  return ids.size === 0 ? { kind: 'nothing', last } : { kind: 'nodes', last, ids };
}
