import type { ColumnContract, LogicalType, TableContract } from '../../contract/types.ts';

/**
 * The landing contract's logical types are BigQuery's own type names (contract/types.ts), so the
 * mapping is the identity except for the two places BigQuery has no counterpart: ENUM labels are
 * plain STRING, and NUMERIC keeps BigQuery's fixed scale of 9 (a parameterized NUMERIC(18,2) would
 * make every arithmetic result round to the column's scale on write, which DuckDB's DECIMAL(18,2)
 * does too, but ZetaSQL and older tooling reject parameterized types in casts).
 */
export function bigqueryType(type: LogicalType): string {
  return type;
}

/** A field of a BigQuery table schema (REST `TableFieldSchema`). */
export interface BigQueryField {
  name: string;
  type: string;
  mode: 'REQUIRED' | 'NULLABLE';
  description?: string;
}

/**
 * The load-job and table schema of a landing table. Columns that can carry NULLs under seeded
 * faults stay NULLABLE: BigQuery would reject the whole load job on the first NULL in a REQUIRED
 * column, and catching such rows is the staging layer's job, not the loader's.
 */
export function tableSchema(table: TableContract): BigQueryField[] {
  return table.columns.map((col: ColumnContract) => ({
    name: col.name,
    type: bigqueryType(col.type),
    mode: col.nullable || col.faultNullable ? 'NULLABLE' : 'REQUIRED',
    description: col.description.slice(0, 1024),
  }));
}

/** BigQuery quoted identifier: backticks, with backslash escapes inside. */
export function quoteIdent(name: string): string {
  return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
}

/** BigQuery string literal: single quotes with backslash escapes (a doubled quote is not an escape in BigQuery). */
export function sqlString(value: string): string {
  const escaped = value
    .replaceAll('\\', '\\\\')
    .replaceAll("'", "\\'")
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t');
  return `'${escaped}'`;
}

/** Whether two schemas have the same columns, in the same order, with the same types and modes. */
export function sameSchema(a: readonly { name: string; type: string; mode?: string }[], b: readonly { name: string; type: string; mode?: string }[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((f, i) => {
    const g = b[i];
    return f.name === g.name && normalType(f.type) === normalType(g.type) && (f.mode ?? 'NULLABLE') === (g.mode ?? 'NULLABLE');
  });
}

/** The REST API reports legacy names (INTEGER, FLOAT, BOOLEAN) for tables created with standard ones. */
export function normalType(type: string): string {
  const t = type.toUpperCase();
  return ({ INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' } as Record<string, string>)[t] ?? t;
}
