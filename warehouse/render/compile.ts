/**
 * Compile phase: renders one parsed node for one target (dialect, schema, vars, is_incremental)
 * and injects ephemeral parents as CTEs, as dbt-core's compiler does. Pure and synchronous: no
 * warehouse access, so the runner can compile a node the moment its parents are built.
 */
import { InputError } from '../../contract/errors.ts';
import { modelConfig } from '../project/config.ts';
import { runtimeOf, SCENARIO_VARS, staticRefs, staticSources } from '../project/load.ts';
import type {
  CompileContext, CompiledNode, ExecutableNode, GenericTestNode, ModelNode, Project, RelationRef, SourceTable, TargetInfo, TestNode,
} from '../project/types.ts';
import { splitKwargs, type RenderScope, type TemplateSource } from './jinja.ts';
import { Relation } from './relation.ts';

/**
 * Where a model/seed/snapshot lives for a target: schema = `[schema_prefix_]` + (config.schema ??
 * target.schema), identifier = config.alias ?? name. The custom schema is used as is (staging,
 * marts, consumption: one dataset per layer on BigQuery), not appended to the target schema as
 * dbt's default generate_schema_name does. Sources keep their own schema, also prefixed.
 */
export function relationFor(node: ExecutableNode | SourceTable, target: TargetInfo): RelationRef {
  const prefix = target.schema_prefix ? `${target.schema_prefix}_` : '';
  if (node.resourceType === 'source') {
    return { database: node.database ?? target.database, schema: `${prefix}${node.schema}`, identifier: node.identifier };
  }
  const config = node.config;
  return {
    database: config.database ?? target.database,
    schema: `${prefix}${config.schema ?? target.schema}`,
    identifier: config.alias ?? node.name,
  };
}

/** The relation as SQL for the dialect (database-qualified when a database is set and differs). */
export function renderRelation(relation: RelationRef, ctx: CompileContext): string {
  const name = ctx.dialect.relation(relation.schema, relation.identifier);
  return relation.database && !name.includes(relation.database) ? `${ctx.dialect.quoteIdentifier(relation.database)}.${name}` : name;
}

/** The CTE name dbt gives an inlined ephemeral model. */
export function ephemeralCteName(node: ExecutableNode): string {
  return `__dbt__cte__${node.name}`;
}

/** Vars seen by a compile: ctx vars > dbt_project.yml vars (global, then project-scoped). */
export function resolveVars(project: Project, ctx: CompileContext): Record<string, unknown> {
  const vars = project.config.vars;
  const scoped = vars[project.name] && typeof vars[project.name] === 'object' ? (vars[project.name] as Record<string, unknown>) : {};
  const global = Object.fromEntries(Object.entries(vars).filter(([k]) => k !== project.name));
  return { ...global, ...scoped, ...(ctx.vars ?? {}) };
}

/**
 * Renders a model, snapshot (its select body), singular test, or a generic test defined by a
 * project `{% test %}` macro, to SQL for `ctx`. Built-in generic tests (unique, not_null, ...)
 * are rendered by the runner from `resolveTestArgs`; asking for one here throws.
 * Throws InputError with the node's `file:line` on a rendering error (undefined macro, missing var, ...).
 */
export function compileNode(project: Project, nodeId: string, ctx: CompileContext): CompiledNode {
  return new NodeCompiler(project, ctx).compile(nodeId);
}

/**
 * Compiles a query given on the command line (dbt's `compile --inline`): its ref()/source()
 * calls must name nodes of the project. It is never added to the project.
 */
