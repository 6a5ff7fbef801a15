import type { Command } from 'commander';

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
    .action(async (dir: string, flags: { force?: boolean }) => (await import('../actions/init.ts')).initCommand(dir, flags));
}
