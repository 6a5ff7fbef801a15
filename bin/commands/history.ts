import { Command, InvalidArgumentError } from 'commander';
import type { BigQueryFlags } from '../../warehouse/targets.ts';
import { addBigQueryOptions, targetOption } from '../target-options.ts';

export type HistoryFlags = BigQueryFlags & { warehouse: string; target: string; limit: number; json?: boolean };

export function registerHistory(program: Command): void {
  const cmd = program
    .command('history')
    .description('show the last pipeline runs (from the warehouse history table, else target/runs)')
    .option('--warehouse <path>', 'DuckDB warehouse file', './warehouse.duckdb')
    .addOption(targetOption())
    .option('--limit <n>', 'how many runs (1..1000)', positive('--limit'), 10)
    .option('--json', 'print the runs as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  sim history\n  sim history --limit 3 --json\n  sim history --target bigquery');
  addBigQueryOptions(cmd).action(async (flags: HistoryFlags) => (await import('../actions/history.ts')).historyCommand(flags));
}

function positive(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 1000) throw new InvalidArgumentError(`${flag} must be an integer from 1 to 1000`);
    return n;
  };
}
