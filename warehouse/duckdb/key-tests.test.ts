import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyTestCheck } from '../engine.ts';
import { openDuckDB, type DuckDBEngine } from './index.ts';

let engine: DuckDBEngine;
beforeEach(async () => {
  engine = await openDuckDB(':memory:');
});
afterEach(() => engine.close());

const table = (name: string, rows: string) => engine.execute(`CREATE OR REPLACE TABLE ${name} AS SELECT * FROM (VALUES ${rows}) t(id, parent_id)`);
const unique = (relation: string, column = 'id'): KeyTestCheck => ({ test: 'unique', relation, column });
const relationships = (relation: string, to: string): KeyTestCheck => ({ test: 'relationships', relation, column: 'parent_id', to, field: 'id' });
/** The count dbt's own query gives, to check that a proof agrees with it. */
const duplicates = async (relation: string) => Number((await engine.query(`select count(*) as n from (select id from ${relation} where id is not null group by id having count(*) > 1)`))[0].n);

describe('key-test proofs on DuckDB', () => {
  it('prove a unique integer key with one bit per value, NULLs ignored as dbt ignores them', async () => {
    await table('k', '(1, 1), (2, 1), (5, 2), (NULL, 2), (NULL, 3)');
    const proof = await engine.proveKeyTest(unique('k'));
    expect(proof?.some((sql) => sql.includes('bitstring_agg'))).toBe(true);
    expect(await duplicates('k')).toBe(0);
  });

  it('never prove a key with a duplicate (the test query then counts it), including negative keys', async () => {
    await table('k', '(-3, 1), (7, 1), (-3, 2)');
    expect(await engine.proveKeyTest(unique('k'))).toBeUndefined();
    expect(await duplicates('k')).toBe(1);
    expect(await engine.proveKeyTest(unique('(select * from k where parent_id = 1) dbt_subquery'))).toBeDefined();
  });

  it('leave keys it cannot count in bits to the test query: text, a sparse range, a failing expression', async () => {
    await engine.execute(`CREATE TABLE s AS SELECT * FROM (VALUES ('a'), ('b')) t(id)`);
    expect(await engine.proveKeyTest(unique('s'))).toBeUndefined();
    await table('sparse', '(1, 1), (9000000000000000, 1)');
    expect(await engine.proveKeyTest(unique('sparse'))).toBeUndefined();
    await table('k', '(1, 1)');
    expect(await engine.proveKeyTest(unique('k', 'no_such_column'))).toBeUndefined();
  });

  it('prove an empty or all-NULL key unique without counting bits', async () => {
    await table('k', '(NULL::bigint, 1)');
    expect(await engine.proveKeyTest(unique('k'))).toEqual([expect.stringContaining('typeof(min(id))')]);
  });

  it('prove relationships when every non-NULL child key has a parent, and only then', async () => {
    await table('parent', '(1, NULL), (2, NULL), (4, NULL)');
    await table('child', '(10, 1), (11, 4), (12, NULL), (13, 4)');
    expect(await engine.proveKeyTest(relationships('child', 'parent'))).toBeDefined();
    // an orphan inside the parent's range, and one beyond it
    await table('child', '(10, 1), (11, 3)');
    expect(await engine.proveKeyTest(relationships('child', 'parent'))).toBeUndefined();
    await table('child', '(10, 1), (11, 99)');
    expect(await engine.proveKeyTest(relationships('child', 'parent'))).toBeUndefined();
    // the test's where (here: no orphans among the rows it keeps) is the relation the proof reads
    expect(await engine.proveKeyTest(relationships('(select * from child where parent_id < 5) dbt_subquery', 'parent'))).toBeDefined();
  });

  it('leave relationships to an empty parent, or of mixed key types, to the test query', async () => {
    await engine.execute('CREATE TABLE parent (id BIGINT)');
    await table('child', '(10, 1)');
    expect(await engine.proveKeyTest(relationships('child', 'parent'))).toBeUndefined();
    await engine.execute(`CREATE OR REPLACE TABLE parent AS SELECT * FROM (VALUES ('1')) t(id)`);
    expect(await engine.proveKeyTest(relationships('child', 'parent'))).toBeUndefined();
  });
});
