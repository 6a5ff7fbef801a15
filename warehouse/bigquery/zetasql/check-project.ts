import { InputError } from '../../../contract/errors.ts';
import { LANDING_SCHEMA, LANDING_TABLES, landingMeta } from '../../../contract/landing.ts';
import { ancestorsOf, topoOrder } from '../../dag/graph.ts';
import { selectNodes } from '../../dag/select.ts';
import { incrementalConfig, tableConfig } from '../../materializations/config.ts';
import { StatementLog } from '../../materializations/execute.ts';
import { materializeIncremental } from '../../materializations/incremental.ts';
import { materializeTable, materializeView } from '../../materializations/table.ts';
import { loadProject } from '../../project/load.ts';
import type { CompileContext, ExecutableNode, Project, TargetInfo, TestNode } from '../../project/types.ts';
import { compileNode, relationFor, resolveTestArgs } from '../../render/compile.ts';
import { runDataTest } from '../../testing/data-test.ts';
import { genericTestSql } from '../../testing/generic.ts';
import { bigqueryDialect } from '../dialect.ts';
import { BigQueryAnalyzer } from './analyzer.ts';
import { BigQueryCatalog, relationFromContract } from './catalog.ts';
import { StatementRejectedError, ZetaSqlCheckEngine } from './check-engine.ts';
import { excerpt, positionInCompiled, sourceLineFor, tokenAt } from './positions.ts';
import type { ZetaSqlServer } from './server.ts';

/**
 * `sim check --target bigquery`: every selected model, snapshot and test compiled for BigQuery
 * and analysed by ZetaSQL in DAG order, through the model engine's own materializations (so the
 * CREATE OR REPLACE TABLE/VIEW ... AS, MERGE and test queries are the ones a BigQuery run sends).
 * The catalog starts with the landing contract; each statement that creates a relation adds
 * the columns ZetaSQL resolved, before the children are analysed.
 */

export const CHECK_TARGET: TargetInfo = { name: 'bigquery', type: 'bigquery', schema: 'analytics' };

export interface CheckProblem {
  uniqueId: string;
  name: string;
  resourceType: string;
  /** The node's file (models/...sql, or the schema.yml of a generic test). */
  file: string;
  /** Line in `file`, when the compiled line could be traced back to it. */
  sourceLine?: number;
  /** Line and column in the node's compiled SQL (or in the statement, see `inStatement`). */
  line?: number;
  column?: number;
  /** True when the position is in the wrapping statement (CTAS, MERGE, test query), not in the compiled SQL. */
  inStatement?: boolean;
  /** ZetaSQL's message (or the compile error). */
  message: string;
  /** The offending line with a caret under the column. */
  excerpt?: string;
  /** The full statement ZetaSQL rejected. */
  statement?: string;
}

export interface NodeCheck {
  uniqueId: string;
  name: string;
  resourceType: string;
  status: 'ok' | 'error' | 'skipped';
  /** Statements analysed for this node. */
  statements: number;
  /** For skipped nodes: the failing ancestor. */
  skippedBecause?: string;
}

export interface CheckReport {
  nodes: NodeCheck[];
  problems: CheckProblem[];
}

export interface CheckOptions {
  projectDir: string;
  select?: string[];
  exclude?: string[];
  vars?: Record<string, unknown>;
  /** Called after each node, e.g. for progress output. */
  onNode?: (check: NodeCheck) => void;
}

/** A catalog with the landing contract (every BigQuery path form), for a fresh check. */
export function landingCatalog(project?: string): BigQueryCatalog {
  const catalog = new BigQueryCatalog(project);
  for (const table of [...LANDING_TABLES, landingMeta]) catalog.add(relationFromContract(LANDING_SCHEMA, table));
  return catalog;
}

export async function checkProject(server: ZetaSqlServer, options: CheckOptions): Promise<CheckReport> {
  const project = await loadProject(options.projectDir, { vars: options.vars });
  const selected = selectNodes(project, { select: options.select, exclude: options.exclude });
  // Parents outside the selection are analysed too: their columns are what the children see.
  const needed = new Set(selected);
  for (const id of selected) for (const ancestor of ancestorsOf(project, id)) if (project.nodes.has(ancestor)) needed.add(ancestor);
  const order = topoOrder(project, needed);

  const analyzer = new BigQueryAnalyzer(server, landingCatalog());
  const engine = new ZetaSqlCheckEngine(analyzer, bigqueryDialect);
  const ctx: CompileContext = { dialect: bigqueryDialect, target: CHECK_TARGET, vars: options.vars };
  const failed = new Map<string, string>(); // unique id -> the failing node it stems from
  const report: CheckReport = { nodes: [], problems: [] };

  try {
    for (const id of order) {
      const node = project.nodes.get(id)!;
      const brokenParent = (project.parentMap.get(id) ?? []).find((p) => failed.has(p));
      let check: NodeCheck;
      if (brokenParent) {
        failed.set(id, failed.get(brokenParent)!);
        check = { uniqueId: id, name: node.name, resourceType: node.resourceType, status: 'skipped', statements: 0, skippedBecause: failed.get(brokenParent) };
      } else {
        const before = engine.statements.length;
        const problem = await checkNode(project, node, engine, ctx);
        if (problem) {
          failed.set(id, id);
          report.problems.push(problem);
        }
        check = { uniqueId: id, name: node.name, resourceType: node.resourceType, status: problem ? 'error' : 'ok', statements: engine.statements.length - before };
      }
      if (needed.has(id) && (selected.includes(id) || check.status === 'error')) {
        report.nodes.push(check);
        options.onNode?.(check);
      }
    }
  } finally {
    await analyzer.close();
  }
  return report;
}

