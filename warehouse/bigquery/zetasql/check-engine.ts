import type { TableContract } from '../../../contract/types.ts';
import type { Dialect } from '../../dialect.ts';
import type { ColumnInfo, Engine, ExecuteResult, LandingWriter, RelationInfo, Row } from '../../engine.ts';
import { bigqueryDialect } from '../dialect.ts';
import { ZetaSqlAnalysisError, type AlterAction, type AnalysisResult, type BigQueryAnalyzer } from './analyzer.ts';
import { alterColumns, bigQueryTypeName, type ColumnChange } from './catalog.ts';

const COLUMN_ACTIONS = new Set<AlterAction['action']>(['addColumn', 'dropColumn', 'renameColumn', 'setDataType']);

/** A statement ZetaSQL rejected, with the statement itself (positions are relative to it). */
export class StatementRejectedError extends Error {
  constructor(
    readonly statement: string,
    readonly cause: ZetaSqlAnalysisError,
  ) {
    super(cause.message);
    this.name = 'StatementRejectedError';
  }
}

/**
 * An Engine that "runs" BigQuery statements by analysing them with ZetaSQL, so the model
 * engine's own materializations (warehouse/materializations) can be driven against it and the
 * check sees exactly the statements a real BigQuery run sends: CREATE OR REPLACE TABLE/VIEW ...
 * AS, MERGE, DELETE + INSERT scripts. DDL updates the catalog as BigQuery would (a CTAS adds
 * the table with the columns ZetaSQL resolved, CREATE TABLE with a column list adds those,
 * ALTER TABLE adds, drops, renames or retypes columns or renames the table, DROP removes it;
 * IF NOT EXISTS / IF EXISTS are honoured), so `listRelations` and
 * `listColumns` answer from what earlier statements created. Queries return no rows: nothing
 * is evaluated here (the reference evaluator does that, see evaluate-project.ts).
 */
export class ZetaSqlCheckEngine implements Engine {
  /** Every statement analysed, in order (what a BigQuery run would send). */
  readonly statements: string[] = [];

  /** One node at a time: the catalog follows each statement in run order (a build's default). */
  async defaultThreads(): Promise<number> {
    return 1;
  }

  constructor(
    readonly analyzer: BigQueryAnalyzer,
    readonly dialect: Dialect = bigqueryDialect,
  ) {}

  private async run(sql: string): Promise<AnalysisResult[]> {
    this.statements.push(sql);
    try {
      return await this.analyzer.analyzeScript(sql, (result) => this.apply(result));
    } catch (error) {
      if (error instanceof ZetaSqlAnalysisError) throw new StatementRejectedError(sql, error);
      throw error;
    }
  }

  private apply(result: AnalysisResult): void {
    if (!result.namePath?.length) return;
    const parts = result.namePath.join('.').split('.');
    const [dataset, name] = parts.slice(-2);
    if (!dataset) return;
    const catalog = this.analyzer.catalog;
    switch (result.kind) {
      case 'resolvedCreateTableAsSelectStmtNode':
      case 'resolvedCreateTableStmtNode': // CREATE TABLE t (a INT64, ...): store_failures' query log
      case 'resolvedCreateViewStmtNode':
        // CREATE ... IF NOT EXISTS leaves an existing relation as it is.
        if (result.createMode === 'CREATE_IF_NOT_EXISTS' && catalog.has(dataset, name)) return;
        catalog.add({ dataset, name, columns: result.columns, kind: result.kind === 'resolvedCreateViewStmtNode' ? 'view' : 'table' });
        return;
      case 'resolvedDropStmtNode':
        catalog.remove(dataset, name);
        return;
      case 'resolvedAlterTableStmtNode':
        this.alter(dataset, name, result.alterActions ?? []);
        return;
    }
    // Anything else (DML, queries, ALTER TABLE ... SET OPTIONS) leaves names and columns as they are.
  }

  /**
   * ALTER TABLE as BigQuery applies it: column actions (on_schema_change's ADD/DROP COLUMN, the
   * snapshot's ADD COLUMN) change the columns later statements see; RENAME TO moves the table.
   * `ALTER TABLE IF EXISTS` of a missing table changes nothing.
   */
  private alter(dataset: string, name: string, actions: readonly AlterAction[]): void {
    const catalog = this.analyzer.catalog;
    const relation = catalog.get(dataset, name);
    if (!relation) return;
    let altered = alterColumns(relation, actions.filter((a): a is ColumnChange => COLUMN_ACTIONS.has(a.action)));
    for (const action of actions) {
      // BigQuery renames within the dataset: the last part of the new path is the new table name.
      if (action.action === 'renameTo') altered = { ...altered, name: action.newPath[action.newPath.length - 1] };
    }
    catalog.remove(dataset, name);
    catalog.add(altered);
  }

  async execute(sql: string): Promise<ExecuteResult> {
    await this.run(sql);
    return {};
  }

  async query(sql: string): Promise<Row[]> {
    await this.run(sql);
    return [];
  }

  async ensureSchema(): Promise<void> {}

  async openLanding(_schema: string, _tables: readonly TableContract[]): Promise<LandingWriter> {
    throw new Error('the ZetaSQL check engine does not land data (the catalog holds the landing contract)');
  }

  async listRelations(schema?: string): Promise<RelationInfo[]> {
    return this.analyzer.catalog
      .list()
      .filter((r) => schema === undefined || r.dataset.toLowerCase() === schema.toLowerCase())
      .map((r) => ({ schema: r.dataset, name: r.name, kind: r.kind ?? 'table' }));
  }

  async listColumns(schema: string, name: string): Promise<ColumnInfo[]> {
    const relation = this.analyzer.catalog.get(schema, name);
    return (relation?.columns ?? []).map((c) => ({ name: c.name, dataType: bigQueryTypeName(c.typeKind, c.type) }));
  }

  async close(): Promise<void> {}
}
