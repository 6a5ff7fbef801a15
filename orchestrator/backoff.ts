import { EngineError, type Engine } from '../warehouse/engine.ts';

export interface BackoffPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Delay before the first retry; doubles each time. */
  baseMs: number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (attempt: number, delayMs: number, error: EngineError) => void;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { retries: 3, baseMs: 500 };

/**
 * The engine with statements retried after transient errors (EngineError.transient: a
 * transaction conflict, a rate limit, a dropped connection), waiting 0.5 s, 1 s, 2 s between
 * attempts. Permanent errors (bad SQL, a failed cast) surface at once: retrying them only
 * delays the message. Landing is not retried here: a landing writer is a single atomic unit and
 * the pipeline re-runs it whole.
 */
export function withBackoff(engine: Engine, policy: BackoffPolicy = DEFAULT_BACKOFF): Engine {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retrying = async <T>(work: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof EngineError) || !error.transient || attempt >= policy.retries) throw error;
        const delay = policy.baseMs * 2 ** attempt;
        policy.onRetry?.(attempt + 1, delay, error);
        await sleep(delay);
      }
    }
  };
  const wrapped: Engine = {
    dialect: engine.dialect,
    execute: (sql, options) => retrying(() => engine.execute(sql, options)),
    query: (sql, options) => retrying(() => engine.query(sql, options)),
    ensureSchema: (schema) => retrying(() => engine.ensureSchema(schema)),
    openLanding: (schema, tables) => engine.openLanding(schema, tables),
    listRelations: (schema) => retrying(() => engine.listRelations(schema)),
    listColumns: (schema, name) => retrying(() => engine.listColumns(schema, name)),
    close: () => engine.close(),
  };
  // The optional capabilities pass through: without them a build would run the runner's default
  // threads (not the engine's) on one connection (not a session per thread), and key tests
  // would skip the engine's proofs.
  if (engine.beginRun) wrapped.beginRun = (runId) => engine.beginRun!(runId);
  if (engine.defaultThreads) wrapped.defaultThreads = () => engine.defaultThreads!();
  if (engine.proveKeyTest) wrapped.proveKeyTest = (check) => retrying(() => engine.proveKeyTest!(check));
  if (engine.session) wrapped.session = (index) => withBackoff(engine.session!(index), policy);
  return wrapped;
}
