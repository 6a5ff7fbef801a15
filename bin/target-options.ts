import { Option, type Command } from 'commander';

/**
 * The `--target` and BigQuery flags as the CLI declares them. They live here, apart from
 * warehouse/targets.ts (which opens the engines and so imports the DuckDB and BigQuery clients),
 * because commander needs every flag declared before it parses, and `sim --help` should not pay
 * for loading the engines. bin/target-options.test.ts keeps them equal to warehouse/targets.ts's.
 */

export const TARGETS = ['duckdb', 'bigquery'] as const;
export type TargetName = (typeof TARGETS)[number];

/** The `--target` option with every engine, for commands that add their own flags around it. */
export function targetOption(defaultTarget: TargetName = 'duckdb'): Option {
  return new Option('--target <name>', 'warehouse engine').choices([...TARGETS]).default(defaultTarget);
}

/**
 * The BigQuery flags, declared once for every command that can target BigQuery. Read them back
 * with `bigqueryOptionsFromFlags` (warehouse/targets.ts).
 */
export function addBigQueryOptions(cmd: Command): Command {
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  return cmd
    .option('--bq-project <id>', 'BigQuery: Google Cloud project (env SIM_BQ_PROJECT, GOOGLE_CLOUD_PROJECT; default: the credentials\' project)')
    .option('--bq-location <location>', 'BigQuery: dataset and job location, e.g. US, EU, europe-west1 (env SIM_BQ_LOCATION; default US)')
    .option('--dataset-prefix <prefix>', 'BigQuery: prefix for every dataset, for per-developer sandboxes, e.g. dev_alice_ (env SIM_BQ_DATASET_PREFIX)')
    .option('--bq-dataset <layer=dataset>', 'BigQuery: dataset of a layer (landing, staging, marts, consumption), repeatable', collect)
    .option('--maximum-bytes-billed <bytes>', 'BigQuery: a query that would bill more fails instead, e.g. 10GB (env SIM_BQ_MAXIMUM_BYTES_BILLED; default 100GB)')
    .option('--bq-label <key=value>', 'BigQuery: label added to every job and dataset, repeatable (env SIM_BQ_LABELS=k=v,k=v)', collect)
    .option('--dry-run', "BigQuery: validate and price every statement with BigQuery's dry run; runs and loads nothing");
}