export function compileInline(project: Project, sql: string, ctx: CompileContext): string {
  const name = 'inline_query';
  const node: ModelNode = {
    uniqueId: `sql_operation.${project.name}.${name}`,
    resourceType: 'model',
    name,
    packageName: project.name,
    path: '<inline>',
    originalFilePath: '<inline>',
    location: { file: '<inline>', line: 1 },
    fqn: [project.name, name],
    description: '',
    columns: {},
    rawCode: sql,
    rawCodeLine: 1,
    checksum: '',
    refs: staticRefs(sql),
    sources: staticSources(sql),
    dependsOn: { nodes: [], macros: [] },
    unrenderedConfig: {},
    config: modelConfig({ materialized: 'ephemeral' }, '<inline>:1'),
  };
  for (const ref of node.refs) {
    const id = project.refIndex.get(ref.name);
    if (!id) throw new InputError(`--inline: ref('${ref.name}') names no model, seed or snapshot`);
    node.dependsOn.nodes.push(id);
  }
  for (const [source, table] of node.sources) node.dependsOn.nodes.push(`source.${project.name}.${source}.${table}`);
  project.nodes.set(node.uniqueId, node);
  try {
    return compileNode(project, node.uniqueId, ctx).sql;
  } finally {
    project.nodes.delete(node.uniqueId);
  }
}

/**
 * A generic test's arguments rendered for a target: `model` becomes the tested relation's SQL
 * name, Jinja in string arguments (`to: ref('dim_customers')`, also written without braces as in
 * dbt) is rendered, `column_name` kept.
 */
export function resolveTestArgs(project: Project, test: GenericTestNode, ctx: CompileContext): Record<string, unknown> {
  const compiler = new NodeCompiler(project, ctx);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(test.testMetadata.kwargs)) {
    out[key] = typeof value === 'string' ? compiler.renderArgument(test, value) : value;
  }
  return out;
}

/**
 * A test's `config.where` rendered for a target, as dbt renders it: Jinja with the test's
 * context (var(), env_var(), target, the project's and dbt's macros). A plain predicate is
 * returned as written; no where gives undefined.
 */
export function renderTestWhere(project: Project, test: TestNode, ctx: CompileContext): string | undefined {
  const where = test.config.where;
  if (where === undefined || !hasJinja(where)) return where;
  return new NodeCompiler(project, ctx).renderText(test, where, `${test.location.file}:${test.location.line}: config where`);
}

/** dbt's spelling of the two hook configs, as users read it in messages and the manifest. */
export type HookPhase = 'pre-hook' | 'post-hook';

/**
 * A model's, seed's or snapshot's hooks of one phase rendered for a target, in run order. They
 * see what the node sees (var(), env_var(), target, ref(), macros, is_incremental() as given
 * in ctx), with `{{ this }}` the node's final relation, never the scratch one it is built in.
 */
export function renderHooks(project: Project, node: ExecutableNode, ctx: CompileContext, phase: HookPhase): string[] {
  const hooks = phase === 'pre-hook' ? node.config.pre_hook : node.config.post_hook;
  if (!hooks.length) return [];
  const compiler = new NodeCompiler(project, { ...ctx, thisRelation: undefined });
  const at = `${node.originalFilePath}:${node.location.line}`;
  return hooks.map((hook, i) => compiler.renderText(node, hook.sql, `${at}: ${phase} ${i + 1} of ${node.resourceType} ${node.name}`));
}

