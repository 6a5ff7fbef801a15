import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { InputError } from '../../contract/errors.ts';
import { HISTORY_SCHEMA } from '../../orchestrator/history.ts';
import { formatReconcile, reconcile } from '../../warehouse/bigquery/reconcile/reconcile.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { addBigQueryOptions, bigqueryOptionsFromFlags, openTarget, type BigQueryFlags } from '../../warehouse/targets.ts';

interface ReconcileFlags extends BigQueryFlags {
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
  cmd.action(async (flags: ReconcileFlags) => {
    if (flags.warehouse !== ':memory:' && !fs.existsSync(flags.warehouse)) {
      throw new InputError(`--warehouse ${flags.warehouse} does not exist; build the same seed locally first (sim --seed 42) or pass the file that holds it`);
    }
    const bigquery = bigqueryOptionsFromFlags(flags);
    // The remote first: missing credentials fail before the local file is even opened.
    const remote = await openTarget({ target: flags.target, warehouse: flags.warehouse, bigquery });
    let local: Engine | undefined;
    try {
      local = await openTarget({ target: 'duckdb', warehouse: flags.warehouse });
      // Run history differs by nature (each warehouse records its own runs).
      const report = await reconcile(local, remote, { local: 'duckdb', remote: flags.target, skipSchemas: [HISTORY_SCHEMA] });
      if (flags.dryRun) return; // the engine printed the priced statements
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReconcile(report, { onlyDifferences: flags.differencesOnly }));
      if (!report.ok) process.exitCode = 1;
    } finally {
      await local?.close();
      await remote.close();
    }
  });
}
