import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Client } from 'google-auth-library';

/**
 * A small BigQuery REST server on 127.0.0.1 for tests: in-memory datasets, tables (rows kept as
 * the JSON objects that were loaded) and jobs, the multipart upload endpoint, and a log of every
 * request so tests assert what the engine sent. Just enough of BigQuery's behaviour for the
 * engine's contract: 404/409 semantics, DONE jobs with errorResult, dry runs, paged results.
 * Query jobs are answered by `onQuery` (default: the landing swap script, otherwise no rows).
 */

export interface LoggedRequest {
  method: string;
  /** Path without the /bigquery/v2 prefix; uploads keep their /upload prefix. */
  path: string;
  query: Record<string, string>;
  auth?: string;
  body?: any;
  /** For multipart uploads: the NDJSON payload. */
  data?: string;
}

export interface WireField {
  name: string;
  type: string;
  mode?: string;
}

export interface QueryAnswer {
  fields?: WireField[];
  /** Rows as wire strings (or null), in field order. */
  rows?: (string | null)[][];
  error?: { reason: string; message: string };
  bytes?: number;
  affected?: number;
}

interface Injection {
  match: (r: LoggedRequest) => boolean;
  status: number;
  reason: string;
  message: string;
  times: number;
  /** Process the request first, then answer with the error (the response was lost). */
  after?: boolean;
}

interface JobFailure {
  match: (sql: string) => boolean;
  reason: string;
  message: string;
  times: number;
}

export interface FakeTable {
  resource: any;
  rows: Record<string, unknown>[];
}

