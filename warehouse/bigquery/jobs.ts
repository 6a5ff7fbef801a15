import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { BigQuery } from '@google-cloud/bigquery';
import { EngineError, type Row } from '../engine.ts';
import { backoffDelay, isTransientError, isTransientReason, type RetryPolicy, type Sleep } from './retry.ts';
import { convertRows, type ResultField, type WireRow } from './values.ts';

/** The parts of a REST Job resource the engine reads. */
export interface JobResource {
  jobReference?: { projectId?: string; jobId?: string; location?: string };
  configuration?: Record<string, unknown>;
  status?: { state?: string; errorResult?: JobErrorProto; errors?: JobErrorProto[] };
  statistics?: {
    totalBytesProcessed?: string;
    query?: { totalBytesProcessed?: string; totalBytesBilled?: string; numDmlAffectedRows?: string; statementType?: string };
    load?: { outputRows?: string };
  };
}

export interface JobErrorProto {
  reason?: string;
  message?: string;
  location?: string;
}

/** A permanent BigQuery failure: the job id to look up in the console, the statement, BigQuery's words. */
export class BigQueryJobError extends EngineError {
  constructor(
    message: string,
    readonly jobId: string,
    readonly reason: string | undefined,
    sql?: string,
  ) {
    super(message, sql, false);
    this.name = 'BigQueryJobError';
  }
}

export interface JobRunnerOptions {
  bigquery: BigQuery;
  projectId: string;
  location: string;
  /** Read at every job: the pipeline may name the run after the engine was opened (Engine.beginRun). */
  runId: () => string;
  labels: Record<string, string>;
  maximumBytesBilled?: string;
  retry: RetryPolicy;
  sleep: Sleep;
}

export interface QueryOutcome {
  jobId: string;
  resource: JobResource;
  rows?: Row[];
  /** Bytes the statement processes (dry run) or processed (real run). */
  bytesProcessed: number;
  rowsAffected?: number;
}

export interface LoadSpec {
  label: string;
  datasetId: string;
  tableId: string;
  /** The `configuration.load` body minus destinationTable. */
  load: Record<string, unknown>;
  file: string;
  /** Distinguishes the chunks of one table within one landing. */
  part: string;
}

const POLL_DELAYS_MS = [250, 500, 1000, 2000, 5000];

/**
 * Runs BigQuery jobs with the properties the pipeline relies on:
 * - every job has a deterministic id, `ecomsim_<run>_<node>_<hash>`, where the hash covers the node,
 *   the statement and how many times this run already issued that same statement. An insert that
 *   times out is retried under the same id, and a 409 "already exists" means the first attempt got
 *   through: the job is fetched and awaited, never run a second time. The same holds across
 *   processes that share a run id (`sim retry`).
 * - a job that itself fails with a transient reason (backendError, rateLimitExceeded, ...) is run
 *   again under `<id>_r<n>`, since its id is spent;
 * - HTTP 429/5xx and network errors are retried with a deterministic exponential backoff;
 * - anything else stops with the job id, the statement and BigQuery's message.
 */
export class JobRunner {
  private readonly occurrences = new Map<string, number>();

  constructor(private readonly options: JobRunnerOptions) {}

  /** The id the next issue of (label, sql) gets; counts it as issued. */
  nextJobId(label: string, sql: string): string {
    const key = `${label}\u0000${sql}`;
    const occurrence = (this.occurrences.get(key) ?? 0) + 1;
    this.occurrences.set(key, occurrence);
    return queryJobId(this.options.runId(), label, sql, occurrence);
  }

  async query(sql: string, options: { label: string; dryRun: boolean; wantRows: boolean }): Promise<QueryOutcome> {
    const baseId = this.nextJobId(options.label, sql);
    const configuration: Record<string, unknown> = {
      query: {
        query: sql,
        useLegacySql: false,
        ...(this.options.maximumBytesBilled ? { maximumBytesBilled: this.options.maximumBytesBilled } : {}),
      },
      labels: this.labelsFor(options.label, options.dryRun ? 'dry_run' : 'query'),
      ...(options.dryRun ? { dryRun: true } : {}),
    };
    if (options.dryRun) {
      // A dry run creates no job: nothing to poll, and nothing a retry could run twice.
      const resource = await this.insert(baseId, configuration, sql, options.label);
      return { jobId: baseId, resource, bytesProcessed: bytesOf(resource) };
    }
    const resource = await this.runToCompletion(baseId, configuration, sql, options.label);
    const jobId = resource.jobReference?.jobId ?? baseId;
    const affected = resource.statistics?.query?.numDmlAffectedRows;
    return {
      jobId,
      resource,
      bytesProcessed: bytesOf(resource),
      rowsAffected: affected === undefined ? undefined : Number(affected),
      rows: options.wantRows ? await this.fetchRows(jobId, resource.jobReference?.location) : undefined,
    };
  }

