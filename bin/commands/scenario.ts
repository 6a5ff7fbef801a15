import type { Command } from 'commander';
import YAML from 'yaml';
import { addScenarioOptions, scenarioFromOptions } from '../scenario-options.ts';

/** `sim scenario --print [--json]`: the effective scenario after defaults, file, environment and flags. */
export function registerScenario(program: Command): void {
  const cmd = program
    .command('scenario')
    .description('show the effective scenario (defaults < --scenario file < SIM_* environment < flags)')
    .option('--print', 'print the effective scenario (the default action)')
    .option('--json', 'print it as JSON instead of YAML');
  addScenarioOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  sim scenario --print                          # the defaults, as YAML
  sim scenario --print --scale tiny --seed 7
  sim scenario --print --scenario my.yml --json # a scenario file merged over the defaults
  sim scenario --print > my.yml                 # a complete scenario file to edit`,
  );
  cmd.action((opts: Record<string, unknown>) => {
    const scenario = scenarioFromOptions(opts);
    process.stdout.write(opts.json ? `${JSON.stringify(scenario, null, 2)}\n` : YAML.stringify(scenario, { lineWidth: 0 }));
  });
}
