import type { Row } from '../../engine.ts';
import type { CatalogColumn } from './catalog.ts';
import { decodeValue, type Cell, type RowProto } from './values.ts';

/**
 * Row-for-row comparison of one model's result on the two engines: ZetaSQL's reference evaluator
 * (BigQuery semantics) against DuckDB. Values are compared by the BigQuery type ZetaSQL resolved:
 * numbers to the cent, timestamps as UTC instants to the microsecond, dates as days, the rest
 * exactly. Rows are matched as a multiset unless the model orders its result.
 *
 * Nothing here forgives a semantic difference (day-of-week numbering, integer division, NULL
 * ordering, ...): those must be fixed in the macros or the models, not in this file.
 */

export const CENT = 0.005;

type Normal = string | number | boolean | null;

export interface ComparisonResult {
  model: string;
  rows: { bigquery: number; duckdb: number };
  /** Human-readable differences, at most `limit` of them; empty when the results agree. */
  differences: string[];
}

function isNumericKind(typeKind: string): boolean {
  return ['TYPE_NUMERIC', 'TYPE_BIGNUMERIC', 'TYPE_DOUBLE', 'TYPE_FLOAT'].includes(typeKind);
}

/** 'YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|+00]' -> canonical 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (UTC). */
export function canonicalTimestamp(value: string): string {
  const match = value.match(/^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/);
  if (!match) return value;
  const [, day, time, fraction = '', zone] = match;
  const micros = fraction.padEnd(6, '0').slice(0, 6);
  if (!zone || zone === 'Z' || /^[+-]00(:?00)?$/.test(zone)) return `${day}T${time}.${micros}Z`;
  const ms = Date.parse(`${day}T${time}${zone.length === 3 ? `${zone}:00` : zone}`);
  return `${new Date(ms).toISOString().slice(0, 19)}.${micros}Z`;
}

/** One value in the comparable form for its BigQuery type. */
export function normalize(value: Cell | bigint | Date | undefined, typeKind: string): Normal {
  if (value === null || value === undefined) return null;
  if (isNumericKind(typeKind) || typeKind === 'TYPE_INT64') {
    const n = typeof value === 'number' ? value : Number(value);
    if (typeKind === 'TYPE_INT64') return typeof value === 'string' || typeof value === 'bigint' ? String(value) : String(Math.trunc(n));
    return n;
  }
  if (typeKind === 'TYPE_TIMESTAMP') {
    if (value instanceof Date) return `${value.toISOString().slice(0, 23)}000Z`;
    return canonicalTimestamp(String(value));
  }
  if (typeKind === 'TYPE_DATE') return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
  if (typeKind === 'TYPE_BOOL') return typeof value === 'boolean' ? value : String(value) === 'true' || value === 1;
  return typeof value === 'string' ? value : String(value);
}

function sameValue(a: Normal, b: Normal, typeKind: string): boolean {
  if (a === null || b === null) return a === b;
  if (isNumericKind(typeKind)) return Math.abs((a as number) - (b as number)) <= CENT + 1e-9;
  return a === b;
}

/** A sort key that puts equal rows next to each other on both sides (numbers at cent precision). */
function sortKey(row: Normal[], columns: readonly CatalogColumn[]): string {
  return JSON.stringify(row.map((v, i) => (v !== null && isNumericKind(columns[i].typeKind) ? Math.round((v as number) * 100) : v)));
}

function show(row: Normal[], columns: readonly CatalogColumn[]): string {
  return `{${row.map((v, i) => `${columns[i].name}: ${v === null ? 'NULL' : JSON.stringify(v)}`).join(', ')}}`;
}

export interface CompareOptions {
  /** The model's result has a defined order (a top-level ORDER BY): compare position by position. */
  ordered?: boolean;
  /** Stop after this many differences (default 5). */
  limit?: number;
}

export function compareResults(
  model: string,
  bigquery: { columns: readonly CatalogColumn[]; rows: readonly RowProto[] },
  duckdbRows: readonly Row[],
  options: CompareOptions = {},
): ComparisonResult {
  const limit = options.limit ?? 5;
  const columns = bigquery.columns;
  const differences: string[] = [];
  const result = { model, rows: { bigquery: bigquery.rows.length, duckdb: duckdbRows.length }, differences };

  const duckColumns = duckdbRows.length ? Object.keys(duckdbRows[0]) : [];
  const lower = new Map(duckColumns.map((c) => [c.toLowerCase(), c]));
  const missing = columns.filter((c) => !lower.has(c.name.toLowerCase()));
  if (duckdbRows.length && missing.length) {
    differences.push(`columns only in BigQuery's result: ${missing.map((c) => c.name).join(', ')}`);
  }
  const extra = duckColumns.filter((c) => !columns.some((col) => col.name.toLowerCase() === c.toLowerCase()));
  if (extra.length) differences.push(`columns only in DuckDB's result: ${extra.join(', ')}`);
  if (differences.length) return result;

  const left = bigquery.rows.map((row) => row.cell.map((cell, i) => normalize(decodeValue(cell, columns[i].typeKind), columns[i].typeKind)));
  const right = duckdbRows.map((row) => columns.map((c) => normalize(row[lower.get(c.name.toLowerCase())!] as Cell, c.typeKind)));
  if (left.length !== right.length) differences.push(`row count: BigQuery ${left.length}, DuckDB ${right.length}`);

  const order = (rows: Normal[][]) => (options.ordered ? rows : [...rows].sort((a, b) => (sortKey(a, columns) < sortKey(b, columns) ? -1 : sortKey(a, columns) > sortKey(b, columns) ? 1 : 0)));
  const l = order(left);
  const r = order(right);
  for (let i = 0; i < Math.max(l.length, r.length) && differences.length < limit; i++) {
    const a = l[i];
    const b = r[i];
    if (!a || !b) {
      differences.push(`${a ? 'BigQuery' : 'DuckDB'} has an extra row: ${show((a ?? b)!, columns)}`);
      continue;
    }
    const diff = columns.map((c, k) => (sameValue(a[k], b[k], c.typeKind) ? '' : `${c.name}: BigQuery ${JSON.stringify(a[k])} vs DuckDB ${JSON.stringify(b[k])}`)).filter(Boolean);
    if (diff.length) differences.push(`row ${i + 1}${options.ordered ? '' : ' (sorted)'}: ${diff.join('; ')}`);
  }
  return result;
}
