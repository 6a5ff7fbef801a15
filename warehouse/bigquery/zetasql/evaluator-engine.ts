import type { LandingBatch } from '../../../contract/batch.ts';
import type { TableContract } from '../../../contract/types.ts';
import type { Dialect } from '../../dialect.ts';
import { EngineError, type ColumnInfo, type Engine, type ExecuteResult, type LandingWriter, type RelationInfo, type Row } from '../../engine.ts';
import { bigqueryDialect } from '../dialect.ts';
import { ZetaSqlAnalysisError } from './analyzer.ts';
import { bigQueryTypeName, relationFromContract } from './catalog.ts';
import { BigQueryEvaluator, type EvaluatedTable } from './evaluator.ts';
import type { ZetaSqlServer } from './server.ts';
import { batchToRows, decodeValue } from './values.ts';

/**
 * BigQuery semantics without BigQuery: an Engine whose statements run in ZetaSQL's reference
 * evaluator, so the model engine's own build (warehouse/runner: seeds, views, tables, the first
 * run of incremental models and snapshots) produces BigQuery's answers on small data.
 *
 * The evaluator only reads tables at the root of its catalog, named as one identifier, so this
 * engine's dialect is BigQuery's with each relation quoted as one identifier (`` `marts.fct` ``,
 * which BigQuery reads as the same table as `` `marts`.`fct` ``). Everything else is BigQuery's.
 *
 * Statements run: CREATE [OR REPLACE] TABLE/VIEW ... AS (query) (the query is evaluated and its
 * rows stored; a view is stored as its rows, which is what it returns on unchanging data),
 * INSERT INTO ... SELECT, DROP, and queries. DML that changes rows in place (later runs of
 * incremental models and snapshots) is refused with a clear error: the reference evaluator has
 * no MERGE at all ("Evaluator does not support statement kind: MergeStmt"), so those runs are
 * proven by the analyser (sim check), not evaluated.
 */
export const evaluatorDialect: Dialect = {
  ...bigqueryDialect,
  relation: (schema, name) => `\`${schema}.${name}\``,
};

interface StoredRelation extends EvaluatedTable {
  schema: string;
  name: string;
  kind: 'table' | 'view';
}

const CREATE = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(TABLE|VIEW)\s+`([^`]+)`[\s\S]*?\bAS\s+\(\n([\s\S]*)\n\)\s*;?\s*$/i;
const INSERT = /^\s*INSERT\s+INTO\s+`([^`]+)`\s*(?:\(([^)]*)\))?\s*\n([\s\S]*)$/i;
const DROP = /^\s*DROP\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?`([^`]+)`\s*;?\s*$/i;

export class ZetaSqlEvaluatorEngine implements Engine {
  readonly dialect = evaluatorDialect;
  private readonly evaluator: BigQueryEvaluator;
  private readonly relations = new Map<string, StoredRelation>();

  /** One node at a time: every statement registers the tables it reads with the one ZetaSQL server (a build's default). */
  async defaultThreads(): Promise<number> {
    return 1;
  }

  constructor(server: ZetaSqlServer) {
    this.evaluator = new BigQueryEvaluator(server);
  }

  /** A relation's current rows and BigQuery columns (for comparisons). */
  relation(schema: string, name: string): EvaluatedTable | undefined {
    return this.relations.get(`${schema}.${name}`.toLowerCase());
  }

  private store(path: string, kind: 'table' | 'view', table: EvaluatedTable): void {
    const [schema, ...rest] = path.split('.');
    const relation: StoredRelation = { schema, name: rest.join('.'), kind, columns: table.columns, rows: table.rows };
    this.relations.set(path.toLowerCase(), relation);
    this.evaluator.setTable(path, relation);
  }

  private async evaluate(sql: string): Promise<EvaluatedTable> {
    try {
      return await this.evaluator.query(sql);
    } catch (error) {
      if (error instanceof ZetaSqlAnalysisError) throw new EngineError(`ZetaSQL reference evaluator: ${error.message}`, sql);
      throw error;
    }
  }

  async execute(sql: string): Promise<ExecuteResult> {
    const create = CREATE.exec(sql);
    if (create) {
      const result = await this.evaluate(create[3]);
      this.store(create[2], create[1].toLowerCase() === 'view' ? 'view' : 'table', result);
      return { rowsAffected: result.rows.length };
    }
    const insert = INSERT.exec(sql);
    if (insert) {
      const target = this.relations.get(insert[1].toLowerCase());
      if (!target) throw new EngineError(`Table not found: ${insert[1]}`, sql);
      const result = await this.evaluate(insert[3]);
      const names = insert[2] ? insert[2].split(',').map((c) => c.trim().replace(/`/g, '').toLowerCase()) : target.columns.map((c) => c.name.toLowerCase());
      const position = target.columns.map((c) => names.indexOf(c.name.toLowerCase()));
      for (const row of result.rows) target.rows.push({ cell: position.map((p) => (p >= 0 ? row.cell[p] : {})) });
      return { rowsAffected: result.rows.length };
    }
    const drop = DROP.exec(sql);
    if (drop) {
      this.relations.delete(drop[1].toLowerCase());
      return {};
    }
    throw new EngineError(`the ZetaSQL evaluator engine runs CREATE ... AS, INSERT ... SELECT, DROP and queries; not: ${sql.split('\n')[0]}`, sql);
  }

  async query(sql: string): Promise<Row[]> {
    const result = await this.evaluate(sql);
    return result.rows.map((row) => {
      const out: Row = {};
      result.columns.forEach((column, i) => {
        const value = decodeValue(row.cell[i], column.typeKind);
        // Engine.query's contract: INT64 and NUMERIC as numbers.
        out[column.name] = typeof value === 'string' && ['TYPE_INT64', 'TYPE_NUMERIC', 'TYPE_BIGNUMERIC'].includes(column.typeKind) ? Number(value) : value;
      });
      return out;
    });
  }

  async ensureSchema(): Promise<void> {}

  async openLanding(schema: string, tables: readonly TableContract[]): Promise<LandingWriter> {
    const pending = new Map<string, EvaluatedTable>(
      tables.map((t) => [t.name, { columns: relationFromContract(schema, t).columns.slice(), rows: [] }]),
    );
    return {
      append: async (batch: LandingBatch) => {
        const table = pending.get(batch.table.name);
        if (!table) throw new Error(`landing table ${batch.table.name} was not opened`);
        for (const row of batchToRows(batch)) table.rows.push(row);
      },
      commit: async () => {
        for (const [name, table] of pending) this.store(`${schema}.${name}`, 'table', table);
      },
      abort: async () => pending.clear(),
    };
  }

  async listRelations(schema?: string): Promise<RelationInfo[]> {
    return [...this.relations.values()]
      .filter((r) => schema === undefined || r.schema.toLowerCase() === schema.toLowerCase())
      .map((r) => ({ schema: r.schema, name: r.name, kind: r.kind }));
  }

  async listColumns(schema: string, name: string): Promise<ColumnInfo[]> {
    return (this.relation(schema, name)?.columns ?? []).map((c) => ({ name: c.name, dataType: bigQueryTypeName(c.typeKind) }));
  }

  async close(): Promise<void> {}
}
