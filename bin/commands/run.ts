import { Command, InvalidArgumentError } from 'commander';
import type { BigQueryFlags } from '../../warehouse/targets.ts';
import { addEnrichmentOptions } from '../enrichment-options.ts';
import { addScenarioOptions } from '../scenario-options.ts';
import { addBigQueryOptions, targetOption } from '../target-options.ts';

/**
 * `sim run` (the default command), and the flags it shares with `sim step` and `sim retry`. The
 * pipeline itself (simulator, DuckDB, BigQuery, Gemini) is in bin/actions/pipeline.ts, imported
 * only when one of them runs.
 */

/** Flags of the pipeline commands (`sim`/`sim run`, `sim step`, `sim retry`). */
export interface PipelineFlags extends BigQueryFlags {
  warehouse: string;
  target: string;
  json?: boolean;
  quiet?: boolean;
  batchSize: number;
  workers?: number;
  select?: string[];
  exclude?: string[];
  threads?: number;
  fullRefresh?: boolean;
  vars?: string;
  projectDir?: string;
  [scenarioFlag: string]: unknown;
}

export function registerRun(program: Command): void {
  const run = program
    .command('run', { isDefault: true })
    .description('the whole pipeline (the default command): generate the seeded shop, land it atomically, then build and test each model layer, fail-fast');
  addScenarioOptions(run);
  addPipelineOptions(run);
  run.addHelpText(
    'after',
    `
Steps: generate -> land -> staging (models, then tests) -> marts -> consumption. A failing test
stops every later step; the summary lists what was skipped and why. Each run is recorded in
target/runs/<run-id>/ and the warehouse table sim_runs.history (see \`sim history\`).

Examples:
  sim --seed 42                               # into ./warehouse.duckdb
  sim run --seed 7 --scale medium --warehouse /tmp/shop.duckdb
  sim --seed 42 --json > summary.json         # the summary as JSON on stdout
  sim --seed 42 --faults 0.01                 # seeded data-quality faults for staging to clean
  sim --seed 42 --select none                 # generate and land only
  sim --seed 42 --target bigquery             # the same pipeline in BigQuery

Exit codes: 0 ok, 1 a data test failed, 2 bad input (nothing was changed), 3 engine error.`,
  );
  program.addHelpText(
    'after',
    `
With no command, sim runs \`sim run\`: generate -> land -> build -> test (\`sim run --help\` lists its flags).

Quick start:
  sim --seed 42                       # the whole pipeline into ./warehouse.duckdb
  sim --seed 42 --as-of 2025-06-30    # the shop as of a day...
  sim step                            # ...then the next day, incrementally
  sim history                         # the last runs
  sim build --select +fact_orders     # models only, on the current landing`,
  );
  run.action(async (flags: PipelineFlags) => (await import('../actions/run.ts')).runCommand(flags));
}

/** The warehouse, output and model flags shared by run, step and retry. */
export function addPipelineOptions(cmd: Command): Command {
  cmd
    .option('--warehouse <path>', 'DuckDB warehouse file (or :memory:)', './warehouse.duckdb')
    .addOption(targetOption())
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress output (errors and the summary only)')
    .option('--batch-size <rows>', 'rows per landing batch (1000..1048576)', intIn('--batch-size', 1000, 1 << 20), 65_536)
    .option('--workers <n>', 'generator threads beside the loader, 0 = generate on the main thread (0..16; default: 1 from 100,000 customers, else 0)', intIn('--workers', 0, 16))
    .option('-s, --select <selector...>', "models to build after landing (dbt syntax); 'none' = land only")
    .option('--exclude <selector...>', 'models to leave out (dbt syntax)')
    .option('--threads <n>', 'models built at the same time where the DAG allows (1..64; default: 4, on DuckDB 1 once a table holds over 5 M rows)', intIn('--threads', 1, 64))
    .option('--full-refresh', 'rebuild incremental models from scratch')
    .option('--vars <yaml>', "model vars as YAML or JSON, over the scenario's and dbt_project.yml's")
    .option('--project-dir <dir>', 'model project (default: the current folder if it has dbt_project.yml, else the built-in project)');
  addEnrichmentOptions(cmd);
  return addBigQueryOptions(cmd);
}

export function intIn(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} must be an integer from ${min} to ${max}`);
    }
    return n;
  };
}

