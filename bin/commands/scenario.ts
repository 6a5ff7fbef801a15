import type { Command } from 'commander';
import YAML from 'yaml';
import { builtinCatalog, simulate } from '../../simulator/index.ts';
import { addScenarioOptions, scenarioFromOptions } from '../scenario-options.ts';

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
  cmd.action((opts: Record<string, unknown>) => {
    const scenario = scenarioFromOptions(opts);
    if (opts.rows) {
      // Row counts do not depend on product names, so the built-in catalog serves any enrich mode.
      const rows = simulate(scenario, { catalog: builtinCatalog(scenario) }).plannedRows();
      process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatRows(rows));
      return;
    }
    process.stdout.write(opts.json ? `${JSON.stringify(scenario, null, 2)}\n` : YAML.stringify(scenario, { lineWidth: 0 }));
  });
}

function formatRows(rows: Record<string, number>): string {
  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  const lines = [...Object.entries(rows), ['total', total] as const].map(([table, n]) => `${table.padEnd(16)}${n.toLocaleString('en-US').padStart(14)}`);
  return `${lines.join('\n')}\n`;
}
