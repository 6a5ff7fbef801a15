import { catalogColumn, type BigQueryCatalog, type CatalogColumn, type ColumnChange, type TypeProto } from './catalog.ts';
import { bigQueryAnalyzerOptions } from './language.ts';
import type { ZetaSqlServer } from './server.ts';

/** Where and why ZetaSQL rejected a statement. `line`/`column` are 1-based, in the analysed SQL text. */
export class ZetaSqlAnalysisError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number | null,
    readonly column: number | null,
  ) {
    super(line === null ? reason : `${reason} [at ${line}:${column}]`);
    this.name = 'ZetaSqlAnalysisError';
  }
}

/**
 * One action of an ALTER TABLE that changes what later statements can read: the column list
 * or the table's name. Every other action (SET OPTIONS, SET DEFAULT, DROP NOT NULL, ...) is
 * `other`: ZetaSQL has proven it valid, and it leaves names and types as they were.
 */
export type AlterAction =
  | ColumnChange
  | { action: 'renameTo'; newPath: string[] }
  | { action: 'other'; kind: string };

export interface AnalysisResult {
  /** The resolved statement's node kind, e.g. resolvedQueryStmtNode, resolvedCreateTableAsSelectStmtNode, resolvedMergeStmtNode. */
  kind: string;
  /** Output columns of a query, CREATE TABLE ... AS SELECT or CREATE VIEW, or the column list of a CREATE TABLE; empty for DML. */
  columns: CatalogColumn[];
  /** The object a DDL statement creates, drops or alters (`['marts', 'fact_orders']`), if any. */
  namePath?: string[];
  /** For CREATE statements: CREATE_DEFAULT, CREATE_OR_REPLACE or CREATE_IF_NOT_EXISTS. */
  createMode?: string;
  /** For ALTER TABLE: its actions, in order (BigQuery applies them in order). */
  alterActions?: AlterAction[];
  /** For a query: its result has a defined order (a top-level ORDER BY). */
  ordered?: boolean;
}

interface GrpcError {
  code?: number;
  details?: string;
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

// The resolved AST arrives as nested oneofs (`node` names the set field) and `parent` chains
// for inherited fields; these two walkers are all we need of it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = any;

function concreteStatement(statement: Node): { kind: string; node: Node } {
  let kind = '';
  let node = statement;
  while (node && typeof node.node === 'string' && node[node.node]) {
    kind = node.node;
    node = node[node.node];
  }
  return { kind, node };
}

/** A field declared on the node or on one of its ancestors (`parent` chain). */
function inherited(node: Node, field: string): Node {
  for (let n = node; n; n = n.parent) {
    const value = n[field];
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) return value;
  }
  return undefined;
}

interface ColumnDefinition {
  name: string;
  type: TypeProto;
}

function toAlterAction(action: Node): AlterAction {
  const { kind, node } = concreteStatement(action);
  switch (kind) {
    case 'resolvedAddColumnActionNode': {
      const definition: ColumnDefinition = node.columnDefinition;
      return { action: 'addColumn', column: catalogColumn(definition.name, definition.type), ifNotExists: node.isIfNotExists === true };
    }
    case 'resolvedDropColumnActionNode':
      return { action: 'dropColumn', name: node.name };
    case 'resolvedRenameColumnActionNode':
      return { action: 'renameColumn', name: node.name, newName: node.newName };
    case 'resolvedAlterColumnSetDataTypeActionNode':
      return { action: 'setDataType', name: inherited(node, 'column'), type: node.updatedType };
    case 'resolvedRenameToActionNode':
      return { action: 'renameTo', newPath: node.newPath };
    default:
      return { action: 'other', kind };
  }
}

