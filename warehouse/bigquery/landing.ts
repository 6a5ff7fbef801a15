import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LandingBatch } from '../../contract/batch.ts';
import type { TableContract } from '../../contract/types.ts';
import { EngineError, type LandingWriter } from '../engine.ts';
import { formatBytes } from './config.ts';
import type { JobRunner } from './jobs.ts';
import { encodeRows, logicalBytes, NdjsonChunker, type NdjsonChunk } from './ndjson.ts';
import { quoteIdent, sameSchema, tableSchema, type BigQueryField } from './types.ts';

/** Prefix of the tables a landing loads into before the swap; hidden from listRelations. */
export const LOADING_PREFIX = '_ecomsim_load_';
/** A crashed run's temporary tables disappear on their own after this. */
const TEMP_TABLE_TTL_MS = 24 * 3600 * 1000;
export const DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024;

export interface LandingContext {
  runner: JobRunner;
  projectId: string;
  datasetId: string;
  runId: string;
  chunkBytes: number;
  /** Where NDJSON files are staged; removed on commit and abort. */
  tmpRoot?: string;
  /** Wall clock for the temporary tables' expiry only (never data). */
  now?: () => number;
}

/**
 * An atomic BigQuery landing. Rows go to NDJSON files, which are loaded as they fill (load jobs,
 * never streaming inserts) into temporary tables `_ecomsim_load_<run>_<table>`, one table chain
 * at a time so the first chunk's WRITE_TRUNCATE always precedes the WRITE_APPENDs. `commit` then
 * swaps all tables in ONE multi-statement transaction (TRUNCATE + INSERT ... SELECT per table), so
 * readers see either the whole previous landing or the whole new one, and a failure at any point
 * before it leaves the previous landing untouched.
 */
export class BigQueryLandingWriter implements LandingWriter {
  private readonly chunkers = new Map<string, NdjsonChunker>();
  /** Per table: the chain of its load jobs, in chunk order. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly rows = new Map<string, number>();
  /** Per table: chunk files handed over and not yet loaded. */
  private readonly pending = new Map<string, number>();
  private failure: unknown;
  private done = false;
  /** Random per landing: load job ids are unique per landing, stable across retries of one upload. */
  private readonly token = randomUUID();

  private constructor(
    private readonly ctx: LandingContext,
    private readonly tables: readonly TableContract[],
    private readonly dir: string,
  ) {}

  static async open(ctx: LandingContext, tables: readonly TableContract[]): Promise<BigQueryLandingWriter> {
    const dir = fs.mkdtempSync(path.join(ctx.tmpRoot ?? os.tmpdir(), 'ecomsim-bq-'));
    const writer = new BigQueryLandingWriter(ctx, tables, dir);
    for (const table of tables) {
      await writer.createTempTable(table);
      writer.chains.set(table.name, Promise.resolve());
      writer.rows.set(table.name, 0);
      writer.chunkers.set(table.name, new NdjsonChunker(table, dir, ctx.chunkBytes, (chunk) => writer.enqueue(chunk)));
    }
    return writer;
  }

  async append(batch: LandingBatch): Promise<void> {
    if (this.done) throw new EngineError('the BigQuery landing is already committed or aborted');
    if (this.failure) throw this.failure;
    const chunker = this.chunkers.get(batch.table.name);
    if (!chunker) throw new EngineError(`table ${batch.table.name} is not part of this landing (${this.tables.map((t) => t.name).join(', ')})`);
    chunker.write(batch);
    this.rows.set(batch.table.name, (this.rows.get(batch.table.name) ?? 0) + batch.rowCount);
    // Back-pressure: generation continues while one chunk per table uploads; a second finished
    // chunk waits for the first, so at most two chunk files per table sit on disk.
    if ((this.pending.get(batch.table.name) ?? 0) > 1) await this.chains.get(batch.table.name);
    if (this.failure) throw this.failure;
  }

  async commit(): Promise<void> {
    if (this.done) throw new EngineError('the BigQuery landing is already committed or aborted');
    try {
      for (const chunker of this.chunkers.values()) chunker.finish();
      await Promise.all(this.chains.values());
      if (this.failure) throw this.failure;
      for (const table of this.tables) await this.ensureFinalTable(table);
      await this.ctx.runner.query(this.swapScript(), { label: 'land', dryRun: false, wantRows: false });
      this.done = true;
      await this.dropTempTables();
    } catch (error) {
      await this.abort();
      throw error;
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await Promise.allSettled(this.chains.values());
    await this.dropTempTables();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The transaction that replaces every landing table at once. */
  swapScript(): string {
    const statements = this.tables.map((table) => {
      const columns = table.columns.map((c) => quoteIdent(c.name)).join(', ');
      const target = this.ref(table.name);
      return `TRUNCATE TABLE ${target};\nINSERT INTO ${target} (${columns})\nSELECT ${columns} FROM ${this.ref(this.tempName(table))};`;
    });
    return ['BEGIN TRANSACTION;', ...statements, 'COMMIT TRANSACTION;'].join('\n');
  }

  /** Row counts appended so far, per table. */
  rowCounts(): Record<string, number> {
    return Object.fromEntries(this.rows);
  }

  private enqueue(chunk: NdjsonChunk): void {
    const table = chunk.table;
    this.pending.set(table.name, (this.pending.get(table.name) ?? 0) + 1);
    const previous = this.chains.get(table.name) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (this.failure || this.done) return;
      try {
        await this.ctx.runner.load(
          {
            label: `land_${table.name}`,
            datasetId: this.ctx.datasetId,
            tableId: this.tempName(table),
            part: `part${chunk.index}`,
            file: chunk.file,
            load: {
              sourceFormat: 'NEWLINE_DELIMITED_JSON',
              schema: { fields: tableSchema(table) },
              writeDisposition: chunk.index === 0 ? 'WRITE_TRUNCATE' : 'WRITE_APPEND',
              createDisposition: 'CREATE_IF_NEEDED',
              ignoreUnknownValues: false,
              maxBadRecords: 0,
            },
          },
          this.token,
        );
      } catch (error) {
        this.failure ??= error;
      } finally {
        fs.rmSync(chunk.file, { force: true });
        this.pending.set(table.name, (this.pending.get(table.name) ?? 1) - 1);
      }
    });
    // A failure is kept in `this.failure` and rethrown by append/commit, never left unhandled.
    next.catch(() => undefined);
    this.chains.set(table.name, next);
  }

