/**
 * `sim compile` as a function: renders the selected nodes of a project for a target into
 * `target/compiled/<target>/...` and writes `target/manifest.json`, optionally reading a built
 * DuckDB warehouse for the landed scenario and the relations that exist (as dbt compile reads
 * its target). Also used by `sim docs generate`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../contract/errors.ts';
import { buildManifest, writeManifest } from '../artifacts/manifest.ts';
import { bigqueryOptionsFromEnv, datasetIdOf, parseDatasets, resolveBigQueryConfig } from '../bigquery/config.ts';
import { createBigQueryDialect } from '../bigquery/dialect.ts';
import { readDbtProfile } from '../bigquery/profiles.ts';
import { selectNodes } from '../dag/select.ts';
import type { Dialect } from '../dialect.ts';
import { duckdbDialect } from '../duckdb/dialect.ts';
import { openDuckDB } from '../duckdb/engine.ts';
import { loadProject } from '../project/load.ts';
import { parseVarsFlag, resolveProjectDir } from '../project/locate.ts';
import type { CompileContext, CompiledNode, ExecutableNode, Project, TestNode } from '../project/types.ts';
import { readScenarioVars } from '../runner/scenario.ts';
import { genericTestSql } from '../testing/generic.ts';
import { compileInline, compileNode, isProjectGenericTest, relationFor, renderTestWhere, resolveTestArgs } from './compile.ts';

export const COMPILE_TARGETS = ['duckdb', 'bigquery'] as const;

/** The flags of `sim compile` (strings as given on the command line). */
export interface CompileOptions {
  select?: string[];
  exclude?: string[];
  target: string;
  vars?: string;
  projectDir?: string;
  schemaPrefix?: string;
  json?: boolean;
  warehouse?: string;
  fullRefresh?: boolean;
  inline?: string;
  bqProject?: string;
  datasetPrefix?: string;
  bqDataset?: string[];
}

/**
 * The dialect to compile for. For BigQuery, relations are named as a run would name them:
 * project and dataset ids from the flags, the environment (SIM_BQ_*) or the dbt profile, the
 * same sources and precedence as `sim build --target bigquery`, without opening a connection.
 */
function dialectFor(flags: CompileOptions): Dialect {
  const bqFlags = { '--bq-project': flags.bqProject, '--dataset-prefix': flags.datasetPrefix, '--bq-dataset': flags.bqDataset };
  if (flags.target === 'duckdb') {
    const given = Object.entries(bqFlags).filter(([, v]) => v !== undefined).map(([k]) => k);
    if (given.length) throw new InputError(`${given.join(', ')} ${given.length > 1 ? 'apply' : 'applies'} only to --target bigquery`);
    return duckdbDialect;
  }
  if (flags.target !== 'bigquery') throw new InputError(`--target ${flags.target}: not one of ${COMPILE_TARGETS.join(', ')}`);
  if (flags.schemaPrefix !== undefined && flags.datasetPrefix !== undefined) {
    throw new InputError('--schema-prefix and --dataset-prefix both prefix BigQuery datasets: give one (--dataset-prefix dev_ana_ is what sim build --target bigquery takes)');
  }
  const config = resolveBigQueryConfig(
    { project: flags.bqProject, datasetPrefix: flags.datasetPrefix, datasets: flags.bqDataset ? parseDatasets(flags.bqDataset) : undefined },
    bigqueryOptionsFromEnv(),
    readDbtProfile(),
  );
  return createBigQueryDialect({ projectId: config.projectId, datasetId: (schema) => datasetIdOf(config, schema) });
}

export interface CompileResult {
  dir: string;
  manifest: string;
  files: Array<{ unique_id: string; path: string }>;
  /** The compiled SQL when --select picked exactly one model or snapshot (tests aside). */
  single?: string;
}

