import type { NodeResult } from '../artifacts/run-results.ts';
import { openDuckDB } from '../duckdb/index.ts';
import type { Project, TargetInfo } from '../project/types.ts';
import { runUnitTests, type UnitTestResult } from '../testing/unit.ts';
import type { RunEvent } from './build.ts';

/**
 * The unit tests of a build or test run, before any model (as dbt 1.8 runs them): on a fresh
 * in-memory DuckDB, whatever the target. A model whose unit test fails or errors is not built
 * (`blocked` maps it to the cause); the runner skips it and everything downstream.
 */
export async function runUnitTestPhase(
  project: Project,
  ids: readonly string[],
  vars: Record<string, unknown>,
  target: TargetInfo,
  total: number,
  onEvent?: (event: RunEvent) => void,
): Promise<{ results: NodeResult[]; blocked: Map<string, string> }> {
  const blocked = new Map<string, string>();
  if (!ids.length) return { results: [], blocked };
  const memory = await openDuckDB(':memory:');
  const results: NodeResult[] = [];
  try {
    let index = 0;
    for (const id of ids) {
      const test = project.unitTests.get(id)!;
      const described = { uniqueId: id, name: test.name, resourceType: 'unit_test', index: ++index, total };
      onEvent?.({ type: 'node-start', ...described });
      const startedAt = new Date();
      const [outcome] = await runUnitTests(memory, project, [id], { vars, target });
      const result = unitResult(outcome, startedAt);
      results.push(result);
      if (outcome.status !== 'pass' && !blocked.has(test.model)) blocked.set(test.model, `unit test ${test.name} ${outcome.status === 'fail' ? 'failed' : 'errored'}`);
      onEvent?.({ type: 'node-finish', ...described, result, error: outcome.error });
    }
  } finally {
    await memory.close();
  }
  return { results, blocked };
}

function unitResult(u: UnitTestResult, startedAt: Date): NodeResult {
  const end = new Date(startedAt.getTime() + u.seconds * 1000).toISOString();
  return {
    unique_id: u.uniqueId,
    status: u.status,
    timing: [{ name: 'execute', started_at: startedAt.toISOString(), completed_at: end }],
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
