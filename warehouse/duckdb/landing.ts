import type { DuckDBAppender } from '@duckdb/node-api';
import type { LandingBatch } from '../../contract/batch.ts';
import type { TableContract } from '../../contract/types.ts';
import type { LandingWriter } from '../engine.ts';
import { ChunkWriter } from './chunk-writer.ts';
import { columnType, quoteIdent } from './types.ts';

/**
 * Tables being loaded live next to the landing tables under this prefix until the swap. A run
 * that dies (exception, kill -9, power loss) leaves only such tables behind; the next landing
 * drops them before it starts, and nothing else ever reads them.
 */
export const LOADING_PREFIX = '_loading_';

/** The slice of the engine a landing needs: serialized SQL and appenders on its connection. */
export interface LandingConnection {
  execute(sql: string): Promise<unknown>;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  createAppender(schema: string, table: string): Promise<DuckDBAppender>;
  checkpoint(): Promise<void>;
  /** Called before the first table is created and after commit/abort (memory settings of a load). */
  beginLoad?(): Promise<void>;
  endLoad?(): Promise<void>;
}

/**
 * An atomic landing: every table is loaded into `<schema>._loading_<name>`, and `commit` swaps
 * all of them in with one transaction (DROP old + RENAME new, DuckDB DDL is transactional). Until
 * then, and after any failure, readers see the previous landing unchanged.
 */
export class DuckDBLandingWriter implements LandingWriter {
  private readonly writers = new Map<string, { appender: DuckDBAppender; chunks: ChunkWriter }>();
  private state: 'open' | 'committed' | 'aborted' = 'open';

  private constructor(
    private readonly db: LandingConnection,
    private readonly schema: string,
    private readonly tables: readonly TableContract[],
  ) {}

  static async open(db: LandingConnection, schema: string, tables: readonly TableContract[]): Promise<DuckDBLandingWriter> {
    await db.execute(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await dropLeftovers(db, schema);
    await db.beginLoad?.();
    const writer = new DuckDBLandingWriter(db, schema, tables);
    // No NOT NULL constraints: landing is raw data, and seeded faults put NULLs where clean data has none.
    for (const table of tables) {
      const columns = table.columns.map((c) => `${quoteIdent(c.name)} ${columnType(c)}`);
      await db.execute(`CREATE TABLE ${writer.loadingName(table.name)} (${columns.join(', ')})`);
    }
    return writer;
  }

  async append(batch: LandingBatch): Promise<void> {
    if (this.state !== 'open') throw new Error(`landing already ${this.state}`);
    if (batch.rowCount === 0) return;
    let writer = this.writers.get(batch.table.name);
    if (!writer) {
      const table = this.tables.find((t) => t.name === batch.table.name);
      if (!table) throw new Error(`table ${batch.table.name} is not part of this landing (${this.tables.map((t) => t.name).join(', ')})`);
      const appender = await this.db.createAppender(this.schema, LOADING_PREFIX + table.name);
      writer = { appender, chunks: new ChunkWriter(table, appender) };
      this.writers.set(table.name, writer);
    }
    writer.chunks.append(batch);
  }

  async commit(): Promise<void> {
    if (this.state !== 'open') throw new Error(`landing already ${this.state}`);
    try {
      for (const { appender } of this.writers.values()) appender.closeSync(); // flushes the last rows
      this.writers.clear();
      const swap = this.tables.flatMap((t) => [
        `DROP TABLE IF EXISTS ${quoteIdent(this.schema)}.${quoteIdent(t.name)}`,
        `ALTER TABLE ${this.loadingName(t.name)} RENAME TO ${quoteIdent(t.name)}`,
      ]);
      await this.db.execute(['BEGIN TRANSACTION', ...swap, 'COMMIT'].join(';\n'));
    } catch (error) {
      await this.db.execute('ROLLBACK').catch(() => undefined);
      await this.abort();
      throw error;
    }
    this.state = 'committed';
    // Fold the WAL into the file now, so the next open does not replay a whole landing.
    await this.db.checkpoint();
    await this.db.endLoad?.();
  }

  async abort(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    for (const { appender } of this.writers.values()) {
      try {
        appender.clear();
        appender.closeSync();
      } catch {
        // the table is dropped below; an appender that cannot close has nothing worth keeping
      }
    }
    this.writers.clear();
    await dropLeftovers(this.db, this.schema);
    await this.db.endLoad?.();
  }

  private loadingName(name: string): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(LOADING_PREFIX + name)}`;
  }
}

async function dropLeftovers(db: LandingConnection, schema: string): Promise<void> {
  const rows = await db.query(
    `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = '${schema.replaceAll("'", "''")}' AND starts_with(table_name, '${LOADING_PREFIX}')`,
  );
  for (const row of rows) await db.execute(`DROP TABLE IF EXISTS ${quoteIdent(schema)}.${quoteIdent(String(row.table_name))}`);
}
