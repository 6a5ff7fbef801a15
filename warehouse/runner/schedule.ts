import { EngineError } from '../engine.ts';
import type { NodeResult, NodeStatus, TimingInfo } from '../artifacts/run-results.ts';
import type { ExecutableNode, GenericTestNode } from '../project/types.ts';
import type { BuildOptions } from './build.ts';
import { describeNodeError } from './errors.ts';
import { batchKey, runNode, runTestBatch, type NodeOutcome, type NodeRunContext, type NodeTrace } from './nodes.ts';
import { downstreamOf, type Plan } from './plan.ts';

/**
 * Runs a plan: up to `threads` jobs at once, a job being one node or a batch of tests of one
 * relation. A node starts when everything it waits for has a result; a node whose upstream
 * errored or failed is skipped with the cause instead. Results come back in plan order.
 */

export function describe(node: ExecutableNode) {
  return { uniqueId: node.uniqueId, name: node.name, resourceType: node.resourceType };
}

/** What ran before the DAG (the unit tests): how many, the run's total, and the models they stop. */
export interface Prelude {
  before: number;
  total: number;
  blocked: Map<string, string>;
}

export async function schedule(ctx: NodeRunContext, plan: Plan, threads: number, options: BuildOptions, prelude: Prelude): Promise<NodeResult[]> {
  const total = prelude.total;
  const results = new Map<string, NodeResult>();
  /** Why a node cannot run: the first upstream failure, as the user should read it. */
  const blockedBy = new Map<string, string>();
  for (const [model, cause] of prelude.blocked) {
    if (!plan.waitsFor.has(model)) continue;
    blockedBy.set(model, cause);
    for (const down of downstreamOf(plan, model)) if (!blockedBy.has(down)) blockedBy.set(down, `upstream ${cause}`);
  }
  const pending = [...plan.order];
  const running = new Map<string, Promise<void>>();
  const freeThreads = Array.from({ length: threads }, (_, i) => threads - i);
  /** dbt numbers nodes in the order they start ("3 of 41"); the finish line repeats the number. */
  let started = prelude.before;
  const indexOf = new Map<string, number>();

  const finish = (id: string, result: NodeResult, error?: unknown) => {
    results.set(id, result);
    const node = ctx.project.nodes.get(id)!;
    if (!indexOf.has(id)) indexOf.set(id, ++started);
    options.onEvent?.({ type: 'node-finish', ...describe(node), index: indexOf.get(id)!, total, result, error });
    if (result.status === 'error' || result.status === 'fail') {
      const cause = result.status === 'fail' ? `test ${node.name} failed` : `${node.resourceType} ${node.name} errored`;
      for (const down of downstreamOf(plan, id)) if (!blockedBy.has(down)) blockedBy.set(down, `upstream ${cause}`);
    }
  };

  const isReady = (id: string) => [...plan.waitsFor.get(id)!].every((w) => results.has(w));
  while (pending.length || running.size) {
    for (let i = 0; i < pending.length && running.size < threads; ) {
      const id = pending[i];
      const blocked = blockedBy.get(id);
      if (blocked && isReady(id)) {
        pending.splice(i, 1);
        finish(id, skippedResult(id, `skipped: ${blocked}`));
        continue;
      }
      if (!isReady(id)) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      const group = [id, ...takeBatchMates(ctx, id, pending, i, options, (other) => isReady(other) && !blockedBy.has(other))];
      const thread = freeThreads.pop()!;
      for (const member of group) indexOf.set(member, ++started);
      // each thread's statements go to its own session where the engine has them (a DuckDB
      // connection per thread), so that nodes on different threads really run at once
      const onThread = ctx.engine.session ? { ...ctx, engine: ctx.engine.session(thread) } : ctx;
      const job: Promise<Array<{ id: string; result: NodeResult; error?: unknown }>> =
        group.length === 1
          ? execute(onThread, id, `Thread-${thread}`, options, indexOf.get(id)!, total).then((r) => [{ id, ...r }])
          : executeBatch(onThread, group, `Thread-${thread}`, options, indexOf, total);
      const work = job.then((done) => {
        running.delete(id);
        freeThreads.push(thread);
        for (const { id: member, result, error } of done) finish(member, result, error);
      });
      running.set(id, work);
    }
    if (running.size) await Promise.race(running.values());
    else if (pending.length) throw new Error(`runner stalled with ${pending.length} nodes pending`); // a plan bug, never user input
  }
  return plan.order.map((id) => results.get(id)!);
}

/** At most this many tests share one query (keeps the statement readable and bounded). */
const MAX_BATCH = 64;

