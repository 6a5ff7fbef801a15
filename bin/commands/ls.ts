import type { Command } from 'commander';
import { Option } from 'commander';
import { RESOURCE_TYPES } from '../../warehouse/dag/select.ts';

export interface LsFlags {
  select?: string[];
  exclude?: string[];
  resourceType?: string[];
  output: string;
  outputKeys?: string[];
  vars?: string;
  projectDir?: string;
}

const OUTPUTS = ['selector', 'name', 'path', 'json'] as const;

export function registerLs(program: Command): void {
  program
    .command('ls')
    .alias('list')
    .description('list the nodes a selection picks (models, seeds, snapshots, tests, unit tests, sources), like dbt ls')
    .option('-s, --select <selector...>', 'dbt selection syntax: name, +name, name+, @name, tag:x, path:x, config.materialized:x, source:x; space = union, comma = intersection')
    .option('--exclude <selector...>', 'nodes to leave out (same syntax)')
    .option('--resource-type <type...>', `only these types: ${RESOURCE_TYPES.join(', ')} (or all)`)
    .addOption(new Option('--output <format>', 'how to print each node').choices([...OUTPUTS]).default('selector'))
    .option('--output-keys <key...>', 'with --output json: only these keys (e.g. name resource_type)')
    .option('--vars <yaml>', "vars as YAML or JSON, e.g. '{as_of: 2024-06-30}'")
    .option('--project-dir <dir>', 'model project (default: the current folder if it has dbt_project.yml, else the built-in project)')
    .addHelpText('after', `
Examples:
  sim ls --select +fact_orders                  fact_orders and everything upstream of it
  sim ls --select tag:marts --resource-type model
  sim ls --select path:models/03_consumption --output path
  sim ls --select fact_orders+ --exclude resource_type:test`)
    .action(async (flags: LsFlags) => (await import('../actions/ls.ts')).lsCommand(flags));
}
