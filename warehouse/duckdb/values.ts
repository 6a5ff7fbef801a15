import {
  createDuckDBValueConverter,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  JSDuckDBValueConverter,
  type DuckDBValueConverter,
} from '@duckdb/node-api';
import type { Row } from '../engine.ts';

type Plain = string | number | boolean | null;

/**
 * Converts DuckDB values to the plain values documented on `Row`: no bigints (INT64, HUGEINT and
 * DECIMAL become numbers), timestamps as ISO strings with microseconds and a Z, dates as
 * 'YYYY-MM-DD'. Nested values (lists, structs) become JSON text so a Row stays flat.
 */
const toNumber: DuckDBValueConverter<Plain> = (value) => (typeof value === 'bigint' ? Number(value) : Number(value));

const toTimestamp: DuckDBValueConverter<Plain> = (value) => {
  const micros = (value as DuckDBTimestampValue | DuckDBTimestampTZValue).micros;
  return isoFromMicros(micros);
};

const toDate: DuckDBValueConverter<Plain> = (value) => {
  const date = value as DuckDBDateValue;
  if (!date.isFinite) return date.toString();
  return new Date(date.days * 86_400_000).toISOString().slice(0, 10);
};

const toDecimal: DuckDBValueConverter<Plain> = (value) => (value as DuckDBDecimalValue).toDouble();

const toText: DuckDBValueConverter<Plain> = (value) => String(value);

const toJsonText: DuckDBValueConverter<Plain> = (value, type) =>
  JSON.stringify(JSDuckDBValueConverter(value, type, JSDuckDBValueConverter), (_k, v) => (typeof v === 'bigint' ? Number(v) : v));

const byTypeId: Record<DuckDBTypeId, DuckDBValueConverter<Plain> | undefined> = {} as never;
for (const id of Object.values(DuckDBTypeId)) if (typeof id === 'number') byTypeId[id as DuckDBTypeId] = toText;
Object.assign(byTypeId, {
  [DuckDBTypeId.BOOLEAN]: (v: unknown) => Boolean(v),
  [DuckDBTypeId.TINYINT]: toNumber,
  [DuckDBTypeId.SMALLINT]: toNumber,
  [DuckDBTypeId.INTEGER]: toNumber,
  [DuckDBTypeId.BIGINT]: toNumber,
  [DuckDBTypeId.HUGEINT]: toNumber,
  [DuckDBTypeId.UTINYINT]: toNumber,
  [DuckDBTypeId.USMALLINT]: toNumber,
  [DuckDBTypeId.UINTEGER]: toNumber,
  [DuckDBTypeId.UBIGINT]: toNumber,
  [DuckDBTypeId.UHUGEINT]: toNumber,
  [DuckDBTypeId.FLOAT]: toNumber,
  [DuckDBTypeId.DOUBLE]: toNumber,
  [DuckDBTypeId.DECIMAL]: toDecimal,
  [DuckDBTypeId.TIMESTAMP]: toTimestamp,
  [DuckDBTypeId.TIMESTAMP_TZ]: toTimestamp,
  [DuckDBTypeId.DATE]: toDate,
  [DuckDBTypeId.VARCHAR]: toText,
  [DuckDBTypeId.ENUM]: toText,
  [DuckDBTypeId.SQLNULL]: () => null,
  [DuckDBTypeId.LIST]: toJsonText,
  [DuckDBTypeId.ARRAY]: toJsonText,
  [DuckDBTypeId.STRUCT]: toJsonText,
  [DuckDBTypeId.MAP]: toJsonText,
  [DuckDBTypeId.UNION]: toJsonText,
});

export const plainValueConverter: DuckDBValueConverter<Plain> = createDuckDBValueConverter(byTypeId);

export type { Row };

const MICROS_PER_MS = 1000n;

/** 'YYYY-MM-DDTHH:MM:SS.ffffffZ' for microseconds since the epoch (UTC). */
export function isoFromMicros(micros: bigint): string {
  let ms = micros / MICROS_PER_MS;
  let rest = micros % MICROS_PER_MS;
  if (rest < 0n) {
    rest += MICROS_PER_MS;
    ms -= 1n;
  }
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return micros > 0n ? 'infinity' : '-infinity';
  const iso = date.toISOString(); // ...SS.mmmZ
  return `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}
