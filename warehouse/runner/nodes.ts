import { InputError } from '../../contract/errors.ts';
import type { Engine, KeyTestCheck } from '../engine.ts';
import { incrementalConfig, tableConfig } from '../materializations/config.ts';
import { StatementLog } from '../materializations/execute.ts';
import { materializeIncremental } from '../materializations/incremental.ts';
import { materializeSeed } from '../materializations/seed.ts';
import { materializeSnapshot, snapshotSettings } from '../materializations/snapshot.ts';
import { materializeTable, materializeView } from '../materializations/table.ts';
import type { CompileContext, ExecutableNode, GenericTestNode, ModelNode, Project, RelationRef, SeedNode, SnapshotNode, TestNode } from '../project/types.ts';
import { compileNode, isProjectGenericTest, relationFor, renderTestWhere, resolveTestArgs } from '../render/compile.ts';
import { BATCH_RELATION, judgeFailures, runDataTest, runDataTestBatch, type DataTestConfig } from '../testing/data-test.ts';
import { GENERIC_TESTS, genericTestSql, keyTestCheck } from '../testing/generic.ts';
import type { NodeStatus } from '../artifacts/run-results.ts';
import { relationKind } from '../materializations/execute.ts';
import { NO_HOOKS, planHooks, runHooks, type HookPlan } from './hooks.ts';

/** What running one node produced, before it becomes a run_results entry. */
export interface NodeOutcome {
  status: NodeStatus;
  message: string;
  rowsAffected?: number;
  adapterMessage?: string;
  failures?: number;
  compiledCode?: string;
  relationName?: string;
  statements: string[];
  compileSeconds: number;
}

export interface NodeRunContext {
  engine: Engine;
  project: Project;
  compile: CompileContext;
  /** Project vars overlaid with scenario and --vars: what var() returns. */
  vars: Record<string, unknown>;
  fullRefresh: boolean;
  /** Creates a schema once per run. */
  ensureSchema(schema: string): Promise<void>;
}

/** The compiled SQL and statements seen so far, kept for the error message when a node fails. */
export interface NodeTrace {
  compiledCode?: string;
  statements: string[];
}

export async function runNode(ctx: NodeRunContext, node: ExecutableNode, trace: NodeTrace): Promise<NodeOutcome> {
  switch (node.resourceType) {
    case 'model':
      return runModel(ctx, node, trace);
    case 'seed':
      return runSeed(ctx, node, trace);
    case 'snapshot':
      return runSnapshot(ctx, node, trace);
    case 'test':
      return runTest(ctx, node, trace);
  }
}

function toTarget(r: RelationRef): { schema: string; name: string } {
  return { schema: r.schema, name: r.identifier };
}

function timed<T>(work: () => T): [T, number] {
  const start = performance.now();
  const value = work();
  return [value, (performance.now() - start) / 1000];
}

async function runModel(ctx: NodeRunContext, node: ModelNode, trace: NodeTrace): Promise<NodeOutcome> {
  const where = node.originalFilePath;
  const log = new StatementLog(ctx.engine, node.uniqueId);
  trace.statements = log.statements;
  let compileSeconds = 0;
  const render = (isIncremental: boolean) => {
    const [compiled, seconds] = timed(() => compileNode(ctx.project, node.uniqueId, { ...ctx.compile, isIncremental }));
    compileSeconds += seconds;
    trace.compiledCode = compiled.sql;
    return compiled;
  };
  const config = node.config as unknown as Record<string, unknown>;
  const materialized = node.config.materialized;
  const fullRefresh = ctx.fullRefresh && node.config.full_refresh !== false;
  const first = render(false);
  const target = toTarget(first.relation ?? relationFor(node, ctx.compile.target));
  const hooks = await modelHooks(ctx, node, target, fullRefresh);
  await ctx.ensureSchema(target.schema);
  await runHooks(log, hooks.before);
  const afterSwap = hooks.afterSwap.length ? () => runHooks(log, hooks.afterSwap) : undefined;
  let result;
  switch (materialized) {
    case 'view':
      result = await materializeView(log, target, first.sql, afterSwap);
      break;
    case 'table':
      result = await materializeTable(log, target, first.sql, tableConfig(config, where), afterSwap);
      break;
    case 'incremental': {
      result = await materializeIncremental(log, target, (inc) => (inc ? render(true).sql : first.sql), incrementalConfig(config, where), fullRefresh, afterSwap);
      break;
    }
    default:
      throw new InputError(`${where}: materialized '${String(materialized)}' is not known (accepted: view, table, incremental, ephemeral)`);
  }
  await runHooks(log, hooks.after);
  return {
    status: 'success',
    message: result.message,
    adapterMessage: result.message,
    rowsAffected: result.rowsAffected,
    compiledCode: trace.compiledCode,
    relationName: first.relationName,
    statements: result.statements,
    compileSeconds,
  };
}

