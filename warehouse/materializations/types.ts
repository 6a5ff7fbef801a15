/**
 * What a materialization needs to know about one node, independent of how the project was
 * loaded: where it goes, the SQL that produces it, and its (already merged) config.
 */

export type Materialized = 'view' | 'table' | 'incremental' | 'ephemeral' | 'seed' | 'snapshot';

export type IncrementalStrategy = 'merge' | 'delete+insert' | 'append' | 'insert_overwrite';
export const INCREMENTAL_STRATEGIES: readonly IncrementalStrategy[] = ['merge', 'delete+insert', 'append', 'insert_overwrite'];

export type OnSchemaChange = 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns';
export const ON_SCHEMA_CHANGE: readonly OnSchemaChange[] = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'];

/** dbt-bigquery's partition_by dict. */
export interface PartitionBy {
  field: string;
  data_type?: 'date' | 'timestamp' | 'datetime' | 'int64';
  granularity?: 'hour' | 'day' | 'month' | 'year';
  range?: { start: number; end: number; interval: number };
}

export interface TableConfig {
  partition_by?: PartitionBy;
  cluster_by?: string[];
}

export interface IncrementalConfig extends TableConfig {
  unique_key?: string[];
  incremental_strategy: IncrementalStrategy;
  on_schema_change: OnSchemaChange;
}

export interface RelationRef {
  schema: string;
  name: string;
}

/**
 * Work that belongs to a build and runs once the new relation is in place under its final name
 * (the node's post-hooks). Where the engine has transactional DDL, a table or view build keeps
 * the previous relation as `<name>__dbt_backup` until this succeeds and puts it back if it
 * fails, so a failed build still changes nothing. Where it cannot (BigQuery's CREATE OR
 * REPLACE, an incremental model's increment once written) the new data stays, as in dbt on
 * BigQuery.
 */
export type AfterSwap = () => Promise<void>;

/** The outcome of building one node. */
export interface MaterializeResult {
  /** Rows in the built relation (table) or written by the increment; undefined for views. */
  rowsAffected?: number;
  /** dbt-like adapter message, e.g. "CREATE TABLE (1234 rows)" or "MERGE 12". */
  message: string;
  /** The statements that ran, in order (for logs and run_results). */
  statements: string[];
}
