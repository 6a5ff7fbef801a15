import { InputError } from '../../../contract/errors.ts';
import { LANDING_SCHEMA, LANDING_TABLES, landingMeta } from '../../../contract/landing.ts';
import { ancestorsOf } from '../../dag/graph.ts';
import { selectNodes } from '../../dag/select.ts';
import { loadProject } from '../../project/load.ts';
import type { ExecutableNode, TargetInfo } from '../../project/types.ts';
import { build, type RunEvent } from '../../runner/build.ts';
import { failedHook } from '../../runner/hooks.ts';
import { bigqueryDialect } from '../dialect.ts';
import { BigQueryAnalyzer } from './analyzer.ts';
import { BigQueryCatalog, relationFromContract } from './catalog.ts';
import { StatementRejectedError, ZetaSqlCheckEngine } from './check-engine.ts';
import { excerpt, positionInCompiled, sourceLineFor, tokenAt } from './positions.ts';
import type { ZetaSqlServer } from './server.ts';

/**
 * `sim check --target bigquery`: every selected model, snapshot and test compiled for BigQuery
 * and analysed by ZetaSQL in DAG order. It is the model engine's own build (warehouse/runner)
 * on an engine that analyses instead of running, so the CREATE OR REPLACE TABLE/VIEW ... AS,
 * MERGE and test queries analysed are exactly the ones a BigQuery run sends.
 * The catalog starts with the landing contract; each statement that creates a relation adds
 * the columns ZetaSQL resolved, before the children are analysed.
 */

// The default schema matches `sim build`'s; every layer of the project sets its own schema anyway.
export const CHECK_TARGET: TargetInfo = { name: 'bigquery', type: 'bigquery', schema: 'main' };

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
  /** Set when the SQL is valid in today's BigQuery but newer than the ZetaSQL build we ship. */
  note?: string;
}

const GAP_NOTE = "valid in today's BigQuery, but the ZetaSQL build in @fivetrandevelopers/zetasql predates it, so it cannot be proven offline: avoid it in models";

/** Known gaps of the shipped ZetaSQL build (README, "Offline proof of the BigQuery path"). */
export function knownGap(message: string, statement: string): string | undefined {
  if (/GROUP BY ALL is not supported/.test(message)) return `GROUP BY ALL is ${GAP_NOTE} (list the grouping columns)`;
  if (/\|>/.test(statement) && /Syntax error/.test(message)) return `pipe syntax (|>) is ${GAP_NOTE}`;
  return undefined;
}

export interface NodeCheck {
  uniqueId: string;
  name: string;
  resourceType: string;
  status: 'ok' | 'error' | 'skipped';
  /** Statements analysed while this node ran (a batch of tests counts for its first test). */
  statements: number;
  /** For skipped nodes: the failing ancestor. */
  skippedBecause?: string;
}

export interface CheckReport {
  nodes: NodeCheck[];
  problems: CheckProblem[];
  /** Statements analysed in all (tests of one relation travel as one batched query, as in a real run). */
  statements: number;
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
  // Unit tests run on DuckDB fixtures (sim test), not in a warehouse: nothing to analyse here.
  const selected = new Set(selectNodes(project, { select: options.select, exclude: options.exclude }).filter((id) => project.nodes.has(id)));
  // Parents outside the selection run too: their columns are what the selected nodes see.
  const needed = new Set<string>();
  for (const id of selected) {
    const node = project.nodes.get(id);
    if (node && node.resourceType !== 'test') needed.add(id);
    for (const ancestor of ancestorsOf(project, id)) if (project.nodes.get(ancestor) && project.nodes.get(ancestor)!.resourceType !== 'test') needed.add(ancestor);
  }
  const names = (ids: Iterable<string>) => [...ids].map((id) => project.nodes.get(id)!.name);

  const analyzer = new BigQueryAnalyzer(server, landingCatalog());
  const engine = new ZetaSqlCheckEngine(analyzer, bigqueryDialect);
  const report: CheckReport = { nodes: [], problems: [], statements: 0 };
  const seen = new Map<string, NodeCheck>();
  let statementsBefore = 0;
  const onEvent = (event: RunEvent) => {
    if (event.type === 'node-start') statementsBefore = engine.statements.length;
    if (event.type !== 'node-finish') return;
    const node = project.nodes.get(event.uniqueId);
    if (!node) return; // unit tests: not warehouse SQL
    const status = event.result.status === 'error' ? 'error' : event.result.status === 'skipped' ? 'skipped' : 'ok';
    const previous = seen.get(event.uniqueId);
    const check: NodeCheck = {
      uniqueId: node.uniqueId,
      name: node.name,
      resourceType: node.resourceType,
      status,
      statements: (previous?.statements ?? 0) + (status === 'skipped' ? 0 : engine.statements.length - statementsBefore),
      skippedBecause: status === 'skipped' ? (event.result.message ?? undefined) : undefined,
    };
    if (status === 'error') report.problems.push(problemFrom(node, event.error, event.result.compiled_code ?? '', event.result.message ?? ''));
    seen.set(node.uniqueId, check);
    if (selected.has(node.uniqueId) || status === 'error') options.onNode?.(check);
  };

