/**
 * dbt's pre-hooks and post-hooks of a model, seed or snapshot. Every hook is rendered before
 * anything runs (a Jinja error in a post-hook must not leave a half-finished node behind), then
 * run in order as its own statement through the node's StatementLog: run_results show it, and
 * `sim check --target bigquery`, which drives this runner against ZetaSQL, analyses it.
 *
 * dbt's order, `transaction` included: pre-hooks with `transaction: false` first, then the
 * others, then the build; post-hooks once the new relation is in place under its final name,
 * inside the build's guard (see `AfterSwap` in materializations/types.ts: where the engine can,
 * a failing one puts the previous relation back); `transaction: false` post-hooks last, after
 * the build is final, as dbt runs them after COMMIT.
 */
import { EngineError } from '../engine.ts';
import type { StatementLog } from '../materializations/execute.ts';
import type { CompileContext, ExecutableNode, Project } from '../project/types.ts';
import { renderHooks, type HookPhase } from '../render/compile.ts';

/** One hook rendered for this run, with its place in the node's config list for messages. */
export interface RenderedHook {
  phase: HookPhase;
  sql: string;
  /** 1-based position among the node's hooks of this phase, and their number. */
  position: number;
  of: number;
}

export interface HookPlan {
  /** Before the build's first statement. */
  before: RenderedHook[];
  /** Once the new relation is in place, inside the build's guard. */
  afterSwap: RenderedHook[];
  /** After the build is final (`transaction: false` post-hooks). */
  after: RenderedHook[];
}

export const NO_HOOKS: HookPlan = { before: [], afterSwap: [], after: [] };

export function planHooks(project: Project, node: ExecutableNode, ctx: CompileContext): HookPlan {
  if (!node.config.pre_hook.length && !node.config.post_hook.length) return NO_HOOKS;
  const rendered = (phase: HookPhase) => {
    const hooks = phase === 'pre-hook' ? node.config.pre_hook : node.config.post_hook;
    return renderHooks(project, node, ctx, phase).map((sql, i) => ({ phase, sql, position: i + 1, of: hooks.length, transaction: hooks[i].transaction }));
  };
  const pre = rendered('pre-hook');
  const post = rendered('post-hook');
  return {
    before: [...pre.filter((h) => !h.transaction), ...pre.filter((h) => h.transaction)],
    afterSwap: post.filter((h) => h.transaction),
    after: post.filter((h) => !h.transaction),
  };
}

/** Runs rendered hooks in order; a failure names the hook (phase, position, first line of SQL) above the engine's message. */
export async function runHooks(log: StatementLog, hooks: readonly RenderedHook[]): Promise<void> {
  for (const hook of hooks) {
    // dbt skips a hook that renders to nothing (e.g. one wrapped in {% if target.name == 'prod' %}).
    if (!hook.sql.trim()) continue;
    try {
      await log.execute(hook.sql);
    } catch (error) {
      throw hookFailure(error, `${hook.phase} ${hook.position} of ${hook.of} failed: ${firstLine(hook.sql)}`);
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
