/**
 * Logical column types of the landing contract. They are BigQuery's type names on purpose:
 * each maps 1:1 to a BigQuery type, and each engine maps it to its own physical type
 * (see `warehouse/<engine>/types.ts`).
 */
export type LogicalType = 'INT64' | 'STRING' | 'NUMERIC' | 'TIMESTAMP' | 'DATE' | 'BOOL' | 'FLOAT64';

export interface ColumnContract {
  name: string;
  type: LogicalType;
  /** false means the generator never emits NULL here in clean data (faults may still do so, see `faultNullable`). */
  nullable: boolean;
  description: string;
  /**
   * A closed set of values for a low-cardinality STRING column. DuckDB stores it as an ENUM
   * (measured: ENUMs load 3x faster than VARCHAR), BigQuery as STRING. The batch carries codes
   * (index into this list), see `ColumnData`.
   */
  enumValues?: readonly string[];
  /** Decimal scale of a NUMERIC column (number of digits after the point). */
  scale?: number;
  /** true when seeded data-quality faults can put NULL into an otherwise non-null column. */
  faultNullable?: boolean;
}

export interface TableContract {
  /** Table name inside the landing schema/dataset. */
  name: string;
  description: string;
  /** Column(s) that identify a row in clean data. */
  primaryKey: readonly string[];
  columns: readonly ColumnContract[];
}