  /**
   * A load job from a local file through the multipart upload endpoint (the client's own
   * `table.load` cannot carry job labels). The upload is not resumable, so callers keep files
   * small (see ndjson.ts) and a failed upload is sent again whole, under the same job id.
   */
  async load(spec: LoadSpec, idToken: string): Promise<JobResource> {
    const jobId = loadJobId(this.options.runId(), spec, idToken);
    const configuration = {
      load: { ...spec.load, destinationTable: { projectId: this.options.projectId, datasetId: spec.datasetId, tableId: spec.tableId } },
      labels: this.labelsFor(spec.label, 'load'),
    };
    const statement = `LOAD ${spec.datasetId}.${spec.tableId} FROM ${spec.file}`;
    const resource = await this.retrying(statement, async () => {
      try {
        return await this.upload(jobId, configuration, spec.file);
      } catch (error) {
        if ((error as { code?: number }).code === 409) return this.getJob(jobId);
        throw error;
      }
    }, jobId, spec.label);
    const done = await this.waitDone(jobId, resource, statement, spec.label);
    const failure = done.status?.errorResult;
    if (failure) throw jobError(jobId, spec.label, statement, failure, done.status?.errors);
    return done;
  }

  private async runToCompletion(baseId: string, configuration: Record<string, unknown>, sql: string, label: string): Promise<JobResource> {
    for (let attempt = 0; ; attempt++) {
      const jobId = attempt === 0 ? baseId : `${baseId}_r${attempt}`;
      const inserted = await this.insert(jobId, configuration, sql, label);
      const done = await this.waitDone(jobId, inserted, sql, label);
      const failure = done.status?.errorResult;
      if (!failure) return done;
      if (isTransientReason(failure.reason) && attempt + 1 < this.options.retry.attempts) {
        await this.options.sleep(backoffDelay(this.options.retry, attempt));
        continue;
      }
      throw jobError(jobId, label, sql, failure, done.status?.errors);
    }
  }

  /** jobs.insert; a 409 means an earlier attempt with this id got through, so that job is the answer. */
  private insert(jobId: string, configuration: Record<string, unknown>, sql: string, label: string): Promise<JobResource> {
    const body = { configuration, jobReference: { projectId: this.options.projectId, jobId, location: this.options.location } };
    return this.retrying(sql, async () => {
      try {
        return await this.request<JobResource>({ method: 'POST', uri: '/jobs', json: body });
      } catch (error) {
        if ((error as { code?: number }).code === 409 && !(configuration as { dryRun?: boolean }).dryRun) return this.getJob(jobId);
        throw error;
      }
    }, jobId, label);
  }

  /** One REST call (relative to /projects/<project>), with transient failures retried. */
  api<T>(what: string, reqOpts: Record<string, unknown>): Promise<T> {
    return this.retrying(what, () => this.request<T>(reqOpts), '-', what, false);
  }

  private getJob(jobId: string): Promise<JobResource> {
    return this.request<JobResource>({ uri: `/jobs/${encodeURIComponent(jobId)}`, qs: { location: this.options.location } });
  }

  private async waitDone(jobId: string, resource: JobResource, statement: string, label: string): Promise<JobResource> {
    let current = resource;
    for (let poll = 0; current.status?.state !== 'DONE'; poll++) {
      await this.options.sleep(POLL_DELAYS_MS[Math.min(poll, POLL_DELAYS_MS.length - 1)]);
      current = await this.retrying(statement, () => this.getJob(jobId), jobId, label);
    }
    return current;
  }

  private async fetchRows(jobId: string, location = this.options.location): Promise<Row[]> {
    const rows: Row[] = [];
    let pageToken: string | undefined;
    for (let poll = 0; ; ) {
      const page = await this.retrying(`results of ${jobId}`, () =>
        this.request<{ jobComplete?: boolean; schema?: { fields?: ResultField[] }; rows?: WireRow[]; pageToken?: string }>({
          uri: `/queries/${encodeURIComponent(jobId)}`,
          qs: { location, 'formatOptions.useInt64Timestamp': true, maxResults: 10_000, ...(pageToken ? { pageToken } : {}) },
        }), jobId, 'results');
      if (page.jobComplete === false) {
        await this.options.sleep(POLL_DELAYS_MS[Math.min(poll++, POLL_DELAYS_MS.length - 1)]);
        continue;
      }
      rows.push(...convertRows(page.schema, page.rows ?? []));
      pageToken = page.pageToken;
      if (!pageToken) return rows;
    }
  }

