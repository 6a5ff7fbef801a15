import { InputError } from '../../contract/errors.ts';
import type { Row } from '../../warehouse/engine.ts';
import { compileNode, relationFor } from '../../warehouse/render/compile.ts';
import { readScenarioVars } from '../../warehouse/runner/scenario.ts';
import type { ShowFlags } from '../commands/show.ts';
import { openModelCommand } from './model-command.ts';

/**
 * `sim show MODEL --limit N` (dbt show): compiles the model for the target, runs its SELECT
 * with a limit and prints the rows. Nothing is built or changed; the model's parents must exist.
 */
export async function showModel(name: string, flags: ShowFlags): Promise<void> {
  const ctx = await openModelCommand(flags);
  try {
    const id = ctx.project.refIndex.get(name);
    const node = id ? ctx.project.nodes.get(id) : undefined;
    if (!node || node.resourceType === 'test') {
      const known = [...ctx.project.refIndex.keys()].sort();
      throw new InputError(`show: no model, seed or snapshot named '${name}' (known: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''})`);
    }
    const vars = { ...(await readScenarioVars(ctx.engine)), ...(ctx.vars ?? {}) };
    const d = ctx.engine.dialect;
    const seed = node.resourceType === 'seed' ? relationFor(node, ctx.target) : undefined;
    const sql = seed ? `select * from ${d.relation(seed.schema, seed.identifier)}` : compileNode(ctx.project, node.uniqueId, { dialect: d, target: ctx.target, vars, isIncremental: false }).sql;
    const rows = await ctx.engine.query(`select * from (\n${sql.trim().replace(/;\s*$/, '')}\n) dbt_show limit ${flags.limit}`, { label: node.uniqueId });
    process.stdout.write(flags.json ? `${JSON.stringify({ node: node.uniqueId, rows }, null, 2)}\n` : `Previewing node '${node.name}':\n${table(rows)}\n`);
  } finally {
    await ctx.engine.close();
  }
}

/** dbt show's table: | a | b | with a header rule; NULL shown as NULL. */
export function table(rows: Row[]): string {
  if (!rows.length) return '(no rows)';
  const columns = Object.keys(rows[0]);
  const cells = rows.map((r) => columns.map((c) => (r[c] === null ? 'NULL' : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) => `| ${values.map((v, i) => (typeof rows[0][columns[i]] === 'number' ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  return [line(columns), rule, ...cells.map(line)].join('\n');
}
