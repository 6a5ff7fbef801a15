import { describe, expect, it } from 'vitest';
import { EngineError, type Engine } from '../warehouse/engine.ts';
import { duckdbDialect } from '../warehouse/duckdb/dialect.ts';
import { withBackoff } from './backoff.ts';

function flakyEngine(failures: EngineError[]): Engine & { calls: number } {
  const engine = {
    calls: 0,
    dialect: duckdbDialect,
    async execute() {
      engine.calls++;
      const next = failures.shift();
      if (next) throw next;
      return {};
    },
  } as unknown as Engine & { calls: number };
  return engine;
}

describe('withBackoff', () => {
  it('retries transient engine errors with doubling delays, then succeeds', async () => {
    const delays: number[] = [];
    const engine = flakyEngine([new EngineError('conflict', 'x', true), new EngineError('conflict', 'x', true)]);
    await withBackoff(engine, { retries: 3, baseMs: 100, sleep: async (ms) => void delays.push(ms) }).execute('select 1');
    expect(engine.calls).toBe(3);
    expect(delays).toEqual([100, 200]);
  });

  it('gives up after the last retry and never retries permanent errors', async () => {
    const sleep = async () => undefined;
    const transient = flakyEngine([1, 2, 3].map(() => new EngineError('rate limited', 'x', true)));
    await expect(withBackoff(transient, { retries: 2, baseMs: 1, sleep }).execute('select 1')).rejects.toThrow('rate limited');
    expect(transient.calls).toBe(3);
    const permanent = flakyEngine([new EngineError('Binder Error: column x not found', 'x', false)]);
    await expect(withBackoff(permanent, { retries: 5, baseMs: 1, sleep }).execute('select 1')).rejects.toThrow('Binder Error');
    expect(permanent.calls).toBe(1);
  });

  it("keeps the engine's thread default and its sessions, whose statements are retried too", async () => {
    const sleep = async () => undefined;
    const session = flakyEngine([new EngineError('conflict', 'x', true)]);
    const engine = { ...flakyEngine([]), defaultThreads: async () => 1, session: (index: number) => (index === 2 ? session : engine) } as unknown as Engine;
    const wrapped = withBackoff(engine, { retries: 2, baseMs: 1, sleep });
    expect(await wrapped.defaultThreads?.()).toBe(1);
    await wrapped.session!(2).execute('select 1');
    expect(session.calls).toBe(2);
  });

  it("keeps the engine's key-test proofs", async () => {
    const proof = ['select 1'];
    const engine = { ...flakyEngine([]), proveKeyTest: async () => proof } as unknown as Engine;
    const wrapped = withBackoff(engine, { retries: 2, baseMs: 1, sleep: async () => undefined });
    expect(await wrapped.proveKeyTest?.({ test: 'unique', relation: 't', column: 'id' })).toBe(proof);
  });
});
