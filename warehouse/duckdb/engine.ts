import fs from 'node:fs';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBAppender } from '@duckdb/node-api';
import { InputError } from '../../contract/errors.ts';
import type { TableContract } from '../../contract/types.ts';
import { DEFAULT_THREADS, EngineError, type ColumnInfo, type Engine, type ExecuteResult, type KeyTestCheck, type LandingWriter, type RelationInfo, type Row } from '../engine.ts';
import { duckdbDialect } from './dialect.ts';
import { proveKeyTest } from './key-tests.ts';
import { DuckDBLandingWriter, LOADING_PREFIX } from './landing.ts';
import { sqlString } from './types.ts';
import { plainValueConverter } from './values.ts';

/**
 * The embedded DuckDB warehouse: a file (default `./warehouse.duckdb`) or `:memory:`. Each
 * engine object is one connection whose statements run one at a time in call order (DuckDB
 * connections are not re-entrant; callers that fan out still get a consistent order).
 * `session(n)` gives thread n of a build its own connection to the same database, as
 * dbt-duckdb gives each thread a cursor, so nodes on different threads run at the same time.
 */
export class DuckDBEngine implements Engine {
  readonly dialect = duckdbDialect;
  private queue: Promise<unknown> = Promise.resolve();
  private loadCapped = false;
  private closed = false;
  /** The connection, once made (a session connects on its first statement). */
  private connection?: DuckDBConnection;
  /** Sessions 2..n of this engine (session 1 is the engine itself). */
  private readonly sessions = new Map<number, DuckDBEngine>();

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    connection: DuckDBConnection | undefined,
    /** The cap models and tests run under (file warehouses); undefined = DuckDB's default. */
    private readonly memoryLimit?: string,
    /** The engine a session belongs to (it owns the instance and the landing), and the session's number. */
    private readonly owner?: DuckDBEngine,
    private readonly sessionIndex = 1,
  ) {
    this.connection = connection;
  }

  static async open(file: string): Promise<DuckDBEngine> {
    let instance: DuckDBInstance;
    const memoryLimit = file === ':memory:' ? undefined : warehouseMemoryLimit();
    const disabledCompression = file === ':memory:' ? '' : warehouseDisabledCompression();
    try {
      instance = await DuckDBInstance.create(file, memoryLimit ? { memory_limit: memoryLimit } : undefined);
    } catch (error) {
      throw openError(file, error);
    }
    const connection = await instance.connect();
    // a global setting (every session sees it); DuckDB ignores it as an instance option
    if (disabledCompression) await connection.run(`SET GLOBAL disabled_compression_methods = '${disabledCompression}'`);
    return new DuckDBEngine(file, instance, connection, memoryLimit);
  }

  execute(sql: string): Promise<ExecuteResult> {
    return this.serial(sql, async (connection) => {
      const result = await connection.run(sql);
      return { rowsAffected: result.rowsChanged };
    });
  }

  query(sql: string): Promise<Row[]> {
    return this.serial(sql, async (connection) => {
      const reader = await connection.runAndReadAll(sql);
      return reader.convertRowObjects(plainValueConverter) as Row[];
    });
  }

  /**
   * One thread when the database holds a table of more than LARGE_TABLE_ROWS rows, else
   * DEFAULT_THREADS. Measured on the 2-core machine: at the large scale (21 M order lines) four
   * sessions took the build from 70-73 to 86 s and its peak RSS from 3.3 to 3.7 GiB (concurrent
   * joins and windows spill under the shared memory cap, and each query already uses every
   * core); at the medium scale (1.2 M lines) four were 8% faster than one.
   */
  async defaultThreads(): Promise<number> {
    const [row] = await this.query('SELECT coalesce(max(estimated_size), 0) AS n FROM duckdb_tables() WHERE database_name = current_database()');
    return Number(row.n) > LARGE_TABLE_ROWS ? 1 : DEFAULT_THREADS;
  }

  /**
   * Thread `index` (from 1) of a build: its own connection to this database, made on its first
   * statement and closed with the engine. Settings made with SET apply per connection (like a
   * dbt-duckdb cursor's); the memory cap is the database's, shared by every session.
   */
  session(index: number): Engine {
    const owner = this.owner ?? this;
    if (index <= 1) return owner;
    let session = owner.sessions.get(index);
    if (!session) {
      session = new DuckDBEngine(owner.path, owner.instance, undefined, owner.memoryLimit, owner, index);
      owner.sessions.set(index, session);
    }
    return session;
  }

  /** Integer keys: one bit per key value instead of dbt's GROUP BY or join (see key-tests.ts). */
  proveKeyTest(check: KeyTestCheck): Promise<string[] | undefined> {
    return proveKeyTest((sql) => this.query(sql), check);
  }

  async ensureSchema(schema: string): Promise<void> {
    await this.execute(`CREATE SCHEMA IF NOT EXISTS ${this.dialect.quoteIdentifier(schema)}`);
  }

  openLanding(schema: string, tables: readonly TableContract[]): Promise<LandingWriter> {
    if (this.owner) return this.owner.openLanding(schema, tables);
    return DuckDBLandingWriter.open(
      {
        execute: (sql) => this.execute(sql),
        query: (sql) => this.query(sql),
        createAppender: (s, t) => this.serial(`appender ${s}.${t}`, (connection) => connection.createAppender(t, s)) as Promise<DuckDBAppender>,
        checkpoint: async () => {
          if (this.path !== ':memory:') await this.execute('CHECKPOINT');
        },
        // Landed blocks are written to the file as the load goes; without a cap DuckDB keeps
        // them cached too (its default limit is 80% of RAM), and RSS grows with the scale. A
        // file warehouse can evict them, so the load runs under a small cap; models keep the default.
        beginLoad: async () => {
          if (this.path === ':memory:') return;
          this.loadCapped = true;
          await this.execute(`SET memory_limit = '${LANDING_MEMORY_LIMIT}'`);
        },
        endLoad: async () => {
          if (!this.loadCapped) return;
          this.loadCapped = false;
          // back to the warehouse's cap (or DuckDB's default of 80% of RAM)
          await this.execute(this.memoryLimit ? `SET memory_limit = ${sqlString(this.memoryLimit)}` : 'RESET memory_limit');
        },
      },
      schema,
      tables,
    );
  }

  async listRelations(schema?: string): Promise<RelationInfo[]> {
    const where = schema === undefined ? '' : `AND schema_name = ${sqlString(schema)}`;
    const rows = await this.query(`
      SELECT schema_name AS schema, table_name AS name, 'table' AS kind FROM duckdb_tables()
        WHERE database_name = current_database() AND NOT starts_with(table_name, '${LOADING_PREFIX}') ${where}
      UNION ALL
      SELECT schema_name, view_name, 'view' FROM duckdb_views()
        WHERE database_name = current_database() AND NOT internal ${where}
      ORDER BY 1, 2`);
    return rows.map((r) => ({ schema: String(r.schema), name: String(r.name), kind: r.kind === 'view' ? 'view' : 'table' }));
  }

  async listColumns(schema: string, name: string): Promise<ColumnInfo[]> {
    const rows = await this.query(`
      SELECT column_name AS name, data_type AS type FROM duckdb_columns()
      WHERE database_name = current_database() AND schema_name = ${sqlString(schema)} AND table_name = ${sqlString(name)}
      ORDER BY column_index`);
    return rows.map((r) => ({ name: String(r.name), dataType: String(r.type) }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.owner) {
      // a session closes its connection; the database stays open for the others
      this.closed = true;
      this.owner.sessions.delete(this.sessionIndex);
      await this.queue.catch(() => undefined);
      this.connection?.closeSync();
      return;
    }
    for (const session of [...this.sessions.values()]) await session.close();
    this.closed = true;
    await this.queue.catch(() => undefined);
    this.connection?.closeSync();
    this.instance.closeSync();
  }

  /** Runs `work` on this connection after everything queued before it; DuckDB errors become EngineErrors. */
  private serial<T>(sql: string, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.closed || this.owner?.closed) throw new EngineError('the DuckDB warehouse is closed', sql);
      try {
        this.connection ??= await this.instance.connect();
        return await work(this.connection);
      } catch (error) {
        throw engineError(error, sql);
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Rows of the largest table above which a DuckDB build runs one node at a time by default (see defaultThreads). */
export const LARGE_TABLE_ROWS = 5_000_000;

/** DuckDB's memory cap while a landing loads into a file warehouse. */
export const LANDING_MEMORY_LIMIT = '512MB';

/**
 * String compression a file warehouse skips: dictionary, FSST and their combination, in the
 * landing and in every model. DuckDB analyses each string segment for all three before writing
 * it, and that analysis was the costliest part of writing strings:
 * - the landing's customers (names, emails) cost the loading thread more than orders and order
 *   lines together (medium scale: 0.44 CPU s for 250 k rows with every method, 0.27 s without);
 * - at the large scale, the build's models with strings wrote about a third faster (dim_customers
 *   6.4 -> 4.5 s) and the whole build took 107 instead of 121 CPU s.
 * The file is larger for it (the landing 859 instead of 677 MiB at the large scale); integers,
 * timestamps and ENUMs still compress (bitpacking, RLE, ALP). The whole warehouse at the large
 * scale is 4.7 instead of 3.2 GB. SIM_DUCKDB_STRING_COMPRESSION=on trades the speed back for size.
 */
export const DISABLED_STRING_COMPRESSION = 'dict_fsst,dictionary,fsst';

/** The compression methods a file warehouse disables: DISABLED_STRING_COMPRESSION, or none with SIM_DUCKDB_STRING_COMPRESSION=on. */
export function warehouseDisabledCompression(env: Record<string, string | undefined> = process.env): string {
  const value = env.SIM_DUCKDB_STRING_COMPRESSION?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'off') return DISABLED_STRING_COMPRESSION;
  if (value === 'on') return '';
  throw new InputError(`SIM_DUCKDB_STRING_COMPRESSION=${env.SIM_DUCKDB_STRING_COMPRESSION}: expected 'on' (DuckDB compresses strings: a smaller file, a slower landing and build) or 'off' (the default)`);
}

/**
 * The memory cap of a file warehouse. DuckDB's default (80% of RAM) let a large build reach
 * 5-7 GiB of RSS; with a file to spill to, a 2.5 GB cap kept the same build under 4 GiB at the
 * same CPU time (measured at the large scale). SIM_DUCKDB_MEMORY_LIMIT overrides it, in DuckDB's
 * syntax ('8GB'), or 'default' for DuckDB's own.
 */
export function warehouseMemoryLimit(env: Record<string, string | undefined> = process.env): string | undefined {
  const value = env.SIM_DUCKDB_MEMORY_LIMIT?.trim();
  if (value === undefined || value === '') return '2.5GB';
  if (value.toLowerCase() === 'default') return undefined;
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value)) {
    throw new InputError(`SIM_DUCKDB_MEMORY_LIMIT=${value}: expected a size such as 2.5GB or 8GiB, or 'default' for DuckDB's own limit (80% of RAM)`);
  }
  return value;
}

