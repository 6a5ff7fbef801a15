import type { ColumnInfo, Engine, Row } from '../../engine.ts';

/**
 * A table's profile: the few aggregates that agree between two warehouses holding the same data,
 * whatever their physical types: row count, sums of numeric columns, distinct counts of key
 * columns, min/max of dates and timestamps. One query per relation per engine, built from the
 * engine's dialect (no engine-specific branches).
 */

export type ColumnClass = 'integer' | 'decimal' | 'float' | 'timestamp' | 'date' | 'string' | 'boolean' | 'other';

export interface Metric {
  /** e.g. 'rows', 'sum(order_total)', 'distinct(order_id)', 'min(order_ts)'. */
  name: string;
  kind: 'count' | 'sum' | 'distinct' | 'min' | 'max';
  column?: string;
  columnClass?: ColumnClass;
}

export interface Profile {
  relation: string;
  /** Metric name -> value, normalised for comparison (numbers as decimal text, timestamps as UTC ISO). */
  values: Record<string, string | null>;
  classes: Record<string, ColumnClass>;
}

/** Classifies an engine's type name (DuckDB's or BigQuery's) for profiling. */
export function classify(dataType: string): ColumnClass {
  const t = dataType.toUpperCase();
  if (/^(BIGINT|INTEGER|INT|INT64|INT8|INT4|INT2|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|UHUGEINT)$/.test(t)) return 'integer';
  if (/^(DECIMAL|NUMERIC|BIGNUMERIC|BIGDECIMAL)\b/.test(t)) return 'decimal';
  if (/^(DOUBLE|FLOAT|FLOAT64|FLOAT4|FLOAT8|REAL)$/.test(t)) return 'float';
  if (/^(TIMESTAMP|DATETIME|TIMESTAMPTZ)/.test(t)) return 'timestamp';
  if (t === 'DATE') return 'date';
  if (/^(VARCHAR|STRING|TEXT|ENUM)/.test(t)) return 'string';
  if (/^(BOOL|BOOLEAN)$/.test(t)) return 'boolean';
  return 'other';
}

/** Key columns get a distinct count: the table's declared keys plus the naming convention *_id / *_key / id. */
export function isKeyColumn(name: string, declaredKeys: readonly string[] = []): boolean {
  return declaredKeys.includes(name) || /(^id$|_id$|_key$)/i.test(name);
}

/** The metrics of a relation, from the reference side's columns. */
export function metricsFor(columns: readonly ColumnInfo[], declaredKeys: readonly string[] = []): Metric[] {
  const metrics: Metric[] = [{ name: 'rows', kind: 'count' }];
  for (const col of columns) {
    const columnClass = classify(col.dataType);
    if (isKeyColumn(col.name, declaredKeys)) metrics.push({ name: `distinct(${col.name})`, kind: 'distinct', column: col.name, columnClass });
    if (columnClass === 'integer' || columnClass === 'decimal' || columnClass === 'float') {
      metrics.push({ name: `sum(${col.name})`, kind: 'sum', column: col.name, columnClass });
    }
    if (columnClass === 'timestamp' || columnClass === 'date') {
      metrics.push({ name: `min(${col.name})`, kind: 'min', column: col.name, columnClass });
      metrics.push({ name: `max(${col.name})`, kind: 'max', column: col.name, columnClass });
    }
  }
  return metrics;
}

/**
 * The profile query in the engine's dialect. Sums travel as text (CAST to the dialect's STRING
 * type) so a NUMERIC sum keeps every digit instead of going through a double.
 */
export function profileSql(engine: Engine, schema: string, name: string, metrics: readonly Metric[]): string {
  const d = engine.dialect;
  const text = d.physicalType('STRING');
  const select = metrics.map((m, i) => {
    const col = m.column === undefined ? '' : d.quoteIdentifier(m.column);
    const expr = {
      count: 'COUNT(*)',
      sum: `CAST(SUM(${col}) AS ${text})`,
      distinct: `COUNT(DISTINCT ${col})`,
      min: `MIN(${col})`,
      max: `MAX(${col})`,
    }[m.kind];
    return `  ${expr} AS ${d.quoteIdentifier(`m${i}`)}`;
  });
  return `SELECT\n${select.join(',\n')}\nFROM ${d.relation(schema, name)}`;
}

export async function profile(engine: Engine, schema: string, name: string, metrics: readonly Metric[]): Promise<Profile> {
  const rows: Row[] = await engine.query(profileSql(engine, schema, name, metrics), { label: `reconcile_${schema}_${name}` });
  const row = rows[0] ?? {};
  const values: Record<string, string | null> = {};
  const classes: Record<string, ColumnClass> = {};
  metrics.forEach((m, i) => {
    values[m.name] = normalise(m, row[`m${i}`] ?? null);
    if (m.columnClass) classes[m.name] = m.columnClass;
  });
  return { relation: `${schema}.${name}`, values, classes };
}

/** One text form per value, so that DuckDB's and BigQuery's answers compare as strings. */
export function normalise(metric: Metric, value: string | number | boolean | null): string | null {
  if (value === null || value === undefined) return null;
  if (metric.kind === 'count' || metric.kind === 'distinct') return String(Number(value));
  if (metric.kind === 'sum') return decimalCanonical(String(value));
  if (metric.columnClass === 'date') return String(value).slice(0, 10);
  return timestampCanonical(String(value));
}

/** '1234.50' -> '1234.5', '-0.0' -> '0', '1e3' -> '1000': one spelling per number. */
export function decimalCanonical(text: string): string {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) {
    // Exponent notation (a float sum): expand when toFixed can, else keep JavaScript's spelling.
    const n = Number(t);
    if (!Number.isFinite(n)) return t;
    const fixed = n.toFixed(20);
    return /e/i.test(fixed) ? String(n) : decimalCanonical(fixed);
  }
  const negative = t.startsWith('-');
  let [int, frac = ''] = t.replace(/^[+-]/, '').split('.');
  int = int.replace(/^0+(?=\d)/, '') || '0';
  frac = frac.replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return negative && body !== '0' ? `-${body}` : body;
}

/**
 * Any of 'YYYY-MM-DDTHH:MM:SS.ffffffZ', 'YYYY-MM-DD HH:MM:SS[.f][+00]', with or without zone
 * (a zone-less value is UTC, as both engines store timestamps) -> 'YYYY-MM-DDTHH:MM:SS.ffffffZ'.
 */
export function timestampCanonical(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  if (!m) return text;
  const [, day, hh = '00', mi = '00', ss = '00', frac = '', zone = 'Z'] = m;
  let micros = BigInt(Date.parse(`${day}T${hh}:${mi}:${ss}Z`)) * 1000n + BigInt((frac + '000000').slice(0, 6));
  const offset = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (offset) micros -= BigInt((offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3] ?? 0)) * 60) * 1_000_000n;
  const ms = micros / 1000n;
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${String(micros % 1_000_000n).padStart(6, '0')}Z`;
}
