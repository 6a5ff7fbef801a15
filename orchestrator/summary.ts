import type { RunReport } from './report.ts';

const fmt = new Intl.NumberFormat('en-US');

/** The human summary printed at the end of a run (stdout). `--json` prints the RunReport instead. */
export function formatSummary(report: RunReport): string {
  const s = report.scenario;
  const lines: string[] = [];
  const verdict = report.status === 'success' ? 'ok' : report.status === 'failed' ? 'FAILED (data tests)' : 'ERROR';
  lines.push(`run ${report.runId}: ${verdict} in ${report.seconds.toFixed(1)} s (${report.target}: ${report.warehouse})`);
  lines.push(`scenario: seed ${s.seed}, scale ${s.scale}, ${s.start_date} .. ${s.end_date}, as_of ${s.as_of}`);

  if (report.landing) {
    const l = report.landing;
    lines.push('');
    lines.push(`landed ${fmt.format(l.rows)} rows in ${l.seconds.toFixed(2)} s (${fmt.format(l.rowsPerSecond)} rows/s)`);
    const width = Math.max(...l.tables.map((t) => t.name.length), 5);
    const rowsWidth = Math.max(...l.tables.map((t) => fmt.format(t.rows).length), 4);
    lines.push(`  ${'table'.padEnd(width)}  ${'rows'.padStart(rowsWidth)}  digest`);
    for (const t of l.tables) lines.push(`  ${t.name.padEnd(width)}  ${fmt.format(t.rows).padStart(rowsWidth)}  ${t.digest || '-'}`);
    const faults = Object.entries(l.faults).filter(([, n]) => n > 0);
    lines.push(`faults: ${faults.length === 0 ? 'none' : faults.map(([k, n]) => `${k} ${fmt.format(n)}`).join(', ')}`);
  }

  const later = report.steps.filter((step) => step.id !== 'generate+land');
  if (later.length > 0) {
    lines.push('');
    for (const step of later) {
      const counts = countBy(step.nodes.map((n) => n.status));
      const detail = Object.entries(counts)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
      lines.push(`${step.id.padEnd(22)} ${step.status.padEnd(8)} ${step.seconds.toFixed(2).padStart(7)} s  ${detail}${step.message ? `  (${step.message})` : ''}`);
      for (const node of step.nodes.filter((n) => n.status === 'fail' || n.status === 'error' || n.status === 'warn')) {
        lines.push(`  ${node.status.toUpperCase()} ${node.id}${node.message ? `: ${node.message}` : ''}`);
      }
    }
  }
  if (report.skipped.length > 0) {
    lines.push('');
    lines.push(`skipped ${report.skipped.length}:`);
    for (const { id, reason } of report.skipped) lines.push(`  ${id}: ${reason}`);
  }
  if (report.error) lines.push('', `error: ${report.error}`);
  return `${lines.join('\n')}\n`;
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