function toResult(resolvedStatement: Node): AnalysisResult {
  const { kind, node } = concreteStatement(resolvedStatement);
  const output = (inherited(node, 'outputColumnList') ?? []).map((c: { name: string; column: { type: TypeProto } }) => catalogColumn(c.name, c.column.type));
  // CREATE TABLE t (a INT64, ...) has no output columns: its columns are the definitions.
  const defined = (inherited(node, 'columnDefinitionList') ?? []).map((c: ColumnDefinition) => catalogColumn(c.name, c.type));
  const columns: CatalogColumn[] = output.length ? output : defined;
  const namePath: string[] | undefined = inherited(node, 'namePath');
  const result: AnalysisResult = { kind, columns, namePath };
  const createMode: string | undefined = inherited(node, 'createMode');
  if (createMode) result.createMode = createMode;
  const actions: Node[] | undefined = inherited(node, 'alterActionList');
  if (actions) result.alterActions = actions.map(toAlterAction);
  if (kind === 'resolvedQueryStmtNode') result.ordered = inherited(concreteStatement(node.query).node, 'isOrdered') === true;
  return result;
}

/** Analyses statements against a catalog with BigQuery's language options. */
export class BigQueryAnalyzer {
  private registered: { id: string; version: number } | undefined;

  constructor(
    private readonly server: ZetaSqlServer,
    readonly catalog: BigQueryCatalog,
  ) {}

  /**
   * Registering a catalog builds BigQuery's builtin functions once (an inline catalog rebuilds
   * them on every call), so register lazily and again only when the catalog has changed.
   */
  private async catalogId(): Promise<string> {
    if (this.registered?.version === this.catalog.version) return this.registered.id;
    if (this.registered) await this.server.call('unregisterCatalog', { registeredId: this.registered.id });
    this.registered = undefined;
    const response = await this.server.call<{ registeredId: string }>('registerCatalog', { simpleCatalog: this.catalog.toProto() });
    this.registered = { id: response.registeredId, version: this.catalog.version };
    return response.registeredId;
  }

  /** Analyses one statement; throws ZetaSqlAnalysisError with line and column when it is not valid BigQuery. */
  async analyze(sql: string): Promise<AnalysisResult> {
    const registeredCatalogId = await this.catalogId();
    try {
      const response = await this.server.call<{ resolvedStatement: Node }>('analyze', {
        registeredCatalogId,
        sqlStatement: sql,
        options: bigQueryAnalyzerOptions(),
      });
      return toResult(response.resolvedStatement);
    } catch (error) {
      throw toAnalysisError(error);
    }
  }

  /**
   * Analyses a script of `;`-separated statements (e.g. `BEGIN TRANSACTION; DELETE ...; INSERT ...;
   * COMMIT TRANSACTION;`) one statement at a time, so positions stay relative to the whole text.
   * `onStatement` runs after each statement, before the next is analysed (to update the catalog).
   */
  async analyzeScript(sql: string, onStatement?: (result: AnalysisResult) => void): Promise<AnalysisResult[]> {
    const results: AnalysisResult[] = [];
    const input = Buffer.from(sql, 'utf8');
    let bytePosition = 0;
    while (input.subarray(bytePosition).toString('utf8').replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').replace(/[\s;]/g, '') !== '') {
      const registeredCatalogId = await this.catalogId();
      let response: { resolvedStatement: Node; resumeBytePosition: number };
      try {
        response = await this.server.call('analyze', {
          registeredCatalogId,
          parseResumeLocation: { input: sql, bytePosition, allowResume: true },
          options: bigQueryAnalyzerOptions(),
        });
      } catch (error) {
        throw toAnalysisError(error);
      }
      const result = toResult(response.resolvedStatement);
      results.push(result);
      onStatement?.(result);
      if (response.resumeBytePosition <= bytePosition) break;
      bytePosition = response.resumeBytePosition;
    }
    return results;
  }

  async close(): Promise<void> {
    if (this.registered) await this.server.call('unregisterCatalog', { registeredId: this.registered.id }).catch(() => undefined);
    this.registered = undefined;
  }
}