/** Removes from `pending` (from index `from`) the ready tests that can share `id`'s query. */
function takeBatchMates(ctx: NodeRunContext, id: string, pending: string[], from: number, options: BuildOptions, ready: (id: string) => boolean): string[] {
  const key = options.batchTests === false ? undefined : batchKey(ctx.project, ctx.project.nodes.get(id));
  if (!key) return [];
  const mates: string[] = [];
  for (let j = from; j < pending.length && mates.length < MAX_BATCH - 1; ) {
    const other = pending[j];
    if (batchKey(ctx.project, ctx.project.nodes.get(other)) === key && ready(other)) {
      pending.splice(j, 1);
      mates.push(other);
    } else j++;
  }
  return mates;
}

/**
 * Runs a batch of tests as one query; if the batch fails (one test's SQL is wrong), each test
 * runs alone so the error lands on the test that has it.
 */
async function executeBatch(ctx: NodeRunContext, ids: string[], threadId: string, options: BuildOptions, indexOf: Map<string, number>, total: number) {
  const nodes = ids.map((id) => ctx.project.nodes.get(id)! as GenericTestNode);
  for (const node of nodes) options.onEvent?.({ type: 'node-start', ...describe(node), index: indexOf.get(node.uniqueId)!, total });
  const startedAt = new Date();
  const t0 = performance.now();
  let outcomes: NodeOutcome[];
  try {
    outcomes = await runTestBatch(ctx, nodes);
  } catch {
    const alone: Array<{ id: string; result: NodeResult; error?: unknown }> = [];
    for (const id of ids) alone.push({ id, ...(await execute(ctx, id, threadId, { ...options, onEvent: undefined }, indexOf.get(id)!, total)) });
    return alone;
  }
  const share = (performance.now() - t0) / 1000 / ids.length;
  return outcomes.map((outcome, i) => ({ id: ids[i], result: toResult(ids[i], nodes[i].resourceType, outcome, threadId, startedAt, share) }));
}

function toResult(id: string, resourceType: string, outcome: NodeOutcome, threadId: string, startedAt: Date, seconds: number): NodeResult {
  return {
    unique_id: id,
    status: outcome.status,
    timing: timing(startedAt, outcome.compileSeconds, seconds),
    thread_id: threadId,
    execution_time: round(seconds),
    adapter_response:
      outcome.adapterMessage || outcome.rowsAffected !== undefined ? { _message: outcome.adapterMessage, code: outcome.adapterMessage?.split(' ')[0], rows_affected: outcome.rowsAffected } : {},
    message: outcome.message,
    failures: resourceType === 'test' ? (outcome.failures ?? 0) : null,
    compiled: outcome.compiledCode !== undefined,
    compiled_code: outcome.compiledCode,
    relation_name: outcome.relationName ?? null,
    batch_results: null,
  };
}

async function execute(ctx: NodeRunContext, id: string, threadId: string, options: BuildOptions, index: number, total: number): Promise<{ result: NodeResult; error?: unknown }> {
  const node = ctx.project.nodes.get(id)!;
  options.onEvent?.({ type: 'node-start', ...describe(node), index, total });
  const startedAt = new Date();
  const t0 = performance.now();
  const retries = options.retries ?? 0;
  for (let attempt = 0; ; attempt++) {
    const trace: NodeTrace = { statements: [] };
    try {
      const outcome = await runNode(ctx, node, trace);
      return { result: toResult(id, node.resourceType, outcome, threadId, startedAt, (performance.now() - t0) / 1000) };
    } catch (error) {
      if (error instanceof EngineError && error.transient && attempt < retries) continue;
      const seconds = (performance.now() - t0) / 1000;
      const failed = trace.statements[trace.statements.length - 1];
      return {
        error,
        result: {
          unique_id: id,
          status: 'error',
          timing: timing(startedAt, 0, seconds),
          thread_id: threadId,
          execution_time: round(seconds),
          adapter_response: {},
          message: describeNodeError(node, error, trace.compiledCode, failed),
          failures: null,
          compiled: trace.compiledCode !== undefined,
          compiled_code: trace.compiledCode,
          relation_name: null,
          batch_results: null,
        },
      };
    }
  }
}

function skippedResult(id: string, message: string): NodeResult {
  return { unique_id: id, status: 'skipped' as NodeStatus, timing: [], thread_id: 'main', execution_time: 0, adapter_response: {}, message, failures: null, compiled: false, relation_name: null, batch_results: null };
}

function timing(startedAt: Date, compileSeconds: number, totalSeconds: number): TimingInfo[] {
  const compileEnd = new Date(startedAt.getTime() + compileSeconds * 1000);
  const end = new Date(startedAt.getTime() + totalSeconds * 1000);
  return [
    { name: 'compile', started_at: startedAt.toISOString(), completed_at: compileEnd.toISOString() },
    { name: 'execute', started_at: compileEnd.toISOString(), completed_at: end.toISOString() },
  ];
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
