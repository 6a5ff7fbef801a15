import type { Command } from 'commander';
import { addModelOptions, type ModelFlags } from './build.ts';

/** `sim test`: the data tests on the warehouse, and the unit tests on an in-memory DuckDB. */
export function registerTest(program: Command): void {
  const cmd = program
    .command('test')
    .description('run the data tests (schema.yml and models/tests/) on the warehouse, and the unit tests (unit_tests:) on an in-memory DuckDB');
  addModelOptions(cmd).addHelpText(
    'after',
    `
Unit tests never read the warehouse: their inputs are the given rows, typed by the landing
contract through the upstream models. Writes target/run_results.json (dbt's shape).

Examples:
  sim test
  sim test --select fact_orders          # its data tests and unit tests
  sim test --select tag:consumption

Exit codes: 0 ok (warnings included), 1 a test failed, 2 a test/flag is wrong, 3 engine error.`,
  );
  cmd.action(async (flags: ModelFlags) => {
    const { runModelCommand } = await import('../actions/model-command.ts');
    await runModelCommand('test', flags);
  });
}