  /** Retries transient HTTP/network failures of one request on the policy's schedule. */
  private async retrying<T>(statement: string, work: () => Promise<T>, jobId: string, label: string, wrap = true): Promise<T> {
    const { retry, sleep } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (error instanceof EngineError) throw error;
        if (isTransientError(error) && attempt + 1 < retry.attempts) {
          await sleep(backoffDelay(retry, attempt));
          continue;
        }
        // Callers of `api` decide what a 404 or 409 means, so they get the client's error as is.
        throw wrap ? requestError(error, jobId, label, statement, attempt + 1) : error;
      }
    }
  }

  private labelsFor(node: string, kind: string): Record<string, string> {
    return { ...this.options.labels, run_id: labelValue(this.options.runId()), node: labelValue(node), job_kind: kind };
  }

  private request<T>(reqOpts: Record<string, unknown>): Promise<T> {
    return new Promise((resolve, reject) => {
      this.options.bigquery.request(reqOpts as never, (error: unknown, body: unknown) => (error ? reject(error) : resolve(body as T)));
    });
  }

  private upload(jobId: string, configuration: Record<string, unknown>, file: string): Promise<JobResource> {
    const bq = this.options.bigquery;
    const metadata = { configuration, jobReference: { projectId: this.options.projectId, jobId, location: this.options.location } };
    const reqOpts = {
      method: 'POST',
      uri: `${bq.apiEndpoint}/upload/bigquery/v2/projects/${encodeURIComponent(this.options.projectId)}/jobs`,
      qs: { uploadType: 'multipart' },
      // No client-side retries of a streamed body: `retrying` sends the whole file again instead.
      maxRetries: 0,
      timeout: 0,
      multipart: [
        { 'Content-Type': 'application/json', body: JSON.stringify(metadata) },
        { 'Content-Type': 'application/octet-stream', body: fs.createReadStream(file) },
      ],
    };
    return new Promise((resolve, reject) => {
      bq.makeAuthenticatedRequest(reqOpts as never, ((error: unknown, body: unknown) => (error ? reject(error) : resolve(body as JobResource))) as never);
    });
  }
}

/** `ecomsim_<run>_<node>_<hash>`: stable for a (run, node, statement, occurrence), valid as a BigQuery job id. */
export function queryJobId(runId: string, label: string, sql: string, occurrence: number): string {
  const hash = createHash('sha256').update(`${label}\u0000${sql}\u0000${occurrence}`).digest('hex').slice(0, 16);
  return `ecomsim_${slug(runId, 40)}_${slug(label, 120)}_${hash}`;
}

function loadJobId(runId: string, spec: LoadSpec, token: string): string {
  const hash = createHash('sha256').update(`${spec.datasetId}.${spec.tableId}\u0000${spec.part}\u0000${token}`).digest('hex').slice(0, 16);
  return `ecomsim_${slug(runId, 40)}_${slug(spec.label, 80)}_${slug(spec.part, 20)}_${hash}`;
}

/** Job ids take letters, digits, '_' and '-'. */
export function slug(text: string, max: number): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, max) || 'x';
}

/** Label values take lowercase letters, digits, '_' and '-', at most 63 characters. */
export function labelValue(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').slice(0, 63);
}

function bytesOf(resource: JobResource): number {
  return Number(resource.statistics?.query?.totalBytesProcessed ?? resource.statistics?.totalBytesProcessed ?? 0);
}

function jobError(jobId: string, label: string, sql: string, failure: JobErrorProto, errors: JobErrorProto[] = []): BigQueryJobError {
  // errorResult is the summary; errors[] often holds the precise message ("... at [3:8]").
  const detail = errors.find((e) => e.message && e.message !== failure.message)?.message;
  const message = [failure.message ?? 'unknown error', detail].filter(Boolean).join('; ');
  return new BigQueryJobError(describe(jobId, label, failure.reason, message, sql), jobId, failure.reason, sql);
}

function requestError(error: unknown, jobId: string, label: string, statement: string, attempts: number): BigQueryJobError {
  const e = error as { code?: number | string; errors?: JobErrorProto[]; message?: string };
  const reason = e.errors?.[0]?.reason;
  const message = `${e.message ?? String(error)}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`;
  return new BigQueryJobError(describe(jobId, label, reason ?? (e.code === undefined ? undefined : `HTTP ${e.code}`), message, statement), jobId, reason, statement);
}

/** The error text: job id and BigQuery's message on the first line, then the numbered statement. */
function describe(jobId: string, label: string, reason: string | undefined, message: string, sql: string): string {
  const lines = sql.split('\n');
  const shown = lines.slice(0, 60).map((line, i) => `  ${String(i + 1).padStart(3)} | ${line}`);
  if (lines.length > 60) shown.push(`  ... (${lines.length - 60} more lines)`);
  return `BigQuery job ${jobId} (${label}) failed${reason ? ` [${reason}]` : ''}: ${message}\n${shown.join('\n')}`;
}
