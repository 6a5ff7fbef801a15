import { randomUUID } from 'node:crypto';
import { BigQuery } from '@google-cloud/bigquery';
import type { AuthClient } from 'google-auth-library';
import { InputError } from '../../contract/errors.ts';
import type { TableContract } from '../../contract/types.ts';
import type { Dialect } from '../dialect.ts';
import { EngineError, type ColumnInfo, type Engine, type ExecuteResult, type LandingWriter, type RelationInfo, type Row, type StatementOptions } from '../engine.ts';
import { datasetIdOf, formatBytes, type BigQueryConfig } from './config.ts';
import { resolveCredentials } from './credentials.ts';
import { createBigQueryDialect } from './dialect.ts';
import { JobRunner, slug } from './jobs.ts';
import { BigQueryLandingWriter, DEFAULT_CHUNK_BYTES, DryRunLandingWriter, isNotFound, LOADING_PREFIX } from './landing.ts';
import { DEFAULT_RETRY, realSleep, type RetryPolicy, type Sleep } from './retry.ts';
import { normalType } from './types.ts';

export interface BigQueryEngineOptions {
  config: BigQueryConfig;
  /**
   * Names every job of this run (`ecomsim_<runId>_...`), verbatim: it must be unique within the
   * project, or a new run would find an old run's jobs and reuse them instead of running. Pass
   * the `engine.runId` recorded by an earlier process to resume that run (`sim retry`). Default:
   * a timestamp and random suffix of this process.
   */
  runId?: string;
  /** Injected by tests (a fake OAuth2 client); otherwise Application Default Credentials. */
  authClient?: AuthClient;
  /** Tests point the client at a loopback server; never set in production. */
  apiEndpoint?: string;
  retry?: RetryPolicy;
  sleep?: Sleep;
  /** Largest NDJSON file per load job (the upload is not resumable). */
  chunkBytes?: number;
  /** Where --dry-run reports go (one line per statement, a total on close). Default: stdout. */
  report?: (line: string) => void;
  tmpRoot?: string;
}

/** One priced statement of a dry run. */
export interface DryRunEntry {
  label: string;
  jobId: string;
  bytesProcessed: number;
}

/**
 * BigQuery behind the Engine interface: logical schemas ('landing', 'staging', ...) are datasets
 * (prefix + per-layer name, config.ts), landing goes through load jobs (landing.ts), every
 * statement is a query job with a deterministic id, labels and a bytes-billed ceiling (jobs.ts).
 */
