import type { Row } from '../engine.ts';

/** A field of a query result schema as the REST API returns it. */
export interface ResultField {
  name: string;
  type: string;
  mode?: string;
  fields?: ResultField[];
}

/** One row in BigQuery's REST wire format: `{f: [{v: ...}]}`, every scalar a string. */
export interface WireRow {
  f: { v: unknown }[];
}

/**
 * Converts REST rows to the plain values documented on `Row`, the same shapes the DuckDB engine
 * returns, so the runner and `sim reconcile` compare like with like: INT64 and NUMERIC as numbers,
 * TIMESTAMP as 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (the wire carries int64 microseconds because
 * results are requested with formatOptions.useInt64Timestamp), DATE as 'YYYY-MM-DD', nested
 * values as JSON text.
 */
export function convertRows(schema: { fields?: ResultField[] } | undefined, rows: readonly WireRow[]): Row[] {
  const fields = schema?.fields ?? [];
  return rows.map((row) => {
    const out: Row = {};
    fields.forEach((field, i) => {
      out[field.name] = convertValue(field, row.f[i]?.v ?? null);
    });
    return out;
  });
}

function convertValue(field: ResultField, value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (field.mode === 'REPEATED' || field.type === 'RECORD' || field.type === 'STRUCT') return JSON.stringify(plain(field, value));
  const text = String(value);
  switch (field.type) {
    case 'INTEGER':
    case 'INT64':
    case 'FLOAT':
    case 'FLOAT64':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return Number(text);
    case 'BOOLEAN':
    case 'BOOL':
      return text.toLowerCase() === 'true';
    case 'TIMESTAMP':
      return isoFromMicros(timestampMicros(text));
    default:
      // STRING, DATE ('YYYY-MM-DD'), DATETIME, TIME, JSON, BYTES (base64), GEOGRAPHY (WKT)
      return text;
  }
}

/** Nested values (ARRAY, STRUCT) as plain JSON, recursively. */
function plain(field: ResultField, value: unknown): unknown {
  if (field.mode === 'REPEATED') {
    return (value as { v: unknown }[]).map((item) => plain({ ...field, mode: 'NULLABLE' }, item.v));
  }
  if (field.type === 'RECORD' || field.type === 'STRUCT') {
    const cells = (value as WireRow).f;
    return Object.fromEntries((field.fields ?? []).map((sub, i) => [sub.name, plain(sub, cells[i]?.v ?? null)]));
  }
  return value === null ? null : convertValue(field, value);
}

/** int64 microseconds, or the older float-seconds form ('1706956200.5') some endpoints still send. */
function timestampMicros(text: string): bigint {
  if (/^-?\d+$/.test(text)) return BigInt(text);
  if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text)) return BigInt(Math.round(Number(text) * 1e6));
  return BigInt(Date.parse(text)) * 1000n;
}

/** 'YYYY-MM-DDTHH:MM:SS.ffffffZ' for microseconds since the epoch (UTC). */
export function isoFromMicros(micros: bigint): string {
  const ms = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  const rest = Number(micros - ms * 1000n);
  const iso = new Date(Number(ms)).toISOString(); // ...SS.mmmZ
  return `${iso.slice(0, 23)}${String(rest).padStart(3, '0')}Z`;
}
