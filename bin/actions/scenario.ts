import YAML from 'yaml';
import { scenarioFromOptions } from './scenario-from-options.ts';

/** `sim scenario`: the effective scenario as YAML or JSON, or the rows it lands per table. */
export async function scenarioCommand(opts: Record<string, unknown>): Promise<void> {
  const scenario = scenarioFromOptions(opts);
  if (opts.rows) {
    // the generator (faker's locales, the world model) only for --rows
    const { builtinCatalog, simulate } = await import('../../simulator/index.ts');
    // Row counts do not depend on product names, so the built-in catalog serves any enrich mode.
    const rows = simulate(scenario, { catalog: builtinCatalog(scenario) }).plannedRows();
    process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatRows(rows));
    return;
  }
  process.stdout.write(opts.json ? `${JSON.stringify(scenario, null, 2)}\n` : YAML.stringify(scenario, { lineWidth: 0 }));
}

function formatRows(rows: Record<string, number>): string {
  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  const lines = [...Object.entries(rows), ['total', total] as const].map(([table, n]) => `${table.padEnd(16)}${n.toLocaleString('en-US').padStart(14)}`);
  return `${lines.join('\n')}\n`;
}