export class FakeBigQuery {
  readonly requests: LoggedRequest[] = [];
  readonly datasets = new Map<string, any>();
  readonly tables = new Map<string, FakeTable>();
  readonly jobs = new Map<string, { resource: any; answer?: QueryAnswer; polls: number }>();
  onQuery: (sql: string, fake: FakeBigQuery) => QueryAnswer | Promise<QueryAnswer> = (sql) => this.defaultQuery(sql);
  /** GETs of a new job that still say RUNNING (exercises polling). */
  runningPolls = 0;
  /** Caps result pages below the client's maxResults (exercises paging). */
  pageSize?: number;
  private readonly injections: Injection[] = [];
  private readonly jobFailures: JobFailure[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeBigQuery> {
    let fake: FakeBigQuery | undefined;
    const server = http.createServer((req, res) => void fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    fake = new FakeBigQuery(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` requests matching `match` get an HTTP error with BigQuery's error body. */
  fail(match: (r: LoggedRequest) => boolean, error: { status: number; reason: string; message?: string; times?: number }): void {
    this.injections.push({ match, status: error.status, reason: error.reason, message: error.message ?? `injected ${error.reason}`, times: error.times ?? 1 });
  }

  /** The next `times` matching requests are carried out, but answered with an error: a lost response. */
  failAfter(match: (r: LoggedRequest) => boolean, error: { status: number; reason: string; message?: string; times?: number }): void {
    this.injections.push({ match, status: error.status, reason: error.reason, message: error.message ?? `injected ${error.reason}`, times: error.times ?? 1, after: true });
  }

  /** The next `times` query jobs whose SQL matches finish DONE with this errorResult. */
  failJob(match: (sql: string) => boolean, error: { reason: string; message: string; times?: number }): void {
    this.jobFailures.push({ match, reason: error.reason, message: error.message, times: error.times ?? 1 });
  }

  /** Requests of one kind, e.g. ('POST', '/projects/p/jobs'). */
  find(method: string, pathPattern: RegExp): LoggedRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  table(datasetId: string, tableId: string): FakeTable | undefined {
    return this.tables.get(`${datasetId}.${tableId}`);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    const ctype = String(req.headers['content-type'] ?? '');
    const entry: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname.replace(/^\/bigquery\/v2/, ''),
      query: Object.fromEntries(url.searchParams),
      auth: req.headers.authorization,
    };
    if (ctype.startsWith('application/json') && raw.length) entry.body = JSON.parse(raw.toString());
    if (ctype.startsWith('multipart/related')) {
      const parts = parseMultipart(raw, ctype);
      entry.body = JSON.parse(parts[0].toString());
      entry.data = parts[1]?.toString() ?? '';
    }
    this.requests.push(entry);
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const injected = this.injections.find((i) => i.times > 0 && i.match(entry));
    if (injected) injected.times--;
    if (injected && !injected.after) return send(injected.status, apiError(injected.status, injected.reason, injected.message));
    try {
      const [status, body] = await this.route(entry);
      if (injected) return send(injected.status, apiError(injected.status, injected.reason, injected.message));
      send(status, body);
    } catch (error) {
      send(500, apiError(500, 'internalError', String(error)));
    }
  }

  private async route(r: LoggedRequest): Promise<[number, unknown?]> {
    let m: RegExpMatchArray | null;
    const p = r.path;
    if ((m = p.match(/^\/projects\/([^/]+)\/datasets$/))) {
      if (r.method === 'GET') return [200, { kind: 'bigquery#datasetList', datasets: [...this.datasets.values()] }];
      const ref = { projectId: m[1], ...r.body.datasetReference };
      if (this.datasets.has(ref.datasetId)) return conflict(`Dataset ${m[1]}:${ref.datasetId}`);
      const ds = { kind: 'bigquery#dataset', id: `${m[1]}:${ref.datasetId}`, datasetReference: ref, location: r.body.location ?? 'US', labels: r.body.labels };
      this.datasets.set(ref.datasetId, ds);
      return [200, ds];
    }
    if ((m = p.match(/^\/projects\/([^/]+)\/datasets\/([^/]+)$/))) {
      const ds = this.datasets.get(m[2]);
      if (!ds) return notFound(`Dataset ${m[1]}:${m[2]}`);
      return [200, ds];
    }
    if ((m = p.match(/^\/projects\/([^/]+)\/datasets\/([^/]+)\/tables$/))) {
      if (!this.datasets.has(m[2])) return notFound(`Dataset ${m[1]}:${m[2]}`);
      if (r.method === 'GET') {
        const tables = [...this.tables.values()].filter((t) => t.resource.tableReference.datasetId === m![2]).map((t) => ({ tableReference: t.resource.tableReference, type: t.resource.type }));
        return [200, { kind: 'bigquery#tableList', tables, totalItems: tables.length }];
      }
      const ref = r.body.tableReference;
      const key = `${m[2]}.${ref.tableId}`;
      if (this.tables.has(key)) return conflict(`Table ${m[1]}:${key}`);
      const t = { resource: { kind: 'bigquery#table', id: `${m[1]}:${key}`, type: r.body.view ? 'VIEW' : 'TABLE', ...r.body }, rows: [] };
      this.tables.set(key, t);
      return [200, t.resource];
    }
    if ((m = p.match(/^\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/))) {
      const key = `${m[2]}.${m[3]}`;
      const t = this.tables.get(key);
      if (!t) return notFound(`Table ${m[1]}:${key}`);
      if (r.method === 'DELETE') {
        this.tables.delete(key);
        return [204];
      }
      return [200, { ...t.resource, numRows: String(t.rows.length) }];
    }
    if ((m = p.match(/^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/))) return this.load(m[1], r);
    if ((m = p.match(/^\/projects\/([^/]+)\/jobs$/)) && r.method === 'POST') return this.insertQuery(m[1], r);
    if ((m = p.match(/^\/projects\/([^/]+)\/jobs\/([^/]+)$/))) {
      const job = this.jobs.get(m[2]);
      if (!job) return notFound(`Job ${m[1]}:${m[2]}`);
      if (job.polls > 0) {
        job.polls--;
        return [200, { ...job.resource, status: { state: 'RUNNING' } }];
      }
      return [200, job.resource];
    }
    if ((m = p.match(/^\/projects\/([^/]+)\/queries\/([^/]+)$/))) {
      const job = this.jobs.get(m[2]);
      if (!job) return notFound(`Job ${m[1]}:${m[2]}`);
      if (job.resource.status.errorResult) return [400, apiError(400, job.resource.status.errorResult.reason, job.resource.status.errorResult.message)];
      const answer = job.answer ?? {};
      const all = answer.rows ?? [];
      const start = Number(r.query.pageToken ?? 0);
      const size = Math.min(this.pageSize ?? Infinity, Number(r.query.maxResults ?? all.length) || all.length) || 1;
      const page = all.slice(start, start + size);
      return [200, {
        kind: 'bigquery#getQueryResultsResponse',
        jobReference: job.resource.jobReference,
        jobComplete: true,
        schema: { fields: answer.fields ?? [] },
        totalRows: String(all.length),
        rows: page.map((row) => ({ f: row.map((v) => ({ v })) })),
        ...(start + size < all.length ? { pageToken: String(start + size) } : {}),
      }];
    }
    return notFound(`${r.method} ${p}`);
  }

  private async insertQuery(projectId: string, r: LoggedRequest): Promise<[number, unknown?]> {
    const ref = { projectId, location: 'US', ...r.body.jobReference };
    const sql: string = r.body.configuration?.query?.query ?? '';
    if (r.body.configuration?.dryRun) {
      const answer = await this.onQuery(sql, this);
      if (answer.error) return [400, apiError(400, answer.error.reason, answer.error.message)];
      return [200, { kind: 'bigquery#job', jobReference: ref, configuration: r.body.configuration, status: { state: 'DONE' }, statistics: { totalBytesProcessed: String(answer.bytes ?? 0), query: { totalBytesProcessed: String(answer.bytes ?? 0) } } }];
    }
    if (this.jobs.has(ref.jobId)) return conflict(`Job ${projectId}:${ref.jobId}`);
    const failure = this.jobFailures.find((f) => f.times > 0 && f.match(sql));
    let answer: QueryAnswer | undefined;
    let status: any = { state: 'DONE' };
    if (failure) {
      failure.times--;
      status = { state: 'DONE', errorResult: { reason: failure.reason, message: failure.message }, errors: [{ reason: failure.reason, message: failure.message }] };
    } else {
      answer = await this.onQuery(sql, this);
      if (answer.error) status = { state: 'DONE', errorResult: answer.error, errors: [answer.error] };
    }
    const resource = {
      kind: 'bigquery#job',
      id: `${projectId}:${ref.location}.${ref.jobId}`,
      jobReference: ref,
      configuration: r.body.configuration,
      status,
      statistics: { query: { totalBytesProcessed: String(answer?.bytes ?? 0), ...(answer?.affected !== undefined ? { numDmlAffectedRows: String(answer.affected) } : {}) } },
    };
    this.jobs.set(ref.jobId, { resource, answer, polls: this.runningPolls });
    return [200, this.runningPolls > 0 ? { ...resource, status: { state: 'RUNNING' } } : resource];
  }

  private load(projectId: string, r: LoggedRequest): [number, unknown?] {
    const ref = { projectId, location: 'US', ...r.body.jobReference };
    if (this.jobs.has(ref.jobId)) return conflict(`Job ${projectId}:${ref.jobId}`);
    const load = r.body.configuration.load;
    const dest = load.destinationTable;
    const key = `${dest.datasetId}.${dest.tableId}`;
    let status: any = { state: 'DONE' };
    const rows: Record<string, unknown>[] = [];
    const fields: WireField[] = load.schema?.fields ?? [];
    for (const [i, line] of (r.data ?? '').split('\n').entries()) {
      if (!line) continue;
      try {
        const row = JSON.parse(line);
        const unknown = Object.keys(row).find((k) => !fields.some((f) => f.name === k));
        const missing = fields.find((f) => f.mode === 'REQUIRED' && (row[f.name] === undefined || row[f.name] === null));
        if (unknown || missing) throw new Error(unknown ? `no such field: ${unknown}` : `missing required field: ${missing!.name}`);
        rows.push(row);
      } catch (error) {
        const e = { reason: 'invalid', message: `Error while reading data, error message: JSON parsing error in row starting at position ${i}: ${(error as Error).message}` };
        status = { state: 'DONE', errorResult: e, errors: [e] };
        break;
      }
    }
    if (!status.errorResult) {
      let table = this.tables.get(key);
      if (!table) {
        table = { resource: { kind: 'bigquery#table', id: `${projectId}:${key}`, type: 'TABLE', tableReference: { projectId, datasetId: dest.datasetId, tableId: dest.tableId }, schema: load.schema }, rows: [] };
        this.tables.set(key, table);
      }
      if (load.writeDisposition === 'WRITE_TRUNCATE') table.rows = rows;
      else table.rows.push(...rows);
    }
    const resource = { kind: 'bigquery#job', jobReference: ref, configuration: r.body.configuration, status, statistics: { load: { outputRows: String(rows.length) } } };
    this.jobs.set(ref.jobId, { resource, polls: this.runningPolls });
    return [200, this.runningPolls > 0 ? { ...resource, status: { state: 'RUNNING' } } : resource];
  }

  /** Understands the landing swap (TRUNCATE + INSERT ... SELECT in one transaction); anything else returns no rows. */
  defaultQuery(sql: string): QueryAnswer {
    if (!sql.startsWith('BEGIN TRANSACTION;')) return { bytes: sql.length * 1000 };
    const next = new Map(this.tables);
    for (const statement of sql.split(';\n')) {
      let m: RegExpMatchArray | null;
      if ((m = statement.match(/^TRUNCATE TABLE (\S+)$/))) {
        const key = refKey(m[1]);
        const t = next.get(key);
        if (!t) return { error: { reason: 'notFound', message: `Not found: Table ${key}` } };
        next.set(key, { ...t, rows: [] });
      } else if ((m = statement.match(/^INSERT INTO (\S+) \((.*)\)\nSELECT (.*) FROM (\S+)$/s))) {
        const [target, source] = [refKey(m[1]), refKey(m[4].replace(/;$/, ''))];
        const t = next.get(target);
        const s = next.get(source);
        if (!t || !s) return { error: { reason: 'notFound', message: `Not found: Table ${t ? source : target}` } };
        const cols = m[2].split(', ').map((c) => c.replaceAll('`', ''));
        next.set(target, { ...t, rows: [...t.rows, ...s.rows.map((row) => Object.fromEntries(cols.filter((c) => row[c] !== undefined).map((c) => [c, row[c]])))] });
      }
    }
    for (const [k, v] of next) this.tables.set(k, v);
    return { bytes: 0 };
  }
}

function refKey(ref: string): string {
  const parts = ref.split('.').map((p) => p.replaceAll('`', ''));
  return parts.slice(-2).join('.');
}

function apiError(code: number, reason: string, message: string) {
  return { error: { code, message, status: code === 404 ? 'NOT_FOUND' : code === 409 ? 'ALREADY_EXISTS' : 'ERROR', errors: [{ reason, message, domain: 'global' }] } };
}

function notFound(what: string): [number, unknown] {
  return [404, apiError(404, 'notFound', `Not found: ${what}`)];
}

function conflict(what: string): [number, unknown] {
  return [409, apiError(409, 'duplicate', `Already Exists: ${what}`)];
}

function parseMultipart(buf: Buffer, ctype: string): Buffer[] {
  const boundary = '--' + /boundary="?([^";]+)"?/.exec(ctype)![1];
  const parts: Buffer[] = [];
  let idx = buf.indexOf(boundary);
  while (idx !== -1) {
    const start = idx + boundary.length;
    if (buf.subarray(start, start + 2).toString() === '--') break;
    const next = buf.indexOf(boundary, start);
    const part = buf.subarray(start + 2, next - 2);
    const sep = part.indexOf('\r\n\r\n');
    parts.push(part.subarray(sep + 4));
    idx = next;
  }
  return parts;
}

/** An OAuth2 client holding a far-future fake token: no refresh, no metadata server, no network. */
export function fakeAuthClient(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: 'fake-token', expiry_date: Date.now() + 10 * 365 * 24 * 3600e3 });
  return client;
}
