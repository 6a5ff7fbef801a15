import fs from 'node:fs';
import { readHistory, type HistoryEntry } from '../../orchestrator/history.ts';
import { defaultTargetDir } from '../../orchestrator/run.ts';
import { bigqueryOptionsFromFlags, checkTargetFlags, openTarget } from '../../warehouse/targets.ts';
import type { HistoryFlags } from '../commands/history.ts';

/** `sim history`: the last runs, from the warehouse's history table, else target/runs. */
export async function historyCommand(flags: HistoryFlags): Promise<void> {
  checkTargetFlags(flags.target, flags);
  // Never create a DuckDB warehouse just to read its history.
  const exists = flags.target !== 'duckdb' || (flags.warehouse !== ':memory:' && fs.existsSync(flags.warehouse));
  const engine = exists ? await openTarget({ target: flags.target, warehouse: flags.warehouse, bigquery: bigqueryOptionsFromFlags(flags) }) : undefined;
  try {
    const entries = await readHistory(defaultTargetDir(), engine, flags.limit);
    process.stdout.write(flags.json ? `${JSON.stringify(entries.map(({ report, ...e }) => ({ ...e, steps: report.steps.map(stepLine) })), null, 2)}\n` : formatHistory(entries));
  } finally {
    await engine?.close();
  }
}

function stepLine(step: HistoryEntry['report']['steps'][number]) {
  return { id: step.id, status: step.status, seconds: step.seconds, nodes: step.nodes.length };
}

export function formatHistory(entries: HistoryEntry[]): string {
  if (entries.length === 0) return 'no runs yet (run `sim --seed 42`)\n';
  const rows = entries.map((e) => {
    const tests = e.report.steps.flatMap((s) => s.nodes).filter((n) => n.kind === 'test');
    const failed = tests.filter((n) => n.status === 'fail' || n.status === 'error').length;
    return [
      e.runId,
      e.command,
      e.status,
      e.startedAt.slice(0, 19).replace('T', ' '),
      `${e.seconds.toFixed(1)} s`,
      e.seed === null ? '' : String(e.seed),
      e.asOf ?? '',
      e.landedRows === null ? '' : new Intl.NumberFormat('en-US').format(e.landedRows),
      tests.length === 0 ? '' : `${tests.length - failed}/${tests.length}`,
      String(e.report.skipped.length || ''),
    ];
  });
  const head = ['run', 'command', 'status', 'started (UTC)', 'took', 'seed', 'as_of', 'landed rows', 'tests ok', 'skipped'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}