export async function compileProject(flags: CompileOptions, cwd = process.cwd()): Promise<CompileResult> {
  const dialect = dialectFor(flags);
  const cliVars = parseVarsFlag(flags.vars);
  const project = await loadProject(resolveProjectDir(flags.projectDir, cwd), { vars: cliVars });
  const target = { name: flags.target, type: dialect.name, schema: 'main', ...(flags.schemaPrefix ? { schema_prefix: flags.schemaPrefix } : {}) };
  const built = flags.warehouse === undefined ? undefined : await readWarehouse(path.resolve(cwd, flags.warehouse));
  const vars = built ? { ...built.vars, ...(cliVars ?? {}) } : cliVars;
  const ctx: CompileContext = { dialect, target, vars, isIncremental: false };
  /** dbt's is_incremental(): an incremental model whose relation already exists, without --full-refresh. */
  const incremental = (node: ExecutableNode) => {
    if (!built || flags.fullRefresh || node.resourceType !== 'model' || node.config.materialized !== 'incremental' || node.config.full_refresh === true) return false;
    const relation = relationFor(node, target);
    return built.relations.has(`${relation.schema}.${relation.identifier}`.toLowerCase());
  };
  const ids = selectNodes(project, { select: flags.select, exclude: flags.exclude, resourceTypes: ['model', 'snapshot', 'test', 'seed'] });
  const targetDir = path.resolve(cwd, 'target');
  const outDir = path.join(targetDir, 'compiled', flags.target);
  const compiled = new Map<string, CompiledNode>();
  const compiledPaths = new Map<string, string>();
  const files: CompileResult['files'] = [];
  for (const id of ids) {
    const node = project.nodes.get(id)!;
    if (node.resourceType === 'seed') continue;
    const result = compileOne(project, node, { ...ctx, isIncremental: incremental(node) });
    compiled.set(id, result);
    const rel = compiledPathOf(node);
    const file = path.join(outDir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, result.sql.endsWith('\n') ? result.sql : `${result.sql}\n`);
    const shown = path.relative(cwd, file).split(path.sep).join('/');
    compiledPaths.set(id, path.join('target', 'compiled', flags.target, rel).split(path.sep).join('/'));
    files.push({ unique_id: id, path: shown });
  }
  const manifest = writeManifest(targetDir, buildManifest(project, { dialect, target: ctx.target, compiled, compiledPaths }));
  const picked = flags.select?.length ? ids.filter((id) => id.startsWith('model.') || id.startsWith('snapshot.')) : [];
  return { dir: outDir, manifest, files, single: picked.length === 1 ? compiled.get(picked[0])?.sql : undefined };
}

/** `--inline`: one query rendered against the project (nothing written). */
export async function compileInlineQuery(flags: CompileOptions, cwd = process.cwd()): Promise<string> {
  const dialect = dialectFor(flags);
  const cliVars = parseVarsFlag(flags.vars);
  const project = await loadProject(resolveProjectDir(flags.projectDir, cwd), { vars: cliVars });
  const built = flags.warehouse === undefined ? undefined : await readWarehouse(path.resolve(cwd, flags.warehouse));
  const target = { name: flags.target, type: dialect.name, schema: 'main', ...(flags.schemaPrefix ? { schema_prefix: flags.schemaPrefix } : {}) };
  return compileInline(project, flags.inline ?? '', { dialect, target, vars: built ? { ...built.vars, ...(cliVars ?? {}) } : cliVars });
}

/** The landed scenario and the relations of a built DuckDB warehouse (opened, read, closed). */
async function readWarehouse(file: string): Promise<{ vars: Record<string, string>; relations: Set<string> }> {
  if (!existsSync(file)) throw new InputError(`--warehouse ${file}: no such file (build one with sim run, or leave the flag out)`);
  const engine = await openDuckDB(file);
  try {
    const vars = await readScenarioVars(engine);
    const relations = new Set((await engine.listRelations()).map((r) => `${r.schema}.${r.name}`.toLowerCase()));
    return { vars, relations };
  } finally {
    await engine.close();
  }
}

/** dbt's layout: the SQL file's own path; a generic test under its YAML file's path. */
export function compiledPathOf(node: ExecutableNode): string {
  if (node.resourceType === 'test' && node.kind === 'generic') return `${node.originalFilePath}/${node.name}.sql`;
  return node.originalFilePath;
}

function compileOne(project: Project, node: ExecutableNode, ctx: CompileContext): CompiledNode {
  if (node.resourceType !== 'test' || node.kind === 'singular' || isProjectGenericTest(project, node)) return compileNode(project, node.uniqueId, ctx);
  return { uniqueId: node.uniqueId, sql: builtinTestSql(project, node, ctx), extraCtes: [], config: node.config };
}

/** A built-in generic test's failing-rows SELECT, from the runner's test SQL (warehouse/testing). */
function builtinTestSql(project: Project, node: TestNode & { kind: 'generic' }, ctx: CompileContext): string {
  const args = resolveTestArgs(project, node, ctx);
  const asOf = String(ctx.vars?.as_of ?? project.config.vars.as_of ?? '');
  const where = renderTestWhere(project, node, ctx);
  try {
    return genericTestSql(node.testMetadata.name, args, { dialect: ctx.dialect, asOf, where });
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`${node.location.file}:${node.location.line}: ${error.message}`);
    throw error;
  }
}
