import { Option, type Command } from 'commander';
import type { CompileOptions } from '../../warehouse/render/compile-project.ts';
import { TARGETS } from '../target-options.ts';

export function registerCompile(program: Command): void {
  program
    .command('compile')
    .description('render every selected model, snapshot and test to SQL for a target, into target/compiled/<target>/, and write target/manifest.json (no warehouse needed)')
    .option('-s, --select <selector...>', 'nodes to compile (dbt syntax: name, +name, name+, tag:x, path:x, config.materialized:x; space = union, comma = intersection)')
    .option('--exclude <selector...>', 'nodes to leave out (same syntax)')
    .addOption(new Option('--target <target>', 'SQL dialect to compile for').choices([...TARGETS]).default('duckdb'))
    .option('--vars <yaml>', "vars as YAML or JSON over dbt_project.yml's, e.g. '{as_of: 2024-06-30}'")
    .option('--project-dir <dir>', 'model project (default: the current folder if it has dbt_project.yml, else the built-in project)')
    .option('--schema-prefix <prefix>', 'per-developer prefix for every schema/dataset (<prefix>_staging, ...)')
    .option('--warehouse <file>', "read a built DuckDB warehouse, like dbt compile reads the target: scenario vars from landing._sim_meta, and is_incremental() true for incremental models that exist there")
    .option('--full-refresh', 'with --warehouse: compile incremental models as full rebuilds')
    .option('--bq-project <id>', "BigQuery: project in relation names (env SIM_BQ_PROJECT, GOOGLE_CLOUD_PROJECT, or the dbt profile's)")
    .option('--dataset-prefix <prefix>', 'BigQuery: prefix for every dataset, e.g. dev_alice_ (env SIM_BQ_DATASET_PREFIX)')
    .option('--bq-dataset <layer=dataset>', 'BigQuery: dataset of a layer, repeatable', (value: string, previous: string[] = []) => [...previous, value])
    .option('--inline <sql>', "compile this query instead of the project's nodes and print it, e.g. \"select * from {{ ref('fact_orders') }}\"")
    .option('--json', 'print the compiled nodes as JSON instead of a summary')
    .addHelpText('after', `
Without --warehouse, incremental models compile as on a first build (is_incremental() is
false) and scenario vars (as_of, start_date, end_date) come from dbt_project.yml; --vars
overrides them either way.
Generic tests compile to the SELECT of failing rows that sim test runs.

Examples:
  sim compile                                   every node for DuckDB, into target/compiled/duckdb/
  sim compile --target bigquery                 the SQL a BigQuery run sends
  sim compile --select fact_orders              one model's SQL on stdout
  sim compile --inline "select count(*) from {{ ref('fact_orders') }}"`)
    .action(async (flags: CompileOptions) => (await import('../actions/compile.ts')).compileCommand(flags));
}
