import type { LogicalType } from '../contract/types.ts';

/**
 * What one SQL engine needs the rest of the code to know about its SQL, as data and small
 * generators (the Kysely/Malloy pattern): code asks `dialect.supports.merge`, never
 * `engine === 'bigquery'`. The cross-database macros of the model engine (`dbt.dateadd`, ...)
 * live beside each dialect as a table of functions (see `warehouse/macros/`).
 */
export interface Dialect {
  /** dbt's `target.type`: 'duckdb' | 'bigquery'. */
  readonly name: string;
  readonly supports: {
    /** MERGE INTO ... WHEN MATCHED / NOT MATCHED. */
    merge: boolean;
    /** ENUM types for low-cardinality labels. */
    enums: boolean;
    /** DDL inside transactions (atomic swap by rename in one transaction). */
    transactionalDdl: boolean;
    /** CREATE OR REPLACE TABLE ... AS. */
    createOrReplaceTable: boolean;
    /** PARTITION BY / CLUSTER BY table options. */
    partitioning: boolean;
    /** insert_overwrite incremental strategy. */
    insertOverwrite: boolean;
  };
  quoteIdentifier(name: string): string;
  /** A fully qualified relation name, quoted for this engine. */
  relation(schema: string, name: string): string;
  /** The engine's physical type for a landing contract type. */
  physicalType(type: LogicalType, options?: { scale?: number }): string;
  /** A string literal. */
  stringLiteral(value: string): string;
}