  private tempName(table: TableContract): string {
    return `${LOADING_PREFIX}${this.ctx.runId}_${table.name}`.replace(/[^A-Za-z0-9_]/g, '_');
  }

  private ref(tableId: string): string {
    return `${quoteIdent(this.ctx.projectId)}.${quoteIdent(this.ctx.datasetId)}.${quoteIdent(tableId)}`;
  }

  private tablesUri(tableId?: string): string {
    const base = `/datasets/${encodeURIComponent(this.ctx.datasetId)}/tables`;
    return tableId === undefined ? base : `${base}/${encodeURIComponent(tableId)}`;
  }

  /** A fresh, empty, expiring temporary table: a leftover of a crashed run is replaced. */
  private async createTempTable(table: TableContract): Promise<void> {
    const tableId = this.tempName(table);
    await this.deleteTable(tableId);
    const now = this.ctx.now ?? Date.now;
    await this.createTable(tableId, tableSchema(table), {
      description: `ecom-sim landing in progress (run ${this.ctx.runId}); swapped into ${table.name} on commit`,
      expirationTime: String(now() + TEMP_TABLE_TTL_MS),
    });
  }

  /**
   * DDL cannot run inside the swap transaction, so the final table must exist with the contract's
   * schema beforehand. A table whose schema differs (the contract changed) is recreated: the one
   * moment where a landing is not atomic, and only on a contract upgrade.
   */
  private async ensureFinalTable(table: TableContract): Promise<void> {
    const schema = tableSchema(table);
    const existing = await this.getTable(table.name);
    if (existing && sameSchema(existing.schema?.fields ?? [], schema)) return;
    if (existing) await this.deleteTable(table.name);
    await this.createTable(table.name, schema, { description: table.description });
  }

  private async getTable(tableId: string): Promise<{ schema?: { fields?: BigQueryField[] } } | undefined> {
    try {
      return await this.ctx.runner.api(`get table ${tableId}`, { uri: this.tablesUri(tableId) });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async createTable(tableId: string, fields: BigQueryField[], extra: Record<string, unknown>): Promise<void> {
    await this.ctx.runner.api(`create table ${tableId}`, {
      method: 'POST',
      uri: this.tablesUri(),
      json: { tableReference: { projectId: this.ctx.projectId, datasetId: this.ctx.datasetId, tableId }, schema: { fields }, ...extra },
    });
  }

  private async deleteTable(tableId: string): Promise<void> {
    try {
      await this.ctx.runner.api(`delete table ${tableId}`, { method: 'DELETE', uri: this.tablesUri(tableId) });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  private async dropTempTables(): Promise<void> {
    // Best effort: they expire anyway, and a cleanup failure must not mask the real error.
    await Promise.allSettled(this.tables.map((t) => this.deleteTable(this.tempName(t))));
  }
}

/**
 * What `--dry-run` does instead of landing: encodes every row (so the byte count is the real
 * NDJSON size) and reports what would be loaded; nothing is sent. Load jobs are free in BigQuery,
 * so there is nothing to price; the swap's INSERT ... SELECT is priced at commit by its size.
 */
export class DryRunLandingWriter implements LandingWriter {
  private readonly stats = new Map<string, { rows: number; bytes: number; logical: number }>();

  constructor(
    private readonly datasetId: string,
    private readonly report: (line: string) => void,
  ) {}

  async append(batch: LandingBatch): Promise<void> {
    const s = this.stats.get(batch.table.name) ?? { rows: 0, bytes: 0, logical: 0 };
    s.rows += batch.rowCount;
    s.logical += logicalBytes(batch);
    for (let from = 0; from < batch.rowCount; from += 4096) s.bytes += Buffer.byteLength(encodeRows(batch, from, Math.min(batch.rowCount, from + 4096)));
    this.stats.set(batch.table.name, s);
  }

  async commit(): Promise<void> {
    let logical = 0;
    for (const [table, s] of this.stats) {
      logical += s.logical;
      this.report(`dry-run  load ${this.datasetId}.${table}: ${s.rows} rows, ${formatBytes(s.bytes)} NDJSON, ${formatBytes(s.logical)} in BigQuery (load jobs are free)`);
    }
    this.report(`dry-run  landing swap (INSERT ... SELECT of every table) would process about ${formatBytes(logical)}`);
  }

  async abort(): Promise<void> {}
}

export function isNotFound(error: unknown): boolean {
  return (error as { code?: number })?.code === 404;
}
