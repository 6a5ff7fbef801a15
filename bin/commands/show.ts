import { Command, InvalidArgumentError } from 'commander';
import { addModelOptions, type ModelFlags } from './build.ts';

export type ShowFlags = ModelFlags & { limit: number };

/**
 * `sim show MODEL --limit N` (dbt show): compiles the model for the target, runs its SELECT
 * with a limit and prints the rows. Nothing is built or changed; the model's parents must exist.
 */
export function registerShow(program: Command): void {
  const cmd = program
    .command('show')
    .argument('<model>', 'model (or seed/snapshot) name')
    .description('preview a model: run its compiled SELECT on the warehouse with a limit and print the rows (nothing is built)')
    .option('--limit <n>', 'rows to show (1..10000)', limitArg, 5);
  addModelOptions(cmd, { selection: false }).addHelpText(
    'after',
    `
Examples:
  sim show dim_customers
  sim show top_products_90d --limit 20
  sim show fact_orders --vars '{as_of: 2024-06-30}' --json`,
  );
  cmd.action(async (name: string, flags: ShowFlags) => (await import('../actions/show.ts')).showModel(name, flags));
}

function limitArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 10_000) throw new InvalidArgumentError('--limit must be an integer from 1 to 10000');
  return n;
}
