import type { KeyTestCheck, Row } from '../engine.ts';

/**
 * Cheap proofs that a `unique` or `relationships` test on an integer key finds nothing, with
 * one bit per possible key value instead of a hash table per key.
 *
 * dbt's `unique` is a GROUP BY over every key and `relationships` a join of every child key
 * against every parent key; on 21 M order lines each took 1.2-2.6 s, a third of the build's
 * test time. Surrogate keys are integers from a dense range, so DuckDB's `bitstring_agg`
 * (one bit per value between a min and a max) answers both questions far more cheaply: a key
 * column is unique when it sets as many bits as it has non-NULL values, and every child key has
 * a parent when the child's bits AND NOT the parent's bits are all zero. Measured at 21 M lines:
 * `unique` 2.0 s -> 0.3 s, `relationships` 1.7 s -> 0.6 s.
 *
 * A proof only ever says "passes". When it cannot tell (not an integer column, a sparse range,
 * an empty parent) or the bits show a problem, the caller runs the test's own SQL, which counts
 * the failing rows exactly as dbt does; so failure counts, messages and stored failures are
 * unchanged, and only passing tests take the short way.
 */

/** Runs one query; the DuckDB engine's `query`. */
type Query = (sql: string) => Promise<Row[]>;

/** The statements a proof ran, for the node's trace; undefined when nothing was proven. */
export type KeyTestProof = string[] | undefined;

/** Key types whose values all fit the BIGINT the bits are counted in. */
const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER']);

/** DuckDB refuses bitstring_agg ranges above 2^31 - 1 values. */
const MAX_BITS = 2n ** 31n - 1n;
/** Always allowed: 2^23 bits are 1 MiB per aggregate state. */
const SMALL_RANGE_BITS = 2n ** 23n;
/** Beyond that, at most this many bits per non-NULL key (the range of dense surrogate keys is about one). */
const BITS_PER_KEY = 8n;

/** Range and count of an integer key column, read in one pass. */
interface KeyStats {
  /** NULL when the column has no non-NULL value. */
  lo: bigint | null;
  hi: bigint | null;
  count: bigint;
}

export async function proveKeyTest(query: Query, check: KeyTestCheck): Promise<KeyTestProof> {
  try {
    return await (check.test === 'unique' ? proveUnique(query, check) : proveRelationships(query, check));
  } catch {
    // not provable this way (e.g. an expression DuckDB cannot aggregate): the test's own SQL
    // runs next and reports any real error with its own statement
    return undefined;
  }
}

async function proveUnique(query: Query, check: Extract<KeyTestCheck, { test: 'unique' }>): Promise<KeyTestProof> {
  const statements: string[] = [];
  const stats = await keyStats(query, statements, check.relation, check.column);
  if (!stats) return undefined;
  if (stats.count === 0n) return statements;
  if (!withinBitBudget(stats.lo!, stats.hi!, stats.count)) return undefined;
  const sql = `select cast(count(${check.column}) - bit_count(bitstring_agg(cast(${check.column} as bigint), ${stats.lo}, ${stats.hi})) as varchar) as duplicates from ${check.relation}`;
  statements.push(sql);
  const [row] = await query(sql);
  return row?.duplicates === '0' ? statements : undefined;
}

async function proveRelationships(query: Query, check: Extract<KeyTestCheck, { test: 'relationships' }>): Promise<KeyTestProof> {
  const statements: string[] = [];
  const child = await keyStats(query, statements, check.relation, check.column);
  if (!child) return undefined;
  if (child.count === 0n) return statements;
  const parent = await keyStats(query, statements, check.to, check.field);
  if (!parent || parent.count === 0n) return undefined;
  const lo = child.lo! < parent.lo! ? child.lo! : parent.lo!;
  const hi = child.hi! > parent.hi! ? child.hi! : parent.hi!;
  if (!withinBitBudget(lo, hi, child.count + parent.count)) return undefined;
  const sql = [
    'select cast(bit_count(child.keys & ~parent.keys) as varchar) as orphans',
    `from (select bitstring_agg(cast(${check.column} as bigint), ${lo}, ${hi}) as keys from ${check.relation}) child,`,
    `    (select bitstring_agg(cast(${check.field} as bigint), ${lo}, ${hi}) as keys from ${check.to}) parent`,
  ].join('\n');
  statements.push(sql);
  const [row] = await query(sql);
  return row?.orphans === '0' ? statements : undefined;
}

/** min, max and count of a column (as text: BIGINT keys beyond 2^53 stay exact); undefined when it is not an integer column. */
async function keyStats(query: Query, statements: string[], relation: string, column: string): Promise<KeyStats | undefined> {
  const sql = `select typeof(min(${column})) as type, cast(min(${column}) as varchar) as lo, cast(max(${column}) as varchar) as hi, cast(count(${column}) as varchar) as n from ${relation}`;
  statements.push(sql);
  const [row] = await query(sql);
  if (!row || !INTEGER_TYPES.has(String(row.type))) return undefined;
  const bound = (v: Row[string]) => (v === null ? null : BigInt(String(v)));
  return { lo: bound(row.lo), hi: bound(row.hi), count: BigInt(String(row.n)) };
}

function withinBitBudget(lo: bigint, hi: bigint, keys: bigint): boolean {
  const bits = hi - lo + 1n;
  const budget = keys * BITS_PER_KEY > SMALL_RANGE_BITS ? keys * BITS_PER_KEY : SMALL_RANGE_BITS;
  return bits <= MAX_BITS && bits <= budget;
}
