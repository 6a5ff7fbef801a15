import type { ColumnContract, LogicalType } from '../../contract/types.ts';

/**
 * The landing contract's logical types as DuckDB column types. Keys stay BIGINT and closed label
 * sets become inline ENUMs (measured: ENUMs load about 3x faster than VARCHAR and keep the models
 * on integer comparisons). Inline `ENUM('a','b')` rather than a named `CREATE TYPE`: a named type
 * would tie the old and the new landing tables to one type and block the atomic swap when the
 * value list changes.
 */
export function duckdbType(type: LogicalType, options: { scale?: number; enumValues?: readonly string[] } = {}): string {
  switch (type) {
    case 'INT64':
      return 'BIGINT';
    case 'NUMERIC':
      // 18 digits fit in an int64, so the loader can copy scaled integers straight into the vector.
      return `DECIMAL(18,${options.scale ?? 2})`;
    case 'TIMESTAMP':
      return 'TIMESTAMP';
    case 'DATE':
      return 'DATE';
    case 'BOOL':
      return 'BOOLEAN';
    case 'FLOAT64':
      return 'DOUBLE';
    case 'STRING':
      return options.enumValues ? `ENUM(${options.enumValues.map(sqlString).join(', ')})` : 'VARCHAR';
  }
}

/** The DDL type of one landing column. */
export function columnType(col: ColumnContract): string {
  return duckdbType(col.type, { scale: col.scale, enumValues: col.enumValues });
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
