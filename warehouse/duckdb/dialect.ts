import type { Dialect } from '../dialect.ts';
import { duckdbType, quoteIdent, sqlString } from './types.ts';

/** DuckDB's SQL as the rest of the code needs to know it (see warehouse/dialect.ts). */
export const duckdbDialect: Dialect = {
  name: 'duckdb',
  supports: {
    merge: true, // MERGE INTO since DuckDB 1.4
    enums: true,
    transactionalDdl: true,
    createOrReplaceTable: true,
    partitioning: false,
    insertOverwrite: false,
  },
  quoteIdentifier: quoteIdent,
  relation: (schema, name) => `${quoteIdent(schema)}.${quoteIdent(name)}`,
  physicalType: (type, options) => duckdbType(type, options),
  stringLiteral: sqlString,
};
