import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { InputError } from '../../contract/errors.ts';
import { buildManifest, writeManifest } from '../../warehouse/artifacts/manifest.ts';
import { bigqueryOptionsFromEnv, datasetIdOf, parseDatasets, resolveBigQueryConfig } from '../../warehouse/bigquery/config.ts';
import { createBigQueryDialect } from '../../warehouse/bigquery/dialect.ts';
import { readDbtProfile } from '../../warehouse/bigquery/profiles.ts';
import { selectNodes } from '../../warehouse/dag/select.ts';
import type { Dialect } from '../../warehouse/dialect.ts';
import { duckdbDialect } from '../../warehouse/duckdb/dialect.ts';
import { openDuckDB } from '../../warehouse/duckdb/engine.ts';
import { readScenarioVars } from '../../warehouse/runner/scenario.ts';
import { loadProject } from '../../warehouse/project/load.ts';
import { parseVarsFlag, resolveProjectDir } from '../../warehouse/project/locate.ts';
import type { CompileContext, CompiledNode, ExecutableNode, Project, TestNode } from '../../warehouse/project/types.ts';
import { compileInline, compileNode, isProjectGenericTest, relationFor, resolveTestArgs } from '../../warehouse/render/compile.ts';
import { genericTestSql } from '../../warehouse/testing/generic.ts';

const TARGET_NAMES = ['duckdb', 'bigquery'] as const;

interface CompileFlags {
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
function dialectFor(flags: CompileFlags): Dialect {
  const bqFlags = { '--bq-project': flags.bqProject, '--dataset-prefix': flags.datasetPrefix, '--bq-dataset': flags.bqDataset };
  if (flags.target === 'duckdb') {
    const given = Object.entries(bqFlags).filter(([, v]) => v !== undefined).map(([k]) => k);
    if (given.length) throw new InputError(`${given.join(', ')} ${given.length > 1 ? 'apply' : 'applies'} only to --target bigquery`);
    return duckdbDialect;
  }
  if (flags.target !== 'bigquery') throw new InputError(`--target ${flags.target}: not one of ${TARGET_NAMES.join(', ')}`);
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

export function registerCompile(program: Command): void {
  program
    .command('compile')
    .description('render every selected model, snapshot and test to SQL for a target, into target/compiled/<target>/, and write target/manifest.json (no warehouse needed)')
    .option('-s, --select <selector...>', 'nodes to compile (dbt syntax: name, +name, name+, tag:x, path:x, config.materialized:x; space = union, comma = intersection)')
    .option('--exclude <selector...>', 'nodes to leave out (same syntax)')
    .addOption(new Option('--target <target>', 'SQL dialect to compile for').choices([...TARGET_NAMES]).default('duckdb'))
    .option('--vars <yaml>', "vars as YAML or JSON over dbt_project.yml's, e.g. '{as_of: 2024-06-30}'")
    .option('--project-dir <dir>', 'model project (default: the current folder if it has dbt_project.yml, else the built-in project)')
    .option('--schema-prefix <prefix>', 'per-developer prefix for every schema/dataset (<prefix>_staging, ...)')
    .option('--warehouse <file>', "read a built DuckDB warehouse, like dbt compile reads the target: scenario vars from landing._sim_meta, and is_incremental() true for incremental models that exist there")
    .option('--full-refresh', 'with --warehouse: compile incremental models as full rebuilds')
    .option('--bq-project <id>', "BigQuery: project in relation names (env SIM_BQ_PROJECT, GOOGLE_CLOUD_PROJECT, or the dbt profile's)")
    .option('--dataset-prefix <prefix>', 'BigQuery: prefix for every dataset, e.g. dev_alice_ (env SIM_BQ_DATASET_PREFIX)')
    .option('--bq-dataset <layer=dataset>', 'BigQuery: dataset of a layer, repeatable', (value: string, previous: string[] = []) => [...previous, value])
    .option('--inline <sql>', "compile this query instead of the project's nodes and print it, e.g. \"select * from {{ ref('fact_orders') }}\"")
    .option('--json', 'print the compiled nodes as JSON instead of a summary')
    .addHelpText('after', `
Without --warehouse, incremental models compile as on a first build (is_incremental() is
false) and scenario vars (as_of, start_date, end_date) come from dbt_project.yml; --vars
overrides them either way.
Generic tests compile to the SELECT of failing rows that sim test runs.`)
    .action(async (flags: CompileFlags) => {
      if (flags.inline !== undefined) {
        const sql = await compileInlineQuery(flags);
        process.stdout.write(sql.endsWith('\n') ? sql : `${sql}\n`);
        return;
      }
      const result = await compileProject(flags);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result.files, null, 2)}\n`);
        return;
      }
      process.stderr.write(`compiled ${result.files.length} node(s) for ${flags.target} into ${path.relative(process.cwd(), result.dir) || '.'}; wrote ${path.relative(process.cwd(), result.manifest)}\n`);
      // Like dbt compile --select: one model or snapshot selected, its SQL on stdout.
      if (result.single) process.stdout.write(result.single.endsWith('\n') ? result.single : `${result.single}\n`);
    });
}

export interface CompileResult {
  dir: string;
  manifest: string;
  files: Array<{ unique_id: string; path: string }>;
  /** The compiled SQL when --select picked exactly one model or snapshot (tests aside). */
  single?: string;
}

export async function compileProject(flags: CompileFlags, cwd = process.cwd()): Promise<CompileResult> {
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
export async function compileInlineQuery(flags: CompileFlags, cwd = process.cwd()): Promise<string> {
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
  try {
    return genericTestSql(node.testMetadata.name, args, { dialect: ctx.dialect, asOf, where: node.config.where });
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`${node.location.file}:${node.location.line}: ${error.message}`);
    throw error;
  }
}