  try {
    // 1. Models, seeds and snapshots (the selection and everything it reads), as a fresh
    //    BigQuery project receives them: CREATE OR REPLACE TABLE/VIEW ... AS.
    const runnable = [...needed].filter((id) => project.nodes.get(id)!.resourceType !== 'test');
    if (runnable.length) await build(engine, project, { target: CHECK_TARGET, select: names(runnable), vars: options.vars, mode: 'run', onEvent });
    // 2. The data tests of the selection (dbt's eager indirect selection), on those relations;
    //    a test of an invalid model is skipped, not reported again as "table not found".
    const tests = [...selected].filter((id) => project.nodes.get(id)!.resourceType === 'test');
    const runnableTests: string[] = [];
    for (const id of tests) {
      const broken = [...ancestorsOf(project, id)].find((a) => seen.get(a)?.status === 'error' || seen.get(a)?.status === 'skipped');
      if (!broken) {
        runnableTests.push(id);
        continue;
      }
      const node = project.nodes.get(id)!;
      const skipped: NodeCheck = { uniqueId: id, name: node.name, resourceType: 'test', status: 'skipped', statements: 0, skippedBecause: `skipped: upstream ${project.nodes.get(broken)!.name} is not valid BigQuery SQL` };
      seen.set(id, skipped);
      options.onNode?.(skipped);
    }
    if (runnableTests.length) await build(engine, project, { target: CHECK_TARGET, select: names(runnableTests), vars: options.vars, mode: 'test', unitTests: false, onEvent });
    // 3. Incremental models and snapshots again, now that their tables exist: the MERGE (or
    //    delete+insert, insert_overwrite, snapshot update/insert) statements of every later run.
    const again = runnable.filter((id) => {
      const node = project.nodes.get(id)!;
      const incremental = node.resourceType === 'snapshot' || (node.resourceType === 'model' && node.config.materialized === 'incremental');
      return incremental && seen.get(id)?.status === 'ok';
    });
    if (again.length) await build(engine, project, { target: CHECK_TARGET, select: names(again), vars: options.vars, mode: 'run', onEvent });
  } finally {
    await analyzer.close();
  }
  report.nodes = [...seen.values()].filter((n) => selected.has(n.uniqueId) || n.status === 'error');
  report.statements = engine.statements.length;
  return report;
}

function problemFrom(node: ExecutableNode, error: unknown, compiledSql: string, runnerMessage: string): CheckProblem {
  const problem = statementProblem(node, error, compiledSql, runnerMessage);
  // A rejected hook: say which one (its statement is not the model's SQL).
  const hook = error instanceof StatementRejectedError ? failedHook(error) : undefined;
  return hook ? { ...problem, message: `${hook.replace(/ failed: .*$/, '')}: ${problem.message}` } : problem;
}

function statementProblem(node: ExecutableNode, error: unknown, compiledSql: string, runnerMessage: string): CheckProblem {
  const base = { uniqueId: node.uniqueId, name: node.name, resourceType: node.resourceType, file: node.location.file };
  if (error instanceof StatementRejectedError && error.cause.line !== null) {
    const { line, column } = error.cause;
    const position = positionInCompiled(error.statement, compiledSql, line, column!);
    const sourceLine = position.inCompiled && !(node.resourceType === 'test' && node.kind === 'generic')
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
      note: knownGap(error.cause.reason, error.statement),
    };
  }
  if (error instanceof StatementRejectedError) return { ...base, message: error.cause.reason, statement: error.statement };
  if (error instanceof InputError) return { ...base, message: error.message };
  // Anything else (a compile error, a materialization refusing the config): the runner's message.
  return { ...base, message: runnerMessage || String(error) };
}

/** One problem as the CLI prints it: `file[:line]: kind name: message (compiled SQL line L, column C)` + excerpt. */
export function formatProblem(problem: CheckProblem, verbose = false): string {
  const where = problem.sourceLine ? `${problem.file}:${problem.sourceLine}` : problem.file;
  const position =
    problem.line === undefined ? '' : ` (${problem.inStatement ? 'statement sent to BigQuery' : 'compiled SQL'} line ${problem.line}, column ${problem.column})`;
  const lines = [`${where}: ${problem.resourceType} ${problem.name}: ${problem.message}${position}`];
  if (problem.excerpt) lines.push(problem.excerpt);
  if (problem.note) lines.push(`  note: ${problem.note}`);
  if (verbose && problem.statement) lines.push(`  statement:\n${problem.statement.replace(/^/gm, '    ')}`);
  return lines.join('\n');
}
