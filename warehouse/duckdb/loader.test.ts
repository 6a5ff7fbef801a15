import { afterEach, describe, expect, it } from 'vitest';
import { allocateBatch, cellValue, NULL_ENUM_CODE, packUtf8, type LandingBatch } from '../../contract/batch.ts';
import type { Row } from '../engine.ts';
import { openDuckDB, type DuckDBEngine } from './engine.ts';
import { everyType } from './test-helpers/tables.ts';
import { isoFromMicros } from './values.ts';

// 5000 rows span three 2048-row data chunks, so chunk boundaries and validity masks are covered.
const ROWS = 5000;

/** A deterministic batch with every type, edge values and NULLs in every nullable column. */
function everyTypeBatch(): LandingBatch {
  const batch = allocateBatch(everyType, ROWS);
  const [id, big, amount, ts, day, flag, ratio] = batch.columns as Float64Array[];
  const status = batch.columns[7] as Uint8Array;
  const label = batch.columns[8] as (string | null)[];
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const edges = [2 ** 53 - 1, -(2 ** 53 - 1), 0, -1, 4294967296, -4294967297];
  for (let i = 0; i < ROWS; i++) {
    const isNull = i % 7 === 3;
    id[i] = i;
    big[i] = isNull ? NaN : i < edges.length ? edges[i] : next() * (i % 2 ? -1 : 1) * 1000;
    amount[i] = isNull ? NaN : (next() % 2_000_000) - 1_000_000; // cents, negative included
    ts[i] = isNull ? NaN : (next() % 4_000_000) * 1_000_000 * 1000 - 1e15 + (next() % 1_000_000); // 1938..2096, microseconds
    day[i] = isNull ? NaN : (next() % 40000) - 10000;
    flag[i] = isNull ? NaN : next() % 2;
    ratio[i] = isNull ? NaN : next() / 7919 - 2e5;
    status[i] = i % 11 === 5 ? NULL_ENUM_CODE : next() % 3;
    label[i] = i % 13 === 4 ? null : i % 5 === 0 ? `naïve "quote" 'it''s' ${'long text '.repeat(i % 9)}#${i}` : `r${i}`;
  }
  batch.rowCount = ROWS;
  return batch;
}

/** What `Engine.query` must return for a batch cell (see the `Row` contract). */
function expectedRow(batch: LandingBatch, row: number): Row {
  const out: Row = {};
  everyType.columns.forEach((col, c) => {
    const v = cellValue(batch, c, row);
    if (v === null) out[col.name] = null;
    else if (col.type === 'NUMERIC') out[col.name] = (v as number) / 100;
    else if (col.type === 'TIMESTAMP') out[col.name] = isoFromMicros(BigInt(v));
    else if (col.type === 'DATE') out[col.name] = new Date((v as number) * 86_400_000).toISOString().slice(0, 10);
    else if (col.type === 'BOOL') out[col.name] = v === 1;
    else out[col.name] = v;
  });
  return out;
}

