import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { scaffoldProject } from '../../orchestrator/init/scaffold.ts';

const BUILT_IN_PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('scaffold a new project: scenario.yml (the defaults, commented), dbt_project.yml and models/ copied from the built-in project, README, .gitignore')
    .argument('<dir>', 'folder to create (must be new or empty)')
    .option('--force', 'write into a non-empty folder, replacing files of the same names')
    .addHelpText('after', `
Examples:
  sim init my-shop && cd my-shop && sim --seed 42   # build the copied models on a seeded shop
  sim init . --force                                # scaffold into the current folder`)
    .action((dir: string, flags: { force?: boolean }) => {
      const result = scaffoldProject(dir, { sourceRoot: BUILT_IN_PROJECT, force: flags.force === true });
      process.stdout.write(`created ${dir}: ${result.written.join(', ')}\nnext: cd ${dir} && sim --seed 42\n`);
    });
}
