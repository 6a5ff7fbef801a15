import type { Command } from 'commander';

export interface CheckFlags {
  target: string;
  select?: string[];
  exclude?: string[];
  vars?: string;
  projectDir?: string;
  json?: boolean;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description("prove offline that every model, snapshot and test compiles to valid BigQuery SQL: each statement a BigQuery run would send is analysed by ZetaSQL (BigQuery's analyser), in DAG order")
    .option('--target <target>', 'the SQL dialect to check (accepted: bigquery)', 'bigquery')
    .option('-s, --select <selector...>', 'nodes to check (dbt syntax: name, +name, tag:x, path:x, ...); their parents are analysed too')
    .option('--exclude <selector...>', 'nodes to leave out')
    .option('--vars <yaml>', "project vars as YAML or JSON, e.g. '{as_of: 2024-06-30}'")
    .option('--project-dir <dir>', 'model project (default: the current folder if it has dbt_project.yml, else the built-in project)')
    .option('--json', 'print the report as JSON on stdout')
    .addHelpText(
      'after',
      `
Needs the optional dependency @fivetrandevelopers/zetasql (installed by npm ci; it ships the
ZetaSQL server as a native binary). Exit codes: 0 all valid, 2 a node is not valid BigQuery SQL
(each error names the file, the line and column in the compiled SQL, and ZetaSQL's message).

Examples:
  sim check --target bigquery
  sim check --target bigquery --select +fact_orders`,
    )
    .action(async (flags: CheckFlags, command: Command) => (await import('../actions/check.ts')).checkCommand(flags, command));
}