/** Opens (creating if needed) a DuckDB warehouse file, or an in-memory one for ':memory:'. */
export function openDuckDB(file = './warehouse.duckdb'): Promise<DuckDBEngine> {
  return DuckDBEngine.open(file);
}

/**
 * Conflicts between transactions are worth a retry (the pipeline backs off and runs the node
 * again); everything else (syntax, binder, constraint, I/O) fails the same way again.
 */
function engineError(error: unknown, sql: string): EngineError {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const transient = /Transaction ?Context Error|write-write conflict|Conflict on|Could not set lock/i.test(message);
  return new EngineError(message, sql, transient);
}

/** Turns the errors of opening a file into one line that says what to do. */
function openError(file: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const lock = /Could not set lock on file .*Conflicting lock is held in (.*?)(?: \(PID (\d+)\))?\./s.exec(message);
  if (lock) {
    const holder = lock[2] ? `process ${lock[2]} (${lock[1]})` : lock[1];
    return new EngineError(`warehouse ${file} is locked by ${holder}; close that process (another sim run or a DuckDB shell) and try again`);
  }
  if (/not a valid DuckDB database file|The file is not a valid DuckDB database/i.test(message)) {
    return new InputError(`warehouse ${file} is not a DuckDB database file; pass --warehouse with a new path or an existing .duckdb file`);
  }
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) return new InputError(`warehouse ${file}: directory ${dir} does not exist`);
  return new EngineError(`cannot open warehouse ${file}: ${message.split('\n')[0]}`);
}