export class BigQueryEngine implements Engine {
  readonly dialect: Dialect;
  readonly projectId: string;
  private readonly runner: JobRunner;
  private readonly dryRunLog: DryRunEntry[] = [];
  private readonly report: (line: string) => void;
  private runIdValue: string;
  /** When this engine was opened (UTC, to the second): names jobs, never data. */
  private readonly sessionStamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15).toLowerCase();

  private constructor(
    readonly config: BigQueryConfig & { projectId: string },
    client: BigQuery,
    private readonly options: BigQueryEngineOptions,
  ) {
    this.projectId = config.projectId;
    this.runIdValue = slug(options.runId ?? defaultRunId(), 40);
    this.dialect = createBigQueryDialect({ projectId: config.projectId, datasetId: (schema) => this.datasetId(schema) });
    this.report = options.report ?? ((line) => process.stdout.write(`${line}\n`));
    this.runner = new JobRunner({
      bigquery: client,
      projectId: config.projectId,
      location: config.location,
      runId: () => this.runIdValue,
      labels: config.labels,
      maximumBytesBilled: config.maximumBytesBilled,
      retry: options.retry ?? DEFAULT_RETRY,
      sleep: options.sleep ?? realSleep,
    });
  }

  /**
   * Resolves and proves the credentials, then checks that the project answers, all before the
   * caller generates anything: missing or unusable credentials, an unknown project or missing
   * permissions are one line and exit 2.
   */
  static async open(options: BigQueryEngineOptions): Promise<BigQueryEngine> {
    const { authClient, projectId } = await resolveCredentials({ projectId: options.config.projectId, authClient: options.authClient, keyFile: options.config.keyFile });
    const client = new BigQuery({
      projectId,
      location: options.config.location,
      authClient,
      ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
      // Our own retry schedule (retry.ts) is the only one: deterministic, and job-id aware.
      retryOptions: { autoRetry: false },
    } as ConstructorParameters<typeof BigQuery>[0]);
    const engine = new BigQueryEngine({ ...options.config, projectId }, client, options);
    await engine.checkAccess();
    return engine;
  }

  get runId(): string {
    return this.runIdValue;
  }

  /**
   * Names the jobs that follow after the pipeline's run id (see Engine.beginRun). A pipeline's
   * run ids are local counters ('0001') that repeat across clones and machines, so the engine's
   * session stamp is appended: job ids stay unique in the project, and stable within the run.
   */
  beginRun(runId: string): void {
    this.runIdValue = slug(`${runId}_${this.sessionStamp}`, 40);
  }

  /** The physical dataset id of a logical schema. */
  datasetId(schema: string): string {
    return datasetIdOf(this.config, schema);
  }

  async execute(sql: string, options?: StatementOptions): Promise<ExecuteResult> {
    const outcome = await this.run(sql, options?.label, false);
    return { rowsAffected: outcome?.rowsAffected };
  }

  /** In --dry-run a query is priced, not run, and returns no rows (data tests are not evaluated). */
  async query(sql: string, options?: StatementOptions): Promise<Row[]> {
    const outcome = await this.run(sql, options?.label, true);
    return outcome?.rows ?? [];
  }

  /**
   * Looks before it creates: a least-privilege identity (dataEditor on pre-created datasets, no
   * bigquery.datasets.create on the project) then works as long as the datasets exist.
   */
  async ensureSchema(schema: string): Promise<void> {
    const datasetId = this.datasetId(schema);
    const existing = await this.getDataset(datasetId);
    if (existing) {
      // Jobs run in one location; a dataset elsewhere would fail every statement with "Not found".
      if (existing.location && existing.location.toLowerCase() !== this.config.location.toLowerCase()) {
        throw new InputError(`dataset ${this.projectId}.${datasetId} is in ${existing.location}, not in ${this.config.location}: pass --bq-location ${existing.location}, or a --dataset-prefix for new datasets`);
      }
      return;
    }
    if (this.config.dryRun) {
      this.report(`dry-run  would create dataset ${this.projectId}.${datasetId} in ${this.config.location}`);
      return;
    }
    try {
      await this.runner.api(`create dataset ${datasetId}`, {
        method: 'POST',
        uri: '/datasets',
        json: {
          datasetReference: { projectId: this.projectId, datasetId },
          location: this.config.location,
          labels: this.config.labels,
          description: `ecom-sim ${schema} layer`,
        },
      });
    } catch (error) {
      // 409: created meanwhile by a concurrent run, which is what we wanted.
      if ((error as { code?: number }).code !== 409) throw wrap(error, `create dataset ${datasetId}`);
    }
  }

  async openLanding(schema: string, tables: readonly TableContract[]): Promise<LandingWriter> {
    const datasetId = this.datasetId(schema);
    await this.ensureSchema(schema);
    if (this.config.dryRun) return new DryRunLandingWriter(datasetId, this.report);
    try {
      return await BigQueryLandingWriter.open(
        {
          runner: this.runner,
          projectId: this.projectId,
          datasetId,
          runId: this.runIdValue,
          chunkBytes: this.options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
          tmpRoot: this.options.tmpRoot,
        },
        tables,
      );
    } catch (error) {
      throw wrap(error, `prepare landing in ${datasetId}`);
    }
  }

  async listRelations(schema?: string): Promise<RelationInfo[]> {
    const schemas = schema === undefined ? await this.listSchemas() : [schema];
    const out: RelationInfo[] = [];
    for (const s of schemas) {
      const datasetId = this.datasetId(s);
      let pageToken: string | undefined;
      do {
        let page: { tables?: { tableReference: { tableId: string }; type?: string }[]; nextPageToken?: string };
        try {
          page = await this.runner.api(`list tables of ${datasetId}`, {
            uri: `/datasets/${encodeURIComponent(datasetId)}/tables`,
            qs: { maxResults: 1000, ...(pageToken ? { pageToken } : {}) },
          });
        } catch (error) {
          if (isNotFound(error)) break;
          throw wrap(error, `list tables of ${datasetId}`);
        }
        for (const t of page.tables ?? []) {
          if (t.tableReference.tableId.startsWith(LOADING_PREFIX)) continue;
          out.push({ schema: s, name: t.tableReference.tableId, kind: t.type === 'VIEW' || t.type === 'MATERIALIZED_VIEW' ? 'view' : 'table' });
        }
        pageToken = page.nextPageToken;
      } while (pageToken);
    }
    return out.sort((a, b) => (a.schema + '.' + a.name).localeCompare(b.schema + '.' + b.name));
  }

  async listColumns(schema: string, name: string): Promise<ColumnInfo[]> {
    const datasetId = this.datasetId(schema);
    try {
      const table = await this.runner.api<{ schema?: { fields?: { name: string; type: string; mode?: string }[] } }>(`get table ${datasetId}.${name}`, {
        uri: `/datasets/${encodeURIComponent(datasetId)}/tables/${encodeURIComponent(name)}`,
      });
      return (table.schema?.fields ?? []).map((f) => ({ name: f.name, dataType: f.mode === 'REPEATED' ? `ARRAY<${normalType(f.type)}>` : normalType(f.type) }));
    } catch (error) {
      if (isNotFound(error)) return [];
      throw wrap(error, `get table ${datasetId}.${name}`);
    }
  }

  /**
   * The logical schemas present in the project: datasets carrying this configuration's prefix,
   * mapped back through the per-layer names (a renamed layer answers to its layer name).
   */
  private async listSchemas(): Promise<string[]> {
    const byDataset = new Map(Object.entries(this.config.datasets).map(([layer]) => [this.datasetId(layer), layer]));
    const schemas = new Set<string>();
    let pageToken: string | undefined;
    do {
      let page: { datasets?: { datasetReference: { datasetId: string } }[]; nextPageToken?: string };
      try {
        page = await this.runner.api('list datasets', { uri: '/datasets', qs: { maxResults: 1000, ...(pageToken ? { pageToken } : {}) } });
      } catch (error) {
        throw wrap(error, 'list datasets');
      }
      for (const d of page.datasets ?? []) {
        const id = d.datasetReference.datasetId;
        const layer = byDataset.get(id);
        if (layer) schemas.add(layer);
        else if (id.startsWith(this.config.datasetPrefix)) schemas.add(id.slice(this.config.datasetPrefix.length));
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    return [...schemas].sort();
  }

  /** The statements priced so far in --dry-run. */
  dryRunEntries(): readonly DryRunEntry[] {
    return this.dryRunLog;
  }

  async close(): Promise<void> {
    if (this.config.dryRun && this.dryRunLog.length > 0) {
      const total = this.dryRunLog.reduce((sum, e) => sum + e.bytesProcessed, 0);
      this.report(`dry-run  total: ${this.dryRunLog.length} statements would process ${formatBytes(total)} (${total} bytes)`);
    }
  }

  private async run(sql: string, label = 'statement', wantRows: boolean) {
    const outcome = await this.runner.query(sql, { label, dryRun: this.config.dryRun, wantRows });
    if (this.config.dryRun) {
      this.dryRunLog.push({ label, jobId: outcome.jobId, bytesProcessed: outcome.bytesProcessed });
      this.report(`dry-run  ${label.padEnd(48)} ${formatBytes(outcome.bytesProcessed).padStart(10)}`);
    }
    return outcome;
  }

  private async getDataset(datasetId: string): Promise<{ location?: string } | undefined> {
    try {
      return await this.runner.api(`get dataset ${datasetId}`, { uri: `/datasets/${encodeURIComponent(datasetId)}` });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw wrap(error, `get dataset ${datasetId}`);
    }
  }

  /** One cheap call (list one dataset) that fails early on a wrong project or missing permissions. */
  private async checkAccess(): Promise<void> {
    try {
      await this.runner.api('list datasets', { uri: '/datasets', qs: { maxResults: 1 } });
    } catch (error) {
      const code = (error as { code?: number }).code;
      const message = firstLine(error);
      if (code === 401 || code === 403) {
        throw new InputError(`BigQuery refused access to project ${this.projectId} (${message}): the credentials need roles/bigquery.jobUser and roles/bigquery.dataEditor on it`);
      }
      if (code === 404) throw new InputError(`BigQuery project ${this.projectId} not found: check --bq-project / SIM_BQ_PROJECT`);
      throw wrap(error, 'list datasets');
    }
  }
}

/** A run id when the caller has none: unique, and short enough for job ids and labels. */
function defaultRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15).toLowerCase();
  return `${stamp}_${randomUUID().slice(0, 6)}`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

function wrap(error: unknown, what: string): Error {
  if (error instanceof EngineError || error instanceof InputError) return error;
  return new EngineError(`BigQuery ${what} failed: ${firstLine(error)}`, undefined, false);
}
