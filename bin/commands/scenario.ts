import type { Command } from 'commander';
import { addScenarioOptions } from '../scenario-options.ts';

/**
 * `sim scenario --print [--json]`: the effective scenario after defaults, file, environment and
 * flags; `--rows` the rows it lands per table (computed, not generated: a fraction of a second
 * up to `medium`, a few seconds at `large`).
 */
export function registerScenario(program: Command): void {
  const cmd = program
    .command('scenario')
    .description('show the effective scenario (defaults < --scenario file < SIM_* environment < flags)')
    .option('--print', 'print the effective scenario (the default action)')
    .option('--rows', 'print the rows per landing table instead (orders and lines: an upper bound with late-row faults)')
    .option('--json', 'print it as JSON instead of YAML');
  addScenarioOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  sim scenario --print                          # the defaults, as YAML
  sim scenario --print --scale tiny --seed 7
  sim scenario --print --scenario my.yml --json # a scenario file merged over the defaults
  sim scenario --print > my.yml                 # a complete scenario file to edit
  sim scenario --rows --scale large             # how big the landing will be`,
  );
  cmd.action(async (opts: Record<string, unknown>) => (await import('../actions/scenario.ts')).scenarioCommand(opts));
}
