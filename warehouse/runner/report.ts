import type { NodeResult, RunResults } from '../artifacts/run-results.ts';
import type { RunEvent } from './build.ts';

/**
 * What `sim build` / `sim test` print: dbt's log lines, one when a node starts and one when it
 * finishes ("3 of 41 OK created sql table model marts.dim_customers ... [OK in 0.42s]"), then
 * the summary line and each failure in full.
 */
export function formatEvent(event: RunEvent, relationOf: (id: string) => string): string | undefined {
  if (event.type === 'node-start') return `${event.index} of ${event.total} START ${what(event.resourceType, relationOf(event.uniqueId))}`;
  if (event.type !== 'node-finish') return undefined;
  const r = event.result;
  const label = `${event.index} of ${event.total} ${verb(r)} ${what(event.resourceType, relationOf(event.uniqueId))}`;
  const badge = BADGES[r.status];
  // a test shows its verdict, as in dbt; a model the statement's result (its adapter message)
  const rows = r.adapter_response._message && event.resourceType !== 'test' ? ` [${r.adapter_response._message} in ${r.execution_time.toFixed(2)}s]` : ` [${badge} in ${r.execution_time.toFixed(2)}s]`;
  return `${label}${r.status === 'skipped' ? ` [SKIP] (${r.message?.replace(/^skipped: /, '')})` : rows}`;
}

const BADGES: Record<NodeResult['status'], string> = { success: 'OK', pass: 'PASS', warn: 'WARN', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

function verb(r: NodeResult): string {
  switch (r.status) {
    case 'success':
      return 'OK';
    case 'pass':
      return 'PASS';
    case 'warn':
      return `WARN ${r.failures}`;
    case 'fail':
      return `FAIL ${r.failures}`;
    case 'error':
      return 'ERROR';
    case 'skipped':
      return 'SKIP';
  }
}

function what(resourceType: string, relation: string): string {
  return resourceType === 'test' ? `test ${relation}` : `${resourceType} ${relation}`;
}

export interface Counts {
  pass: number;
  warn: number;
  error: number;
  skip: number;
  total: number;
}

export function countResults(results: readonly NodeResult[]): Counts {
  const counts = { pass: 0, warn: 0, error: 0, skip: 0, total: results.length };
  for (const r of results) {
    if (r.status === 'success' || r.status === 'pass') counts.pass++;
    else if (r.status === 'warn') counts.warn++;
    else if (r.status === 'skipped') counts.skip++;
    else counts.error++;
  }
  return counts;
}

/** dbt's closing block: every error/failure/warning with its message, then the totals. */
export function formatSummary(run: RunResults): string {
  const lines: string[] = [];
  const problems = run.results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn');
  if (problems.length) {
    lines.push('', problems.some((p) => p.status !== 'warn') ? 'Completed with errors:' : 'Completed with warnings:');
    for (const p of problems) lines.push('', `${p.status === 'warn' ? 'Warning' : p.status === 'fail' ? 'Failure' : 'Error'} in ${p.unique_id}`, `  ${(p.message ?? '').split('\n').join('\n  ')}`);
  }
  const c = countResults(run.results);
  lines.push('', `Done in ${run.elapsed_time.toFixed(2)}s. PASS=${c.pass} WARN=${c.warn} ERROR=${c.error} SKIP=${c.skip} TOTAL=${c.total}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The CLI's exit code for a finished run (DESIGN.md): 0 ok (warnings included), 1 a test failed,
 * 2 a node's own SQL or config is wrong (bad input), 3 the engine failed underneath. Errors
 * outrank failures; `errors` are the thrown values of the errored nodes (from node-finish events).
 */
export function exitCodeOfRun(run: RunResults, errors: readonly unknown[], isInputFailure: (error: unknown) => boolean): number {
  if (run.results.some((r) => r.status === 'error')) return errors.length && errors.every(isInputFailure) ? 2 : 3;
  if (run.results.some((r) => r.status === 'fail')) return 1;
  return 0;
}
