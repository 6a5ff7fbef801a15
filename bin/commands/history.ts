import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { readHistory, type HistoryEntry } from '../../orchestrator/history.ts';
import { defaultTargetDir } from '../../orchestrator/run.ts';
import { addBigQueryOptions, bigqueryOptionsFromFlags, checkTargetFlags, openTarget, targetOption, type BigQueryFlags } from '../../warehouse/targets.ts';

export function registerHistory(program: Command): void {
  const cmd = program
    .command('history')
    .description('show the last pipeline runs (from the warehouse history table, else target/runs)')
    .option('--warehouse <path>', 'DuckDB warehouse file', './warehouse.duckdb')
    .addOption(targetOption())
    .option('--limit <n>', 'how many runs (1..1000)', positive('--limit'), 10)
    .option('--json', 'print the runs as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  sim history\n  sim history --limit 3 --json\n  sim history --target bigquery');
  addBigQueryOptions(cmd).action(async (flags: BigQueryFlags & { warehouse: string; target: string; limit: number; json?: boolean }) => {
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
  });
}

function positive(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 1000) throw new InvalidArgumentError(`${flag} must be an integer from 1 to 1000`);
    return n;
  };
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
