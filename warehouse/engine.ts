import type { LandingBatch } from '../contract/batch.ts';
import type { TableContract } from '../contract/types.ts';
import type { Dialect } from './dialect.ts';

/** A row as returned by `Engine.query`: plain JS values (bigint-free: INT64 as number, NUMERIC as number, TIMESTAMP as ISO string 'YYYY-MM-DDTHH:MM:SS.ffffffZ', DATE as 'YYYY-MM-DD'). */
export type Row = Record<string, string | number | boolean | null>;

export interface RelationInfo {
  schema: string;
  name: string;
  kind: 'table' | 'view';
}

export interface ColumnInfo {
  name: string;
  /** The engine's own type name (e.g. BIGINT, DECIMAL(18,2), INT64). */
  dataType: string;
}

export interface ExecuteResult {
  /** Rows changed by DML, when the engine reports it. */
  rowsAffected?: number;
}

/**
 * Writes one landing run. Tables are filled through `append`, and become visible together
 * on `commit`: until then the previous landing stays intact and readable. `abort` (or a crash)
 * leaves the previous landing as it was.
 */
export interface LandingWriter {
  /** Loads a batch; the writer keeps no reference to its arrays once the promise resolves (they may be reused). */
  append(batch: LandingBatch): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * One warehouse behind a small interface (the Kysely pattern): what differs between engines
 * in SQL lives in `dialect`, what differs in I/O lives behind these methods.
 */
export interface Engine {
  readonly dialect: Dialect;
  /** Runs a statement (DDL or DML). */
  execute(sql: string, options?: StatementOptions): Promise<ExecuteResult>;
  /** Runs a query and returns its rows. */
  query(sql: string, options?: StatementOptions): Promise<Row[]>;
  /** Creates the schema (DuckDB) or dataset (BigQuery) if it does not exist. */
  ensureSchema(schema: string): Promise<void>;
  /** Starts an atomic landing of the given tables into `schema`. */
  openLanding(schema: string, tables: readonly TableContract[]): Promise<LandingWriter>;
  listRelations(schema?: string): Promise<RelationInfo[]>;
  listColumns(schema: string, name: string): Promise<ColumnInfo[]>;
  close(): Promise<void>;
  /**
   * Optional: tells the engine the pipeline's run id once it is known, so that engines with job
   * ids (BigQuery) name every job of the run after it (a retried statement then never runs
   * twice). Engines without jobs leave it out.
   */
  beginRun?(runId: string): void;
  /**
   * Optional: the engine for thread `index` (from 1) of a build, where statements of one
   * connection run one at a time: DuckDB gives each thread its own connection, so nodes on
   * different threads run at the same time. Engines whose statements run concurrently anyway
   * (BigQuery's jobs) leave it out, and every thread uses the engine itself.
   */
  session?(index: number): Engine;
  /**
   * Optional: how many threads a build uses when --threads is not given (the runner's default,
   * DEFAULT_THREADS, otherwise). DuckDB runs fewer on large data: its sessions share one memory
   * cap and the machine's cores.
   */
  defaultThreads?(): Promise<number>;
  /**
   * Optional: proves cheaply that a `unique` or `relationships` data test passes, and returns
   * the statements it ran; undefined means "not proven" and the test's own SQL decides (as it
   * always does on engines without this). A proof never reports a failure, so failure counts
   * and stored failures always come from dbt's query. DuckDB proves integer keys with bitmaps.
   */
  proveKeyTest?(check: KeyTestCheck): Promise<string[] | undefined>;
}

/**
 * The question a key test asks, on SQL the test itself would read: `relation` is the tested
 * relation (a subquery when the test has a `where`), `column` and `field` are the test's
 * column expressions, `to` the parent relation of `relationships`.
 */
export type KeyTestCheck =
  | { test: 'unique'; relation: string; column: string }
  | { test: 'relationships'; relation: string; column: string; to: string; field: string };

/** Threads of a build when neither --threads nor the engine says otherwise (as dbt's profiles often do). */
export const DEFAULT_THREADS = 4;

export interface StatementOptions {
  /** A stable name for the statement (node id), used for job ids and labels where the engine has them. */
  label?: string;
}

/** Raised for engine or network failures (exit code 3), as opposed to bad input (exit code 2). */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly sql?: string,
    readonly transient = false,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