/**
 * A model's hooks rendered before anything runs. is_incremental() answers as the model's own
 * render will: an incremental model whose table exists, without --full-refresh.
 */
async function modelHooks(ctx: NodeRunContext, node: ModelNode, target: { schema: string; name: string }, fullRefresh: boolean): Promise<HookPlan> {
  if (!node.config.pre_hook.length && !node.config.post_hook.length) return NO_HOOKS;
  const isIncremental = node.config.materialized === 'incremental' && !fullRefresh && (await relationKind(ctx.engine, target)) === 'table';
  return planHooks(ctx.project, node, { ...ctx.compile, isIncremental });
}

async function runSeed(ctx: NodeRunContext, node: SeedNode, trace: NodeTrace): Promise<NodeOutcome> {
  const target = toTarget(relationFor(node, ctx.compile.target));
  const log = new StatementLog(ctx.engine, node.uniqueId);
  trace.statements = log.statements;
  const hooks = planHooks(ctx.project, node, ctx.compile);
  await ctx.ensureSchema(target.schema);
  await runHooks(log, hooks.before);
  const result = await materializeSeed(log, target, node.csvPath, { column_types: node.config.column_types ?? {}, delimiter: node.config.delimiter ?? ',' }, node.originalFilePath);
  // Seeds and snapshots run post-hooks after their last statement; a failing one leaves the new rows.
  await runHooks(log, [...hooks.afterSwap, ...hooks.after]);
  return {
    status: 'success',
    message: result.message,
    adapterMessage: result.message,
    rowsAffected: result.rowsAffected,
    relationName: ctx.engine.dialect.relation(target.schema, target.name),
    statements: result.statements,
    compileSeconds: 0,
  };
}

async function runSnapshot(ctx: NodeRunContext, node: SnapshotNode, trace: NodeTrace): Promise<NodeOutcome> {
  const [compiled, compileSeconds] = timed(() => compileNode(ctx.project, node.uniqueId, ctx.compile));
  trace.compiledCode = compiled.sql;
  const target = toTarget(compiled.relation ?? relationFor(node, ctx.compile.target));
  const log = new StatementLog(ctx.engine, node.uniqueId);
  trace.statements = log.statements;
  const settings = snapshotSettings(node.config as unknown as Record<string, unknown>, node.originalFilePath);
  const hooks = planHooks(ctx.project, node, ctx.compile);
  await ctx.ensureSchema(target.schema);
  await runHooks(log, hooks.before);
  const result = await materializeSnapshot(log, target, compiled.sql, settings, { vars: ctx.vars });
  await runHooks(log, [...hooks.afterSwap, ...hooks.after]);
  return {
    status: 'success',
    message: result.message,
    adapterMessage: result.message,
    rowsAffected: result.rowsAffected,
    compiledCode: compiled.sql,
    relationName: compiled.relationName,
    statements: result.statements,
    compileSeconds,
  };
}

/** dbt's audit schema: `<target schema>_<config.schema or dbt_test__audit>`. */
export function auditSchema(node: TestNode, targetSchema: string): string {
  return `${targetSchema}_${node.config.schema ?? 'dbt_test__audit'}`;
}

async function runTest(ctx: NodeRunContext, node: TestNode, trace: NodeTrace): Promise<NodeOutcome> {
  const [prepared, compileSeconds] = timed(() => prepareTest(ctx, node));
  const { sql } = prepared;
  trace.compiledCode = sql;
  const config = testConfig(node);
  const where = `${node.location.file}:${node.location.line}`;
  const proof = await keyTestProof(ctx, node, prepared.check, config);
  const outcome = proof
    ? { ...judgeFailures(config, where)(0), statements: proof, storedIn: undefined }
    : await runDataTest(ctx.engine, {
        name: node.config.alias ?? node.name,
        uniqueId: node.uniqueId,
        sql,
        config,
        auditSchema: auditSchema(node, ctx.compile.target.schema),
        where,
      });
  trace.statements = outcome.statements;
  return {
    status: outcome.status,
    message: outcome.message,
    failures: outcome.failures,
    compiledCode: sql,
    relationName: outcome.storedIn,
    adapterMessage: proof ? PROOF_MESSAGE : undefined,
    statements: outcome.statements,
    compileSeconds,
  };
}

/** run_results' adapter_response._message of a key test the engine proved (code BITMAP). */
export const PROOF_MESSAGE = 'BITMAP proved without the test query: no failing rows';

/**
 * A `unique` or `relationships` test the engine proves passing (Engine.proveKeyTest) skips
 * dbt's query; a proof never reports failures, so those are always counted by the query. Not
 * with stored failures or a custom fail_calc, which read the query's rows, and not on a view:
 * a proof reads the tested relation twice (its range, then its bits), which would compute the
 * view twice where dbt's query computes it once.
 */
