import { Command, InvalidArgumentError } from 'commander';
import type { BigQueryFlags } from '../../warehouse/targets.ts';
import { addBigQueryOptions, targetOption } from '../target-options.ts';

/**
 * `sim build`: models, seeds, snapshots and their tests in DAG order on the current landing
 * (dbt build); `--no-tests` is dbt's run. Also the flag set `sim test` and `sim show` share
 * (one place, so the three commands read the same flags the same way). What they do is in
 * bin/actions/model-command.ts, imported only when one of them runs.
 */

export interface ModelFlags extends BigQueryFlags {
  select?: string[];
  exclude?: string[];
  threads?: number;
  fullRefresh?: boolean;
  vars?: string;
  warehouse: string;
  target: string;
  projectDir?: string;
  json?: boolean;
  quiet?: boolean;
  tests?: boolean;
}

export function addModelOptions(cmd: Command, options: { selection?: boolean } = {}): Command {
  if (options.selection !== false) {
    cmd.option('-s, --select <selector...>', "nodes to run (dbt syntax: name, +name, name+, tag:x, path:x, config.materialized:x)").option('--exclude <selector...>', 'nodes to leave out (same syntax)');
  }
  cmd
    .option('--threads <n>', 'nodes run at the same time where the DAG allows (1..64; default: 4, on DuckDB 1 once a table holds over 5 M rows)', intIn('--threads', 1, 64))
    .option('--vars <yaml>', "vars as YAML or JSON, over the scenario's and dbt_project.yml's, e.g. '{as_of: 2024-06-30}'")
    .option('--warehouse <path>', 'DuckDB warehouse file holding the landing (see `sim run`)', './warehouse.duckdb')
    .addOption(targetOption())
    .option('--project-dir <dir>', 'model project (default: the current folder if it has dbt_project.yml, else the built-in project)')
    .option('--json', 'print the run results as JSON on stdout')
    .option('--quiet', 'no per-node lines (errors and the summary only)');
  return addBigQueryOptions(cmd);
}

export function registerBuild(program: Command): void {
  const cmd = program
    .command('build')
    .description('build models, seeds and snapshots and run their tests in DAG order on the current landing (dbt build); a failing test skips everything downstream')
    .option('--full-refresh', 'rebuild incremental models from scratch')
    .option('--no-tests', 'models, seeds and snapshots only (dbt run)');
  addModelOptions(cmd).addHelpText(
    'after',
    `
Scenario vars (as_of, start_date, end_date, seed) come from the landed scenario (landing._sim_meta);
--vars overrides them. Writes target/run_results.json (dbt's shape).

Examples:
  sim build
  sim build --select +fact_orders --threads 2
  sim build --select tag:marts --exclude dim_date
  sim build --no-tests --full-refresh

Exit codes: 0 ok (warnings included), 1 a data test failed, 2 a model/flag is wrong, 3 engine error.`,
  );
  cmd.action(async (flags: ModelFlags) => {
    const { runModelCommand } = await import('../actions/model-command.ts');
    await runModelCommand(flags.tests === false ? 'run' : 'build', flags);
  });
}

function intIn(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`${flag} must be an integer from ${min} to ${max}`);
    return n;
  };
}
