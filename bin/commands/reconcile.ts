import { Option, type Command } from 'commander';
import type { BigQueryFlags } from '../../warehouse/targets.ts';
import { addBigQueryOptions } from '../target-options.ts';

export interface ReconcileFlags extends BigQueryFlags {
  target: string;
  warehouse: string;
  json?: boolean;
  differencesOnly?: boolean;
}

export function registerReconcile(program: Command): void {
  const cmd = program
    .command('reconcile')
    .description('compare the local DuckDB build with the BigQuery build of the same seed, table by table (row counts, sums, distinct keys, min/max dates)')
    .addOption(new Option('--target <name>', 'the remote warehouse to compare with').choices(['bigquery']).makeOptionMandatory())
    .option('--warehouse <path>', 'the local DuckDB build to compare against', './warehouse.duckdb')
    .option('--json', 'print the comparison as JSON on stdout')
    .option('--differences-only', 'list only the checks that differ (the summary line still counts all)');
  addBigQueryOptions(cmd).addHelpText(
    'after',
    `
Run after the same seed was built locally and in BigQuery:
  sim --seed 42                       # local build, ./warehouse.duckdb
  sim --seed 42 --target bigquery     # the real run
  sim reconcile --target bigquery     # every landing table and model, compared

The BigQuery side costs one query per relation (it reads the numeric, key and date columns);
--dry-run prices those queries instead of comparing.

Exit codes: 0 everything matches, 1 differences found, 2 bad input or credentials, 3 engine error.`,
  );
  cmd.action(async (flags: ReconcileFlags) => (await import('../actions/reconcile.ts')).reconcileCommand(flags));
}