let engine: DuckDBEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('DuckDB landing loader', () => {
  it('loads every logical type, NULLs, enums and strings exactly as the batch held them', async () => {
    engine = await openDuckDB(':memory:');
    const batch = everyTypeBatch();
    const writer = await engine.openLanding('landing', [everyType]);
    // two appends of the same table, the second from a sub-range copy, as a simulator emits them
    const firstHalf = { ...batch, rowCount: 3000 };
    await writer.append(firstHalf);
    const rest = allocateBatch(everyType, ROWS - 3000);
    rest.columns = batch.columns.map((col) => (col as Float64Array | Uint8Array | (string | null)[]).slice(3000));
    rest.rowCount = ROWS - 3000;
    await writer.append(rest);
    await writer.commit();

    const rows = await engine.query('SELECT * FROM landing.every_type ORDER BY id');
    expect(rows).toHaveLength(ROWS);
    for (let i = 0; i < ROWS; i++) expect(rows[i], `row ${i}`).toEqual(expectedRow(batch, i));
  });

  it('loads strings packed as UTF-8 like the same strings as JS strings (short, long, non-ASCII, NULL)', async () => {
    engine = await openDuckDB(':memory:');
    const batch = everyTypeBatch();
    const labels = batch.columns[8] as (string | null)[];
    // 12 bytes is the longest inline string; 'ü' is two bytes, so some of these cross that line in bytes only
    for (let i = 0; i < ROWS; i += 17) labels[i] = ['exactly12byt', 'thirteen13byt', 'ünïcödé12', 'ab', '', '€uro and 𝄞 clef'][i % 6];
    const packed = { ...batch, columns: batch.columns.map((col, c) => (c === 8 ? packUtf8(labels) : col)) };
    const writer = await engine.openLanding('landing', [everyType]);
    await writer.append(packed);
    await writer.commit();

    const rows = await engine.query('SELECT * FROM landing.every_type ORDER BY id');
    expect(rows).toHaveLength(ROWS);
    for (let i = 0; i < ROWS; i++) expect(rows[i], `row ${i}`).toEqual(expectedRow(batch, i));
    const [{ bytes }] = await engine.query('SELECT sum(strlen(label))::BIGINT AS bytes FROM landing.every_type');
    expect(bytes).toBe(labels.reduce((sum, l) => sum + (l === null ? 0 : Buffer.byteLength(l)), 0));
  });

  it('does not carry NULLs from one data chunk into the next', async () => {
    engine = await openDuckDB(':memory:');
    const batch = everyTypeBatch();
    // NULLs only in the first 2048-row chunk; the second chunk has none in any column
    for (let i = 2048; i < ROWS; i++) {
      batch.columns.forEach((col, c) => {
        if (col instanceof Float64Array) col[i] = c === 5 ? i % 2 : i;
        else if (col instanceof Uint8Array) col[i] = i % 3;
        else (col as (string | null)[])[i] = `v${i}`;
      });
    }
    const writer = await engine.openLanding('landing', [everyType]);
    await writer.append(batch);
    await writer.commit();
    const [{ nulls }] = await engine.query(
      `SELECT count(*) FILTER (WHERE big IS NULL OR amount IS NULL OR ts IS NULL OR day IS NULL OR flag IS NULL OR ratio IS NULL OR status IS NULL OR label IS NULL) AS nulls FROM landing.every_type WHERE id >= 2048`,
    );
    expect(nulls).toBe(0);
    const rows = await engine.query('SELECT * FROM landing.every_type ORDER BY id');
    for (let i = 0; i < ROWS; i += 97) expect(rows[i], `row ${i}`).toEqual(expectedRow(batch, i));
  });

  it('creates the physical types of the type map (BIGINT keys, DECIMAL(18,2), ENUM labels)', async () => {
    engine = await openDuckDB(':memory:');
    const writer = await engine.openLanding('landing', [everyType]);
    await writer.commit();
    const columns = await engine.listColumns('landing', 'every_type');
    expect(columns.map((c) => `${c.name} ${c.dataType}`)).toEqual([
      'id BIGINT',
      'big BIGINT',
      'amount DECIMAL(18,2)',
      'ts TIMESTAMP',
      'day DATE',
      'flag BOOLEAN',
      'ratio DOUBLE',
      "status ENUM('placed', 'shipped', 'it''s done')",
      'label VARCHAR',
    ]);
    expect(await engine.listRelations('landing')).toEqual([{ schema: 'landing', name: 'every_type', kind: 'table' }]);
  });

  it('rejects a batch whose column arrays do not match the contract', async () => {
    engine = await openDuckDB(':memory:');
    const writer = await engine.openLanding('landing', [everyType]);
    const batch = everyTypeBatch();
    batch.columns[8] = new Float64Array(ROWS);
    await expect(writer.append(batch)).rejects.toThrow(/column label \(STRING\)/);
    await writer.abort();
  });
});
