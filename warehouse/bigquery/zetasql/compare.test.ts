import { describe, expect, it } from 'vitest';
import { canonicalTimestamp, compareResults } from './compare.ts';
import { encodeNumericUnits, encodeTimestampMicros, type RowProto } from './values.ts';

const columns = [
  { name: 'id', typeKind: 'TYPE_INT64' },
  { name: 'amount', typeKind: 'TYPE_NUMERIC' },
  { name: 'ratio', typeKind: 'TYPE_DOUBLE' },
  { name: 'at', typeKind: 'TYPE_TIMESTAMP' },
  { name: 'day', typeKind: 'TYPE_DATE' },
  { name: 'label', typeKind: 'TYPE_STRING' },
];

function bqRow(id: number, cents: bigint, ratio: number, iso: string | null, day: number, label: string | null): RowProto {
  return {
    cell: [
      { value: 'int64Value', int64Value: String(id) },
      { value: 'numericValue', numericValue: encodeNumericUnits(cents, 2) },
      { value: 'doubleValue', doubleValue: ratio },
      iso === null ? {} : { value: 'timestampValue', ...encodeTimestampMicros(Date.parse(iso) * 1000) },
      { value: 'dateValue', dateValue: day },
      label === null ? {} : { value: 'stringValue', stringValue: label },
    ],
  };
}

const bigquery = { columns, rows: [bqRow(1, 1999n, 0.3333333, '2024-03-01T00:00:00Z', 19783, 'a'), bqRow(2, -550n, 1, null, 19784, null)] };

describe('comparing a model on both engines', () => {
  it('agrees when values match by type: cents, UTC instants, dates, NULLs, any row order', () => {
    const duckdb = [
      { id: 2, amount: -5.5, ratio: 1, at: null, day: '2024-03-02', label: null },
      { id: 1, amount: 19.99, ratio: 0.33333334, at: '2024-03-01 00:00:00+00', day: '2024-03-01', label: 'a' },
    ];
    expect(compareResults('m', bigquery, duckdb).differences).toEqual([]);
  });

  it('reports a difference of a cent, a shifted time, a NULL, a missing row and a missing column', () => {
    const cent = [
      { id: 1, amount: 20.0, ratio: 0.3333333, at: '2024-03-01T00:00:00.000000Z', day: '2024-03-01', label: 'a' },
      { id: 2, amount: -5.5, ratio: 1, at: '2024-03-01T08:00:00.000000Z', day: '2024-03-02', label: '' },
    ];
    const differences = compareResults('m', bigquery, cent).differences.join('\n');
    expect(differences).toMatch(/amount: BigQuery 19.99 vs DuckDB 20/);
    expect(differences).toMatch(/at: BigQuery null vs DuckDB "2024-03-01T08:00:00.000000Z"/);
    expect(differences).toMatch(/label: BigQuery null vs DuckDB ""/);
    expect(compareResults('m', bigquery, cent.slice(0, 1)).differences[0]).toBe('row count: BigQuery 2, DuckDB 1');
    expect(compareResults('m', bigquery, [{ id: 1, amount: 1, ratio: 1, at: null, day: '2024-03-01' }]).differences).toEqual(['columns only in BigQuery\'s result: label']);
  });

  it('reads timestamps in the forms engines print, as UTC', () => {
    expect(canonicalTimestamp('2024-03-01 01:02:03')).toBe('2024-03-01T01:02:03.000000Z');
    expect(canonicalTimestamp('2024-03-01T01:02:03.5Z')).toBe('2024-03-01T01:02:03.500000Z');
    expect(canonicalTimestamp('2024-03-01 02:02:03+01')).toBe('2024-03-01T01:02:03.000000Z');
  });
});
