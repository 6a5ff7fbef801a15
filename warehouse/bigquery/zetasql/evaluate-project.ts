import type { LandingBatch } from '../../../contract/batch.ts';
import { LANDING_SCHEMA } from '../../../contract/landing.ts';
import { topoOrder } from '../../dag/graph.ts';
import type { CompileContext, ModelNode, Project, TargetInfo } from '../../project/types.ts';
import { compileNode, relationFor } from '../../render/compile.ts';
import { bigqueryDialect } from '../dialect.ts';
import { BigQueryAnalyzer, ZetaSqlAnalysisError } from './analyzer.ts';
import { BigQueryCatalog, relationFromContract } from './catalog.ts';
import { BigQueryEvaluator, type EvaluatedTable } from './evaluator.ts';
import type { ZetaSqlServer } from './server.ts';
import { batchToRows, type RowProto } from './values.ts';

/**
 * Every model's BigQuery SQL run by ZetaSQL's reference evaluator on given landing rows, in DAG
 * order: each model's result rows become a table its children read.
 *
 * The evaluator only gives content to tables at the catalog root, named as one identifier, so
 * the models are compiled with their refs and sources pointing at `` `dataset.table` `` (one
 * pair of backticks, which BigQuery reads as the same table). Nothing else in the SQL changes.
 * Models are built as a first run (is_incremental() false); ephemeral models are inlined.
 */

export interface EvaluatedModel {
  uniqueId: string;
  name: string;
  /** Where the model lands: schema (dataset) and identifier. */
  relation: { schema: string; name: string };
  /** The BigQuery SQL evaluated. */
  sql: string;
  result: EvaluatedTable;
  /** The model orders its result (top-level ORDER BY). */
  ordered: boolean;
  milliseconds: number;
}

export class ModelEvaluationError extends Error {
  constructor(
    readonly model: string,
    readonly file: string,
    readonly sql: string,
    readonly cause: Error,
  ) {
    super(`${file}: model ${model} does not run on BigQuery semantics (ZetaSQL reference evaluator): ${cause.message}`);
    this.name = 'ModelEvaluationError';
  }
}

export interface EvaluateOptions {
  target: TargetInfo;
  /** Vars as the DuckDB build saw them (project vars overlaid with the landed scenario). */
  vars?: Record<string, unknown>;
  /** Only these models (and whatever they read) are evaluated; default all. */
  models?: readonly string[];
  onModel?: (model: EvaluatedModel) => void;
}

/** Landing batches (possibly several per table) as evaluator tables under `landing.<table>`. */
export function landingTables(batches: readonly LandingBatch[]): Map<string, EvaluatedTable> {
  const tables = new Map<string, EvaluatedTable>();
  for (const batch of batches) {
    const name = `${LANDING_SCHEMA}.${batch.table.name}`;
    if (!tables.has(name)) tables.set(name, { columns: relationFromContract(LANDING_SCHEMA, batch.table).columns.slice(), rows: [] });
    const rows: RowProto[] = tables.get(name)!.rows;
    for (const row of batchToRows(batch)) rows.push(row);
  }
  return tables;
}

const quoteAsOne = (schema: string, name: string) => `\`${schema}.${name}\``;

export async function evaluateProject(
  server: ZetaSqlServer,
  project: Project,
  landing: Map<string, EvaluatedTable>,
  options: EvaluateOptions,
): Promise<EvaluatedModel[]> {
  const evaluator = new BigQueryEvaluator(server);
  // The analyser tells ordered results apart; its catalog mirrors the evaluator's tables.
  const catalog = new BigQueryCatalog();
  const analyzer = new BigQueryAnalyzer(server, catalog);
  const put = (schema: string, name: string, table: EvaluatedTable) => {
    evaluator.setTable(`${schema}.${name}`, table);
    catalog.add({ dataset: schema, name, columns: table.columns });
  };
  for (const [name, table] of landing) {
    const [schema, identifier] = name.split('.');
    put(schema, identifier, table);
  }

  const resolveRelation = (id: string): string | undefined => {
    const node = project.nodes.get(id) ?? project.sources.get(id);
    if (!node || (node.resourceType === 'model' && node.config.materialized === 'ephemeral')) return undefined;
    const relation = relationFor(node, options.target);
    return quoteAsOne(relation.schema, relation.identifier);
  };
  const ctx: CompileContext = { dialect: bigqueryDialect, target: options.target, vars: options.vars, isIncremental: false, resolveRelation };

  const wanted = options.models ? new Set(options.models) : undefined;
  const models = topoOrder(project).filter((id) => {
    const node = project.nodes.get(id);
    return node?.resourceType === 'model' && node.config.materialized !== 'ephemeral' && node.config.enabled !== false;
  });
  const evaluated: EvaluatedModel[] = [];
  try {
    for (const id of models) {
      const node = project.nodes.get(id) as ModelNode;
      if (wanted && !wanted.has(node.name) && !wanted.has(id) && !isNeededBy(project, id, wanted)) continue;
      const relation = relationFor(node, options.target);
      const sql = compileNode(project, id, ctx).sql;
      const started = performance.now();
      let result: EvaluatedTable;
      let ordered: boolean;
      try {
        ordered = (await analyzer.analyze(sql)).ordered === true;
        result = await evaluator.query(sql);
      } catch (error) {
        if (error instanceof ZetaSqlAnalysisError) throw new ModelEvaluationError(node.name, node.originalFilePath, sql, error);
        throw error;
      }
      put(relation.schema, relation.identifier, result);
      const model: EvaluatedModel = {
        uniqueId: id,
        name: node.name,
        relation: { schema: relation.schema, name: relation.identifier },
        sql,
        result,
        ordered,
        milliseconds: performance.now() - started,
      };
      evaluated.push(model);
      options.onModel?.(model);
    }
  } finally {
    await analyzer.close();
  }
  return evaluated;
}

/** True when a wanted model depends on `id` (so `id` must be evaluated first). */
function isNeededBy(project: Project, id: string, wanted: Set<string>): boolean {
  const stack = [...(project.childMap.get(id) ?? [])];
  const seen = new Set<string>();
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const node = project.nodes.get(next);
    if (node && (wanted.has(node.name) || wanted.has(next))) return true;
    stack.push(...(project.childMap.get(next) ?? []));
  }
  return false;
}
