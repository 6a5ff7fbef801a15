import { isUtf8Column, NULL_ENUM_CODE, stringAt, type LandingBatch } from '../../../contract/batch.ts';
import type { TypeKind } from './catalog.ts';

/**
 * ZetaSQL ValueProto <-> JS values, for the reference evaluator.
 *
 * Wire encodings (zetasql/public/value.proto): NUMERIC is the little-endian two's complement of
 * value * 10^9; TIMESTAMP is {seconds, nanos}; DATE is days since 1970-01-01; int64 travels as a
 * decimal string (our stub loads protos with longs: String). SQL NULL is a ValueProto with no
 * field set.
 */

// The oneof of ValueProto as our stub sees it; `value` names the field that is set.
export interface ValueProto {
  value?: string;
  int64Value?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
  stringValue?: string;
  dateValue?: number;
  numericValue?: Buffer;
  bignumericValue?: Buffer;
  timestampValue?: { seconds: string | number; nanos: number };
  [field: string]: unknown;
}

export interface RowProto {
  cell: ValueProto[];
}

const NUMERIC_SCALE = 9n;

/** A NUMERIC given as an integer count of 10^-scale units (e.g. cents with scale 2). */
export function encodeNumericUnits(units: bigint, scale: number): Buffer {
  let v = units * 10n ** (NUMERIC_SCALE - BigInt(scale));
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0xffn);
    out.push(byte);
    v >>= 8n;
    if ((v === 0n && !(byte & 0x80)) || (v === -1n && byte & 0x80)) break;
  }
  return Buffer.from(out);
}

/** NUMERIC bytes -> exact decimal string without trailing zeros ("12.5", "-3", "0.000000001"). */
export function decodeNumeric(bytes: Buffer | Uint8Array): string {
  let v = 0n;
  for (let k = bytes.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[k]);
  if (bytes.length && bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(8 * bytes.length);
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString().padStart(Number(NUMERIC_SCALE) + 1, '0');
  const int = digits.slice(0, -Number(NUMERIC_SCALE));
  const frac = digits.slice(-Number(NUMERIC_SCALE)).replace(/0+$/, '');
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Microseconds since the epoch (UTC) as a ZetaSQL timestamp. */
export function encodeTimestampMicros(micros: number): ValueProto {
  const seconds = Math.floor(micros / 1e6);
  const nanos = Math.round((micros - seconds * 1e6) * 1000);
  return { timestampValue: { seconds: String(seconds), nanos } };
}

/** 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (the Engine.query format) for a ZetaSQL timestamp. */
export function timestampToIso(seconds: string | number, nanos: number): string {
  const s = BigInt(seconds);
  const millis = Number(s) * 1000;
  const base = new Date(millis).toISOString().slice(0, 19);
  const micros = String(Math.floor(nanos / 1000)).padStart(6, '0');
  return `${base}.${micros}Z`;
}

export function dateFromDays(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** One landing batch (contract encodings) as evaluator rows. */
export function batchToRows(batch: LandingBatch): RowProto[] {
  const { table, columns } = batch;
  const encoders = table.columns.map((col, i): ((row: number) => ValueProto) => {
    const data = columns[i];
    if (data instanceof Uint8Array) {
      return (r) => (data[r] === NULL_ENUM_CODE ? {} : { stringValue: col.enumValues![data[r]] });
    }
    if (Array.isArray(data) || isUtf8Column(data)) {
      return (r) => {
        const text = stringAt(data, r);
        return text === null ? {} : { stringValue: text };
      };
    }
    const numbers = data;
    const notNull = (encode: (v: number) => ValueProto) => (r: number) => (Number.isNaN(numbers[r]) ? {} : encode(numbers[r]));
    switch (col.type) {
      case 'INT64':
        return notNull((v) => ({ int64Value: String(v) }));
      case 'NUMERIC':
        return notNull((v) => ({ numericValue: encodeNumericUnits(BigInt(Math.round(v)), col.scale ?? 0) }));
      case 'TIMESTAMP':
        return notNull(encodeTimestampMicros);
      case 'DATE':
        return notNull((v) => ({ dateValue: v }));
      case 'BOOL':
        return notNull((v) => ({ boolValue: v !== 0 }));
      case 'FLOAT64':
        return notNull((v) => ({ doubleValue: v }));
      default:
        throw new Error(`no evaluator encoding for ${col.type} (column ${table.name}.${col.name})`);
    }
  });
  const rows: RowProto[] = new Array(batch.rowCount);
  for (let r = 0; r < batch.rowCount; r++) rows[r] = { cell: encoders.map((encode) => encode(r)) };
  return rows;
}

/** A decoded cell: INT64 and NUMERIC as exact decimal strings, TIMESTAMP/DATE as ISO strings. */
export type Cell = string | number | boolean | null;

/** Decodes one evaluator cell of a column of the given type kind. */
export function decodeValue(v: ValueProto, typeKind: TypeKind): Cell {
  switch (v.value) {
    case undefined:
      return null;
    case 'int64Value':
      return String(v.int64Value);
    case 'numericValue':
      return decodeNumeric(v.numericValue!);
    case 'bignumericValue':
      return decodeBigNumeric(v.bignumericValue!);
    case 'doubleValue':
      return v.doubleValue!;
    case 'boolValue':
      return v.boolValue!;
    case 'stringValue':
      return v.stringValue!;
    case 'dateValue':
      return dateFromDays(v.dateValue!);
    case 'timestampValue':
      return timestampToIso(v.timestampValue!.seconds, v.timestampValue!.nanos);
    default:
      throw new Error(`cannot compare ZetaSQL values of type ${typeKind} (${v.value})`);
  }
}

function decodeBigNumeric(bytes: Buffer | Uint8Array): string {
  // BIGNUMERIC has scale 38; reuse the NUMERIC decoder on a rescaled integer.
  let v = 0n;
  for (let k = bytes.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[k]);
  if (bytes.length && bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(8 * bytes.length);
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString().padStart(39, '0');
  const frac = digits.slice(-38).replace(/0+$/, '');
  return `${negative ? '-' : ''}${digits.slice(0, -38)}${frac ? `.${frac}` : ''}`;
}
