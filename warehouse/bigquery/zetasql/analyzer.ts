import type { BigQueryCatalog, CatalogColumn, SimpleCatalogProto } from './catalog.ts';
import { bigQueryAnalyzerOptions } from './language.ts';
import type { ZetaSqlServer } from './server.ts';

/** Where and why ZetaSQL rejected a statement. `line`/`column` are 1-based, in the analysed SQL. */
export class ZetaSqlAnalysisError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
    readonly column: number | null,
  ) {
    super(line === null ? message : `${message} [at ${line}:${column}]`);
    this.name = 'ZetaSqlAnalysisError';
  }
}

export interface AnalysisResult {
  /** The resolved statement's node kind, e.g. resolvedQueryStmtNode, resolvedCreateTableAsSelectStmtNode, resolvedMergeStmtNode. */
  kind: string;
  /** Output columns of a query or CREATE ... AS SELECT; empty for DML. */
  columns: CatalogColumn[];
}

interface GrpcError {
  code?: number;
  details?: string;
  message?: string;
}

/** ZetaSQL's `message [at L:C]` (one-line mode) as a typed error; other gRPC failures pass through. */
export function toAnalysisError(error: unknown): Error {
  const e = error as GrpcError;
  // 3 = INVALID_ARGUMENT: the SQL is wrong. Anything else (UNAVAILABLE, ...) is the service failing.
  if (e?.code !== 3 || typeof e.details !== 'string') return error as Error;
  const first = e.details.split('\n')[0];
  const match = first.match(/^(.*) \[at (\d+):(\d+)\]$/s);
  return match ? new ZetaSqlAnalysisError(match[1], Number(match[2]), Number(match[3])) : new ZetaSqlAnalysisError(first, null, null);
}

/**
 * Walks the oneof chain of an AnyResolvedStatementProto (node -> node -> ...) to the concrete
 * statement, e.g. resolvedCreateStatementNode > resolvedCreateTableStmtBaseNode > resolvedCreateTableAsSelectStmtNode.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function concreteStatement(statement: any): { kind: string; node: any } {
  let kind = '';
  let node = statement;
  while (node && typeof node.node === 'string' && node[node.node]) {
    kind = node.node;
    node = node[node.node];
  }
  return { kind, node };
}

/** Analyses single statements against a catalog with BigQuery's language options. */
export class BigQueryAnalyzer {
  private registered: { id: string; version: number } | undefined;
  private version = 0;

  constructor(
    private readonly server: ZetaSqlServer,
    readonly catalog: BigQueryCatalog,
  ) {}

  /** Call after changing the catalog, so the next analysis sees the change. */
  catalogChanged(): void {
    this.version++;
  }

  /**
   * Registering a catalog builds BigQuery's ~600 builtin functions once; an inline catalog
   * rebuilds them on every call. Register lazily and re-register only when the catalog changed.
   */
  private async catalogId(): Promise<string> {
    if (this.registered?.version === this.version) return this.registered.id;
    if (this.registered) await this.server.call('unregisterCatalog', { registeredId: this.registered.id });
    const proto: SimpleCatalogProto = this.catalog.toProto();
    const response = await this.server.call<{ registeredId: string }>('registerCatalog', { simpleCatalog: proto });
    this.registered = { id: response.registeredId, version: this.version };
    return response.registeredId;
  }

  /** Analyses one statement; throws ZetaSqlAnalysisError with line and column when it is not valid BigQuery. */
  async analyze(sql: string): Promise<AnalysisResult> {
    const registeredCatalogId = await this.catalogId();
    let response: { resolvedStatement?: unknown };
    try {
      response = await this.server.call('analyze', { registeredCatalogId, sqlStatement: sql, options: bigQueryAnalyzerOptions() });
    } catch (error) {
      throw toAnalysisError(error);
    }
    const { kind, node } = concreteStatement(response.resolvedStatement);
    const columns: CatalogColumn[] = (node?.outputColumnList ?? []).map(
      (c: { name: string; column: { type: { typeKind: string } } }) => ({ name: c.name, typeKind: c.column.type.typeKind }),
    );
    return { kind, columns };
  }

  async close(): Promise<void> {
    if (this.registered) await this.server.call('unregisterCatalog', { registeredId: this.registered.id }).catch(() => undefined);
    this.registered = undefined;
  }
}
