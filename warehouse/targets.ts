import type { AuthClient } from 'google-auth-library';
import { InputError } from '../contract/errors.ts';
import { bigqueryOptionsFromEnv, parseDatasets, parseLabels, resolveBigQueryConfig, type BigQueryOptions } from './bigquery/config.ts';
import { readDbtProfile } from './bigquery/profiles.ts';
import type { RetryPolicy, Sleep } from './bigquery/retry.ts';
import { openDuckDB } from './duckdb/index.ts';
import type { Engine } from './engine.ts';

/** The warehouses a command can run against (`--target`). */
export const TARGETS = ['duckdb', 'bigquery'] as const;
export type TargetName = (typeof TARGETS)[number];

export interface OpenTargetOptions {
  target: TargetName | string;
  /** The DuckDB warehouse file (or ':memory:'). */
  warehouse: string;
  /** BigQuery settings from flags (highest priority). */
  bigquery?: BigQueryOptions;
  /** BigQuery settings from a config file (below flags and environment). Default: the dbt profile `ecom_sim` in profiles.yml, if any. */
  bigqueryConfig?: BigQueryOptions;
  /** Names the run's BigQuery jobs; the pipeline can also call `engine.beginRun(id)` later. */
  runId?: string;
  env?: NodeJS.ProcessEnv;
  /** Tests only: a loopback endpoint, a fake OAuth2 client, an instant sleep, a report sink. */
  testing?: { apiEndpoint?: string; authClient?: AuthClient; sleep?: Sleep; retry?: RetryPolicy; report?: (line: string) => void; chunkBytes?: number };
}

/**
 * Opens the warehouse a command runs against. For BigQuery this resolves the settings (flags >
 * environment > config file > defaults), proves the credentials and checks the project answers:
 * call it BEFORE generating anything, so a missing key is one line and exit 2 with nothing done.
 */
export async function openTarget(options: OpenTargetOptions): Promise<Engine> {
  switch (options.target) {
    case 'duckdb':
      return openDuckDB(options.warehouse);
    case 'bigquery': {
      const config = resolveBigQueryConfig(options.bigquery, bigqueryOptionsFromEnv(options.env), options.bigqueryConfig ?? readDbtProfile({ env: options.env }));
      // The BigQuery client is loaded only for a BigQuery run (it costs about 0.1 s to import).
      const { BigQueryEngine } = await import('./bigquery/engine.ts');
      return BigQueryEngine.open({ config, runId: options.runId, ...(options.testing ?? targetHooks.testing) });
    }
    default:
      throw new InputError(`--target '${options.target}' is not a warehouse (accepted: ${TARGETS.join(', ')})`);
  }
}

export interface TargetFlags extends BigQueryFlags {
  target: string;
  warehouse: string;
}

export interface PreparedTarget {
  name: TargetName;
  /** Opens the engine (for BigQuery: proves the credentials first). Call before generating anything. */
  open(options?: { runId?: string }): Promise<Engine>;
}

/**
 * Validates the target flags of a command (a flag for another engine, a malformed label or byte
 * limit: one line, exit 2) without opening anything, and returns how to open the engine. The
 * pattern for commands that validate all input first and open the warehouse later:
 *
 *   const target = prepareTarget(flags);        // bad flags fail here
 *   ... validate the rest ...
 *   const engine = await target.open();         // credentials are proven here
 *   engine.beginRun?.(runId);                   // once the run id is known
 */
export function prepareTarget(flags: TargetFlags, testing?: OpenTargetOptions['testing']): PreparedTarget {
  if (!(TARGETS as readonly string[]).includes(flags.target)) {
    throw new InputError(`--target '${flags.target}' is not a warehouse (accepted: ${TARGETS.join(', ')})`);
  }
  checkTargetFlags(flags.target, flags);
  const bigquery = bigqueryOptionsFromFlags(flags);
  if (flags.target === 'bigquery') resolveBigQueryConfig(bigquery, bigqueryOptionsFromEnv(), readDbtProfile()); // validate now, open later
  return {
    name: flags.target as TargetName,
    open: (options = {}) => openTarget({ target: flags.target, warehouse: flags.warehouse, bigquery, runId: options.runId, testing }),
  };
}

/** Test seam for CLI tests: every BigQuery target opened in this process talks to this loopback endpoint with this auth client. */
export const targetHooks: { testing?: OpenTargetOptions['testing'] } = {};

// The CLI declares the --target and BigQuery flags in bin/target-options.ts (without loading any engine).

export interface BigQueryFlags {
  bqProject?: string;
  bqLocation?: string;
  datasetPrefix?: string;
  bqDataset?: string[];
  maximumBytesBilled?: string;
  bqLabel?: string[];
  dryRun?: boolean;
}

/** The flag layer of the BigQuery settings (validated when the target is opened). */
export function bigqueryOptionsFromFlags(flags: BigQueryFlags): BigQueryOptions {
  return {
    project: flags.bqProject,
    location: flags.bqLocation,
    datasetPrefix: flags.datasetPrefix,
    datasets: flags.bqDataset ? parseDatasets(flags.bqDataset) : undefined,
    maximumBytesBilled: flags.maximumBytesBilled,
    labels: flags.bqLabel ? parseLabels(flags.bqLabel) : undefined,
    dryRun: flags.dryRun,
  };
}

/** BigQuery flags given with another target are a mistake worth one clear line. */
export function checkTargetFlags(target: string, flags: BigQueryFlags): void {
  if (target === 'bigquery') return;
  const given = Object.entries({ '--bq-project': flags.bqProject, '--bq-location': flags.bqLocation, '--dataset-prefix': flags.datasetPrefix, '--bq-dataset': flags.bqDataset, '--maximum-bytes-billed': flags.maximumBytesBilled, '--bq-label': flags.bqLabel, '--dry-run': flags.dryRun })
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k]) => k);
  if (given.length) throw new InputError(`${given.join(', ')} ${given.length > 1 ? 'apply' : 'applies'} only to --target bigquery (the target is ${target})`);
}