function hasJinja(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

/** True when this generic test is a project `{% test %}` macro that compileNode can render. */
export function isProjectGenericTest(project: Project, test: GenericTestNode): boolean {
  return !test.testMetadata.namespace && project.macros.has(`macro.${project.name}.test_${test.testMetadata.name}`);
}

class NodeCompiler {
  private readonly vars: Record<string, unknown>;
  private readonly ephemeralSql = new Map<string, string>();

  constructor(
    private readonly project: Project,
    private readonly ctx: CompileContext,
  ) {
    this.vars = resolveVars(project, ctx);
  }

  compile(nodeId: string): CompiledNode {
    const node = this.project.nodes.get(nodeId);
    if (!node) throw new InputError(`unknown node '${nodeId}'`);
    const ctes: string[] = [];
    let sql: string;
    if (node.resourceType === 'seed') sql = '';
    else if (node.resourceType === 'test' && node.kind === 'generic') sql = this.renderProjectGenericTest(node, ctes);
    else sql = this.render(node, ctes, true);
    const extraCtes = ctes.map((id) => ({ id, sql: this.ephemeralSql.get(id)! }));
    const relation = node.resourceType === 'test' || (node.resourceType === 'model' && node.config.materialized === 'ephemeral') ? undefined : relationFor(node, this.ctx.target);
    return {
      uniqueId: node.uniqueId,
      sql: injectCtes(sql, extraCtes.map(({ id, sql: body }) => ({ name: ephemeralCteName(this.project.nodes.get(id)!), sql: body }))),
      relation,
      relationName: relation ? renderRelation(relation, this.ctx) : undefined,
      extraCtes,
      config: node.config,
    };
  }

  /** Renders a node's Jinja; ephemeral refs are collected into `ctes` (parents first). */
  private render(node: ExecutableNode, ctes: string[], isRoot: boolean): string {
    const source: TemplateSource = { file: node.originalFilePath, text: node.rawCode, firstLine: node.rawCodeLine };
    return runtimeOf(this.project).render(source, this.scope(node, ctes, isRoot));
  }

  /** `isRoot`: the node being compiled (not an ephemeral parent): only it sees ctx.thisRelation and ctx.isIncremental. */
  private scope(node: ExecutableNode, ctes: string[], isRoot: boolean): RenderScope {
    const ctx = this.ctx;
    const isIncremental = isRoot && (ctx.isIncremental ?? false);
    const thisRelation = isRoot && ctx.thisRelation ? ctx.thisRelation : node.resourceType === 'test' ? undefined : relationFor(node, ctx.target);
    return {
      dialect: ctx.dialect.name,
      vars: this.vars,
      ref: (args) => this.ref(node, args, ctes),
      source: (args) => this.source(node, args),
      config: () => undefined,
      getVar: (name, fallback, hasFallback) => {
        if (name in this.vars) return this.vars[name];
        if (hasFallback) return fallback;
        const hint = (SCENARIO_VARS as readonly string[]).includes(name) ? ' (the runner sets it from landing._sim_meta; pass --vars to compile without a landing)' : '';
        throw new InputError(`var('${name}') is not defined${hint}`);
      },
      isIncremental: () => isIncremental && node.resourceType === 'model' && node.config.materialized === 'incremental',
      this: thisRelation ? this.relationObject(thisRelation) : undefined,
      target: { ...ctx.target, profile_name: this.project.config.profile ?? this.project.name, threads: 1 },
      execute: true,
      envVars: ctx.env ?? process.env,
      model: { name: node.name, unique_id: node.uniqueId, resource_type: node.resourceType, config: node.config, original_file_path: node.originalFilePath },
    };
  }

  private relationObject(relation: RelationRef): Relation {
    return new Relation(relation.database, relation.schema, relation.identifier, renderRelation(relation, this.ctx));
  }

  private ref(from: ExecutableNode, args: unknown[], ctes: string[]): unknown {
    const { positional } = splitKwargs(args);
    const name = String(positional[positional.length - 1]);
    const id = this.project.refIndex.get(name);
    if (!id) throw new InputError(`ref('${name}') names no model, seed or snapshot`);
    if (!from.dependsOn.nodes.includes(id)) {
      // dbt's rule: refs are known at parse time; one that only a compile-time branch reaches was never ordered.
      throw new InputError(`ref('${name}') was not seen when ${from.name} was parsed (a ref computed at run time); add "-- depends_on: {{ ref('${name}') }}" to the model`);
    }
    const override = this.ctx.resolveRelation?.(id);
    const target = this.project.nodes.get(id)!;
    if (override !== undefined) return new Relation(undefined, '', target.name, override);
    if (target.resourceType === 'model' && target.config.materialized === 'ephemeral') {
      this.collectEphemeral(target, ctes, [from.uniqueId]);
      return new Relation(undefined, '', ephemeralCteName(target), ephemeralCteName(target));
    }
    return this.relationObject(relationFor(target, this.ctx.target));
  }

  private source(from: ExecutableNode, args: unknown[]): unknown {
    const { positional } = splitKwargs(args);
    const id = `source.${this.project.name}.${positional[0]}.${positional[1]}`;
    const table = this.project.sources.get(id);
    if (!table) throw new InputError(`source('${positional[0]}', '${positional[1]}') is not declared (in ${from.originalFilePath})`);
    const override = this.ctx.resolveRelation?.(id);
    if (override !== undefined) return new Relation(undefined, '', table.identifier, override);
    return this.relationObject(relationFor(table, this.ctx.target));
  }

  /** Renders an ephemeral model (and its own ephemeral parents first) once per compile. */
  private collectEphemeral(node: ModelNode, ctes: string[], stack: string[]): void {
    if (ctes.includes(node.uniqueId)) return;
    if (stack.includes(node.uniqueId)) throw new InputError(`${node.originalFilePath}:1: ephemeral cycle through ${node.name}`);
    const own: string[] = [];
    const sql = this.render(node, own, false);
    for (const id of own) if (!ctes.includes(id)) ctes.push(id);
    this.ephemeralSql.set(node.uniqueId, sql);
    ctes.push(node.uniqueId);
  }

  private renderProjectGenericTest(test: GenericTestNode, ctes: string[]): string {
    if (!isProjectGenericTest(this.project, test)) {
      throw new InputError(`${test.location.file}:${test.location.line}: '${test.testMetadata.namespace ? test.testMetadata.namespace + '.' : ''}${test.testMetadata.name}' is a built-in test: render it with the runner's generic test SQL (warehouse/testing) from resolveTestArgs()`);
    }
    const args = resolveTestArgs(this.project, test, this.ctx);
    // dbt hands a test macro its model already filtered by config.where (get_where_subquery).
    const where = renderTestWhere(this.project, test, this.ctx);
    if (where !== undefined) args.model = `(select * from ${String(args.model)} where ${where}) dbt_subquery`;
    const scope = this.scope(test, ctes, true);
    const macro = `test_${test.testMetadata.name}`;
    try {
      return runtimeOf(this.project).callMacro(macro, args, scope);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new InputError(`${test.location.file}:${test.location.line}: test ${test.name}: ${message}`);
    }
  }

  /**
   * Renders a config string (a test's where, a model's hook) in the node's context. `what`
   * names the string for an error ("models/x.sql:1: pre-hook 2 of model x"); Jinja errors keep
   * their own message after it.
   */
  renderText(node: ExecutableNode, text: string, what: string): string {
    const source: TemplateSource = { file: node.originalFilePath, text, firstLine: node.location.line };
    try {
      return runtimeOf(this.project).render(source, this.scope(node, [], true));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new InputError(`${what}: ${message.replace(/^[^\s:]+:\d+: /, '')}`);
    }
  }

  /** A YAML test argument: `ref('x')` / `source('a','b')` bare (dbt allows it) or Jinja in braces. */
  renderArgument(test: GenericTestNode, value: string): string {
    // The common case (every test's `model`, most `to:`) needs no template: a literal ref/source.
    const call = /^\s*(?:\{\{\s*)?(ref|source)\(\s*'([^']+)'\s*(?:,\s*'([^']+)'\s*)?\)(?:\s*\}\})?\s*$/.exec(value.replaceAll('"', "'"));
    if (call) {
      const args = call[3] === undefined ? [call[2]] : [call[2], call[3]];
      return String(call[1] === 'ref' ? this.ref(test, args, []) : this.source(test, args));
    }
    const text = /^\s*(ref|source)\s*\(.*\)\s*$/.test(value) ? `{{ ${value} }}` : value;
    if (!text.includes('{{') && !text.includes('{%')) return value;
    const source: TemplateSource = { file: test.location.file, text, firstLine: test.location.line };
    const rendered = runtimeOf(this.project).render(source, this.scope(test, [], false));
    return rendered;
  }
}

/**
 * Prepends ephemeral CTEs to a query, merging with the query's own WITH clause when it has one
 * (after leading comments), as dbt's `_inject_ctes_into_sql` does.
 */
export function injectCtes(sql: string, ctes: Array<{ name: string; sql: string }>): string {
  if (ctes.length === 0) return sql;
  const defs = ctes.map((c) => `${c.name} as (\n${c.sql.trim()}\n)`).join(',\n');
  const leading = /^(\s*(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)?)*\s*/.exec(sql)?.[0] ?? '';
  const rest = sql.slice(leading.length);
  const withMatch = /^with(\s+recursive)?\s+/i.exec(rest);
  if (withMatch) return `${leading}${withMatch[0]}${defs},\n${rest.slice(withMatch[0].length)}`;
  return `${leading}with ${defs}\n${rest}`;
}
