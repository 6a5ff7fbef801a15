import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_THREADS } from '../engine.ts';
import { LARGE_TABLE_ROWS, openDuckDB, type DuckDBEngine } from './engine.ts';

let engine: DuckDBEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('DuckDB sessions (a connection per build thread)', () => {
  it('session 1 is the engine; other sessions are their own connections to the same database', async () => {
    engine = await openDuckDB(':memory:');
    expect(engine.session(1)).toBe(engine);
    const two = engine.session(2);
    const three = engine.session(3);
    expect(engine.session(2)).toBe(two);
    expect(three).not.toBe(two);
    // a table is the database's: every session sees it
    await two.execute('create table shared as select 42 as answer');
    expect(await three.query('select answer from shared')).toEqual([{ answer: 42 }]);
    expect(await engine.query('select answer from shared')).toEqual([{ answer: 42 }]);
    // a temporary table is the connection's: proof that the sessions are separate connections
    await two.execute('create temp table mine as select 1 as x');
    expect(await two.query('select x from mine')).toEqual([{ x: 1 }]);
    await expect(three.query('select x from mine')).rejects.toThrow(/mine/);
    await expect(engine.query('select x from mine')).rejects.toThrow(/mine/);
  });

  it('closing the engine closes its sessions; a closed session says so', async () => {
    const e = await openDuckDB(':memory:');
    const two = e.session(2);
    await two.execute('select 1');
    await e.close();
    await expect(two.query('select 1')).rejects.toThrow(/closed/);
  });

  it(`runs ${DEFAULT_THREADS} threads by default, one once a table holds more than ${LARGE_TABLE_ROWS.toLocaleString('en-US')} rows`, async () => {
    engine = await openDuckDB(':memory:');
    expect(await engine.defaultThreads()).toBe(DEFAULT_THREADS);
    await engine.execute(`create table small_one as select range as id from range(${LARGE_TABLE_ROWS})`);
    expect(await engine.defaultThreads()).toBe(DEFAULT_THREADS);
    await engine.execute(`create table big_one as select range as id from range(${LARGE_TABLE_ROWS + 1})`);
    expect(await engine.defaultThreads()).toBe(1);
  });
});
