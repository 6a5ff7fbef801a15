import YAML from 'yaml';
import { builtinCatalog, simulate } from '../../simulator/index.ts';
import { scenarioFromOptions } from './scenario-from-options.ts';

/** `sim scenario`: the effective scenario as YAML or JSON, or the rows it lands per table. */
export function scenarioCommand(opts: Record<string, unknown>): void {
  const scenario = scenarioFromOptions(opts);
  if (opts.rows) {
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
