import type { Dialect } from '../dialect.ts';
import { bigqueryType, quoteIdent, sqlString } from './types.ts';

/**
 * How logical schemas (the model engine's 'landing', 'staging', ...) become BigQuery names: a
 * project, and a dataset id per schema (prefix included, see config.ts).
 */
export interface BigQueryNaming {
  projectId?: string;
  datasetId(schema: string): string;
}

const IDENTITY_NAMING: BigQueryNaming = { datasetId: (schema) => schema };

/**
 * BigQuery's SQL as the rest of the code needs to know it (warehouse/dialect.ts). Relations are
 * quoted part by part (`` `project`.`dataset`.`table` ``): BigQuery also accepts the whole path in
 * one pair of backticks, but ZetaSQL's catalog then looks for a single table named with dots.
 */
export function createBigQueryDialect(naming: BigQueryNaming = IDENTITY_NAMING): Dialect {
  return {
    name: 'bigquery',
    supports: {
      merge: true,
      enums: false,
      // DDL is not allowed inside BigQuery multi-statement transactions (only DML and temp tables).
      transactionalDdl: false,
      createOrReplaceTable: true,
      partitioning: true,
      insertOverwrite: true,
    },
    quoteIdentifier: quoteIdent,
    relation(schema, name) {
      const dataset = quoteIdent(naming.datasetId(schema));
      const table = quoteIdent(name);
      return naming.projectId ? `${quoteIdent(naming.projectId)}.${dataset}.${table}` : `${dataset}.${table}`;
    },
    physicalType: (type) => bigqueryType(type),
    stringLiteral: sqlString,
  };
}

/**
 * The dialect with no project and unprefixed datasets: what `sim compile --target bigquery` and
 * the ZetaSQL check use when no BigQuery configuration is at hand. The engine uses a dialect built
 * from its own configuration (`BigQueryEngine.dialect`).
 */
export const bigqueryDialect: Dialect = createBigQueryDialect();