async function keyTestProof(ctx: NodeRunContext, node: TestNode, check: KeyTestCheck | undefined, config: DataTestConfig): Promise<string[] | undefined> {
  if (!check || !ctx.engine.proveKeyTest || config.store_failures) return undefined;
  const tested = node.kind === 'generic' ? ctx.project.nodes.get(node.attachedNode) : undefined;
  if (tested?.resourceType === 'model' && ['view', 'ephemeral'].includes(String(tested.config.materialized))) return undefined;
  if (config.fail_calc !== undefined && config.fail_calc.replace(/\s+/g, '').toLowerCase() !== 'count(*)') return undefined;
  return ctx.engine.proveKeyTest(check);
}

function testConfig(node: TestNode): DataTestConfig {
  const config = node.config;
  return {
    severity: config.severity ?? 'error',
    warn_if: config.warn_if ?? '!=0',
    error_if: config.error_if ?? '!=0',
    store_failures: config.store_failures === true,
    limit: config.limit,
    fail_calc: config.fail_calc,
  };
}

/**
 * Tests that may share one query with others of the same key: generic tests with a built-in
 * generator whose failing rows are not stored, on a *view* (keyed by the view). Only views gain:
 * the shared CTE computes the view once instead of once per test. On a table the CTE would copy
 * it (measured at 21 M rows: 5 tests one by one 4.3 s, batched 5.9 s), so table tests run alone.
 */
export function batchKey(project: Project, node: ExecutableNode | undefined): string | undefined {
  if (node?.resourceType !== 'test' || node.kind !== 'generic') return undefined;
  if (node.config.store_failures || !GENERIC_TESTS.includes(node.testMetadata.name) || isProjectGenericTest(project, node)) return undefined;
  const tested = project.nodes.get(node.attachedNode);
  return tested?.resourceType === 'model' && tested.config.materialized === 'view' ? node.attachedNode : undefined;
}

/**
 * Runs generic tests of one relation as one query (see runDataTestBatch). Each outcome carries
 * the test's own standalone SQL as compiled code, so a failure is reproduced by running it alone.
 */
export async function runTestBatch(ctx: NodeRunContext, nodes: readonly GenericTestNode[]): Promise<NodeOutcome[]> {
  const started = performance.now();
  const asOf = String(ctx.vars.as_of ?? '');
  const prepared = nodes.map((node) => {
    const args = resolveTestArgs(ctx.project, node, ctx.compile);
    const where = renderTestWhere(ctx.project, node, ctx.compile);
    const gen = (model: unknown) => genericTestSql(node.testMetadata.name, { ...args, model }, { dialect: ctx.engine.dialect, asOf, where });
    return { node, relation: String(args.model), standalone: gen(args.model), batched: gen(BATCH_RELATION) };
  });
  const relation = prepared[0].relation;
  if (prepared.some((p) => p.relation !== relation)) throw new Error('a test batch must test one relation');
  const compileSeconds = (performance.now() - started) / 1000 / nodes.length;
  const { outcomes } = await runDataTestBatch(
    ctx.engine,
    relation,
    prepared.map((p) => ({ sql: p.batched, config: testConfig(p.node), where: `${p.node.location.file}:${p.node.location.line}` })),
    nodes[0].attachedNode,
  );
  return outcomes.map((o, i) => ({
    status: o.status,
    message: o.message,
    failures: o.failures,
    compiledCode: prepared[i].standalone,
    statements: o.statements,
    compileSeconds,
  }));
}

/** The test's SQL, and for a built-in key test the question an engine may prove instead. */
function prepareTest(ctx: NodeRunContext, node: TestNode): { sql: string; check?: KeyTestCheck } {
  if (node.kind === 'singular') return { sql: compileNode(ctx.project, node.uniqueId, ctx.compile).sql };
  const name = node.testMetadata.name;
  // A project-defined generic test ({% test name(model, ...) %}) is rendered by the front end.
  if (isProjectGenericTest(ctx.project, node)) return { sql: compileNode(ctx.project, node.uniqueId, ctx.compile).sql };
  if (!GENERIC_TESTS.includes(name)) {
    throw new InputError(`${node.location.file}:${node.location.line}: unknown generic test '${name}' (known: ${GENERIC_TESTS.join(', ')}, or a {% test %} macro in the project)`);
  }
  const args = resolveTestArgs(ctx.project, node, ctx.compile);
  const asOf = String(ctx.vars.as_of ?? '');
  const where = renderTestWhere(ctx.project, node, ctx.compile);
  const genericCtx = { dialect: ctx.engine.dialect, asOf, where };
  try {
    return { sql: genericTestSql(name, args, genericCtx), check: keyTestCheck(name, args, genericCtx) };
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`${node.location.file}:${node.location.line}: ${error.message}`);
    throw error;
  }
}
