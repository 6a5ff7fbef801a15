/**
 * dbt's pre-hooks and post-hooks of a model, seed or snapshot. Every hook is rendered before
 * anything runs (a Jinja error in a post-hook must not leave a half-finished node behind), then
 * run in order as its own statement through the node's StatementLog: run_results show it, and
 * `sim check --target bigquery`, which drives this runner against ZetaSQL, analyses it.
 *
 * Pre-hooks run before the materialization's first statement, post-hooks once the new relation
 * is in place under its final name. How a failing post-hook is undone is the materialization's
 * business (see `AfterSwap` in materializations/types.ts).
 */
import { EngineError } from '../engine.ts';
import type { StatementLog } from '../materializations/execute.ts';
import type { CompileContext, ExecutableNode, Project } from '../project/types.ts';
import { renderHooks, type HookPhase } from '../render/compile.ts';

export interface RenderedHooks {
  pre: string[];
  post: string[];
}

export function renderNodeHooks(project: Project, node: ExecutableNode, ctx: CompileContext): RenderedHooks {
  return { pre: renderHooks(project, node, ctx, 'pre-hook'), post: renderHooks(project, node, ctx, 'post-hook') };
}

/** Runs rendered hooks in order; a failure names the hook (phase, position, first line of SQL) above the engine's message. */
export async function runHooks(log: StatementLog, phase: HookPhase, hooks: readonly string[]): Promise<void> {
  for (const [i, sql] of hooks.entries()) {
    // dbt skips a hook that renders to nothing (e.g. one wrapped in {% if target.name == 'prod' %}).
    if (!sql.trim()) continue;
    try {
      await log.execute(sql);
    } catch (error) {
      throw hookFailure(error, `${phase} ${i + 1} of ${hooks.length} failed: ${firstLine(sql)}`);
    }
  }
}

const failedHooks = new WeakMap<object, string>();

/** For an error thrown by runHooks: which hook failed ("post-hook 2 of 3 failed: ..."), else undefined. */
export function failedHook(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? failedHooks.get(error) : undefined;
}

/**
 * Engine errors get the hook prepended and stay EngineErrors, so the exit code class (bad SQL is
 * input, exit 2) and transient retries are unchanged. Other errors (a ZetaSQL rejection in `sim
 * check`, which carries positions in the statement) pass through as they are, with the hook
 * recorded for `failedHook`.
 */
function hookFailure(error: unknown, what: string): unknown {
  const out = error instanceof EngineError ? new EngineError(`${what}\n${error.message}`, error.sql, error.transient) : error;
  if (typeof out === 'object' && out !== null) failedHooks.set(out, what);
  return out;
}

function firstLine(sql: string): string {
  const line = sql.trim().split('\n')[0];
  return line.length > 100 || sql.trim().includes('\n') ? `${line.slice(0, 100)} ...` : line;
}