/** Analyses one node's statements; returns the problem, or undefined when ZetaSQL accepts them all. */
async function checkNode(project: Project, node: ExecutableNode, engine: ZetaSqlCheckEngine, ctx: CompileContext): Promise<CheckProblem | undefined> {
  let compiledSql = '';
  const compile = (isIncremental: boolean) => {
    compiledSql = compileNode(project, node.uniqueId, { ...ctx, isIncremental }).sql;
    return compiledSql;
  };
  const where = `${node.location.file}:${node.location.line}`;
  try {
    switch (node.resourceType) {
      case 'model': {
        const relation = relationFor(node, ctx.target);
        const target = { schema: relation.schema, name: relation.identifier };
        const log = new StatementLog(engine, node.uniqueId);
        switch (node.config.materialized) {
          case 'ephemeral':
            // Inlined into its children as a CTE; analysing it alone gives positions in its own SQL.
            await engine.query(compile(false));
            break;
          case 'view':
            await materializeView(log, target, compile(false));
            break;
          case 'table':
            await materializeTable(log, target, compile(false), tableConfig(node.config, where));
            break;
          case 'incremental': {
            const config = incrementalConfig(node.config, where);
            // The first run builds the table; the second takes the incremental path (MERGE, ...).
            await materializeIncremental(log, target, compile, config, false);
            await materializeIncremental(new StatementLog(engine, node.uniqueId), target, compile, config, false);
            break;
          }
        }
        return undefined;
      }
      case 'test': {
        const sql = testSql(project, node, ctx);
        compiledSql = sql;
        await runDataTest(engine, {
          name: node.name,
          uniqueId: node.uniqueId,
          sql,
          config: node.config,
          auditSchema: `${ctx.target.schema}_dbt_test__audit`,
          where,
        });
        return undefined;
      }
      case 'snapshot': {
        const relation = relationFor(node, ctx.target);
        // The first run of a snapshot: its SELECT plus dbt's SCD2 columns.
        const sql = compile(false);
        await materializeTable(new StatementLog(engine, node.uniqueId), { schema: relation.schema, name: relation.identifier }, snapshotFirstRun(sql, node.config.updated_at));
        return undefined;
      }
      case 'seed':
        // Seeds are loaded, not queried; nothing to analyse here.
        return undefined;
    }
  } catch (error) {
    return problemFrom(node, error, compiledSql);
  }
  return undefined;
}

function testSql(project: Project, test: TestNode, ctx: CompileContext): string {
  if (test.kind === 'singular') return compileNode(project, test.uniqueId, ctx).sql;
  const args = resolveTestArgs(project, test, ctx);
  const asOf = String(ctx.vars?.as_of ?? project.config.vars.as_of ?? '');
  return genericTestSql(test.testMetadata.name, args, { dialect: ctx.dialect, asOf, where: test.config.where });
}

/** What dbt's snapshot writes on its first run: the rows plus dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to. */
function snapshotFirstRun(sql: string, updatedAt = 'updated_at'): string {
  return [
    'select',
    '    snapshot_query.*,',
    `    to_hex(md5(cast(snapshot_query.${updatedAt} as string))) as dbt_scd_id,`,
    `    snapshot_query.${updatedAt} as dbt_updated_at,`,
    `    snapshot_query.${updatedAt} as dbt_valid_from,`,
    '    cast(null as timestamp) as dbt_valid_to',
    `from (\n${sql.trim()}\n) as snapshot_query`,
  ].join('\n');
}

function problemFrom(node: ExecutableNode, error: unknown, compiledSql: string): CheckProblem {
  const base = { uniqueId: node.uniqueId, name: node.name, resourceType: node.resourceType, file: node.location.file };
  if (error instanceof StatementRejectedError && error.cause.line !== null) {
    const { line, column } = error.cause;
    const position = positionInCompiled(error.statement, compiledSql, line, column!);
    const sourceLine = position.inCompiled && node.resourceType !== 'test'
      ? sourceLineFor(node.rawCode, node.rawCodeLine, position.text, tokenAt(position.text, position.column))
      : undefined;
    return {
      ...base,
      sourceLine,
      line: position.line,
      column: position.column,
      inStatement: !position.inCompiled,
      message: error.cause.reason,
      excerpt: excerpt(position.line, position.column, position.text),
      statement: error.statement,
    };
  }
  if (error instanceof StatementRejectedError) return { ...base, message: error.cause.reason, statement: error.statement };
  if (error instanceof InputError) return { ...base, message: error.message };
  throw error;
}

/** One problem as the CLI prints it: `file[:line]: kind name: message (compiled SQL line L, column C)` + excerpt. */
export function formatProblem(problem: CheckProblem, verbose = false): string {
  const where = problem.sourceLine ? `${problem.file}:${problem.sourceLine}` : problem.file;
  const position =
    problem.line === undefined ? '' : ` (${problem.inStatement ? 'statement sent to BigQuery' : 'compiled SQL'} line ${problem.line}, column ${problem.column})`;
  const lines = [`${where}: ${problem.resourceType} ${problem.name}: ${problem.message}${position}`];
  if (problem.excerpt) lines.push(problem.excerpt);
  if (verbose && problem.statement) lines.push(`  statement:\n${problem.statement.replace(/^/gm, '    ')}`);
  return lines.join('\n');
}
