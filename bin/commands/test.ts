import type { Command } from 'commander';
import { runResults, type NodeResult, type RunResults } from '../../warehouse/artifacts/run-results.ts';
import { selectNodes } from '../../warehouse/dag/select.ts';
import { openDuckDB } from '../../warehouse/duckdb/index.ts';
import { readScenarioVars } from '../../warehouse/runner/scenario.ts';
import { runUnitTests, type UnitTestResult } from '../../warehouse/testing/unit.ts';
import { addModelOptions, runModelCommand, type ModelCommandContext, type ModelFlags } from './build.ts';

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
    await runModelCommand('test', flags, (ctx, run, errors) => withUnitTests(ctx, flags, run, errors));
  });
}

async function withUnitTests(ctx: ModelCommandContext, flags: ModelFlags, run: RunResults, errors: unknown[]): Promise<RunResults> {
  const ids = selectNodes(ctx.project, { select: flags.select, exclude: flags.exclude, resourceTypes: ['unit_test'] });
  if (!ids.length) return run;
  const vars = { ...ctx.project.config.vars, ...(await readScenarioVars(ctx.engine)), ...(ctx.vars ?? {}) };
  const memory = await openDuckDB(':memory:');
  let unit: UnitTestResult[];
  try {
    unit = await runUnitTests(memory, ctx.project, ids, { vars, target: ctx.target });
  } finally {
    await memory.close();
  }
  for (const u of unit) if (u.error) errors.push(u.error);
  const total = run.results.length + unit.length;
  unit.forEach((u, i) => {
    if (!flags.quiet && !flags.json) {
      const badge = u.status === 'pass' ? 'PASS' : u.status === 'fail' ? 'FAIL' : 'ERROR';
      process.stderr.write(`${run.results.length + i + 1} of ${total} ${badge} unit_test ${u.name} [${badge} in ${u.seconds.toFixed(2)}s]\n`);
    }
  });
  const results: NodeResult[] = [...run.results, ...unit.map(unitResult)];
  const elapsed = run.elapsed_time + unit.reduce((s, u) => s + u.seconds, 0);
  return runResults(results, elapsed, run.args, run.metadata.invocation_id);
}

function unitResult(u: UnitTestResult): NodeResult {
  return {
    unique_id: u.uniqueId,
    status: u.status,
    timing: [],
    thread_id: 'Thread-1',
    execution_time: Math.round(u.seconds * 1000) / 1000,
    adapter_response: {},
    message: u.message,
    failures: u.status === 'fail' ? 1 : 0,
    compiled: u.compiledCode !== undefined,
    compiled_code: u.compiledCode,
    relation_name: null,
    batch_results: null,
  };
}
