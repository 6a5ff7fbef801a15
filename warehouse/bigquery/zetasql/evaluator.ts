import { toAnalysisError } from './analyzer.ts';
import type { CatalogColumn } from './catalog.ts';
import { bigQueryAnalyzerOptions, bigQueryLanguageOptions } from './language.ts';
import type { ZetaSqlServer } from './server.ts';
import type { RowProto } from './values.ts';

/**
 * BigQuery semantics on small data: ZetaSQL's reference evaluator (the EvaluateQuery RPC) runs a
 * query over rows we send with it.
 *
 * The service only sets content on tables at the ROOT of the catalog (nested catalogs answer
 * "does not have its content set"), so a table lives under one name such as `landing.orders`
 * and the SQL must name it as one identifier: `` `landing.orders` `` (also valid BigQuery).
 */

export interface EvaluatedTable {
  columns: CatalogColumn[];
  rows: RowProto[];
}

export class BigQueryEvaluator {
  private readonly tables = new Map<string, EvaluatedTable>();

  constructor(private readonly server: ZetaSqlServer) {}

  /** Makes a table queryable as `` `name` `` (name usually `dataset.table`). */
  setTable(name: string, table: EvaluatedTable): void {
    this.tables.set(name.toLowerCase(), table);
  }

  getTable(name: string): EvaluatedTable | undefined {
    return this.tables.get(name.toLowerCase());
  }

  /** The tables a statement reads, as ZetaSQL parses them (no catalog needed). */
  async tablesRead(sql: string): Promise<string[]> {
    try {
      const response = await this.server.call<{ tableName: Array<{ tableNameSegment: string[] }> }>('extractTableNamesFromStatement', {
        sqlStatement: sql,
        options: bigQueryLanguageOptions(),
      });
      return response.tableName.map((t) => t.tableNameSegment.join('.'));
    } catch (error) {
      throw toAnalysisError(error);
    }
  }

  /** Runs a query with BigQuery semantics (UTC) over the tables it reads; returns typed rows. */
  async query(sql: string): Promise<EvaluatedTable> {
    const names = await this.tablesRead(sql);
    const table: Array<{ name: string; column: Array<{ name: string; type: { typeKind: string } }> }> = [];
    const tableContent: Record<string, { tableData: { row: RowProto[] } }> = {};
    for (const name of new Set(names.map((n) => n.toLowerCase()))) {
      const data = this.tables.get(name);
      if (!data) continue; // CTE names and unknown tables: the analyser reports the latter.
      table.push({ name, column: data.columns.map((c) => ({ name: c.name, type: { typeKind: c.typeKind } })) });
      tableContent[name] = { tableData: { row: data.rows } };
    }
    let response: {
      content?: { tableData?: { row: RowProto[] } };
      prepared?: { columns: Array<{ name: string; type: { typeKind: string } }> };
    };
    try {
      response = await this.server.call('evaluateQuery', {
        sql,
        options: bigQueryAnalyzerOptions(),
        simpleCatalog: { name: 'root', table, builtinFunctionOptions: { languageOptions: bigQueryLanguageOptions() } },
        tableContent,
      });
    } catch (error) {
      throw toAnalysisError(error);
    }
    return {
      columns: (response.prepared?.columns ?? []).map((c) => ({ name: c.name, typeKind: c.type.typeKind })),
      rows: response.content?.tableData?.row ?? [],
    };
  }
}
