/**
 * `target/manifest.json` in dbt's v12 shape, so dbt tooling (and the docs site) can read it:
 * nodes (models, seeds, snapshots, tests), sources, macros, unit_tests, parent_map, child_map,
 * metadata. Compiled code is included for the nodes that were compiled.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CompiledNode, ExecutableNode, Project, SourceTable, TargetInfo, UnitTestNode, ColumnDef, Hook } from '../project/types.ts';
import { relationFor } from '../render/compile.ts';
import { DBT_VERSION } from '../render/jinja.ts';
import type { Dialect } from '../dialect.ts';

export const MANIFEST_SCHEMA = 'https://schemas.getdbt.com/dbt/manifest/v12.json';
export { DBT_VERSION };

export interface ManifestOptions {
  dialect: Dialect;
  target: TargetInfo;
  /** Compiled SQL by unique id (from `sim compile` or a build). */
  compiled?: Map<string, CompiledNode>;
  /** ISO time; artifacts carry when they were made, like dbt's (not data, so not the scenario date). */
  generatedAt?: string;
  invocationId?: string;
  /** Path (relative to the project) where compiled files were written, by unique id. */
  compiledPaths?: Map<string, string>;
}

export function buildManifest(project: Project, options: ManifestOptions): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  for (const node of project.nodes.values()) nodes[node.uniqueId] = manifestNode(project, node, options);
  const sources: Record<string, unknown> = {};
  for (const source of project.sources.values()) sources[source.uniqueId] = manifestSource(source, options);
  const macros: Record<string, unknown> = {};
  for (const macro of project.macros.values()) {
    macros[macro.uniqueId] = {
      name: macro.name,
      resource_type: 'macro',
      package_name: macro.packageName,
      path: macro.path,
      original_file_path: macro.originalFilePath,
      unique_id: macro.uniqueId,
      macro_sql: macro.macroSql,
      depends_on: { macros: [] },
      description: macro.description,
      meta: {},
      docs: { show: true, node_color: null },
      patch_path: null,
      arguments: macro.arguments.map((name) => ({ name, type: null, description: '' })),
      created_at: 0,
      supported_languages: null,
    };
  }
  const unitTests: Record<string, unknown> = {};
  for (const unit of project.unitTests.values()) unitTests[unit.uniqueId] = manifestUnitTest(unit);
  const toObject = (map: Map<string, string[]>) => Object.fromEntries([...map].map(([k, v]) => [k, [...v].sort()]));
  return {
    metadata: {
      dbt_schema_version: MANIFEST_SCHEMA,
      dbt_version: DBT_VERSION,
      generated_at: options.generatedAt ?? new Date().toISOString(),
      invocation_id: options.invocationId ?? null,
      env: {},
      project_name: project.name,
      project_id: null,
      user_id: null,
      send_anonymous_usage_stats: false,
      adapter_type: options.dialect.name,
    },
    nodes,
    sources,
    macros,
    docs: Object.fromEntries(
      [...project.docs.values()].map((d) => [d.uniqueId, { name: d.name, resource_type: 'doc', package_name: d.packageName, path: d.path, original_file_path: d.originalFilePath, unique_id: d.uniqueId, block_contents: d.blockContents }]),
    ),
    exposures: {},
    metrics: {},
    groups: {},
    selectors: {},
    disabled: {},
    parent_map: toObject(project.parentMap),
    child_map: toObject(project.childMap),
    group_map: {},
    saved_queries: {},
    semantic_models: {},
    unit_tests: unitTests,
  };
}

function columns(cols: Record<string, ColumnDef>): Record<string, unknown> {
  return Object.fromEntries(
    Object.values(cols).map((c) => [c.name, { name: c.name, description: c.description, meta: c.meta, data_type: c.data_type ?? null, constraints: [], quote: c.quote ?? null, tags: c.tags, granularity: null }]),
  );
}

function manifestNode(project: Project, node: ExecutableNode, options: ManifestOptions): Record<string, unknown> {
  const compiled = options.compiled?.get(node.uniqueId);
  const hasRelation = node.resourceType !== 'test' && !(node.resourceType === 'model' && node.config.materialized === 'ephemeral');
  const relation = node.resourceType === 'test' ? { schema: options.target.schema, identifier: node.name, database: options.target.database } : relationFor(node, options.target);
  // dbt's manifest spells hooks `pre-hook` / `post-hook`, each a Hook {sql, transaction, index}.
  const hook = (h: Hook) => ({ sql: h.sql, transaction: h.transaction, index: null });
  const config = { ...node.config, 'pre-hook': node.config.pre_hook.map(hook), 'post-hook': node.config.post_hook.map(hook) } as Record<string, unknown>;
  delete config.pre_hook;
  delete config.post_hook;
  const out: Record<string, unknown> = {
    database: relation.database ?? null,
    schema: relation.schema,
    name: node.name,
    resource_type: node.resourceType,
    package_name: node.packageName,
    path: node.path,
    original_file_path: node.originalFilePath,
    unique_id: node.uniqueId,
    fqn: node.fqn,
    alias: relation.identifier,
    checksum: { name: 'sha256', checksum: node.checksum },
    config,
    tags: node.config.tags,
    description: node.description,
    columns: columns(node.columns),
    meta: node.config.meta,
    group: null,
    docs: { show: true, node_color: null },
    patch_path: node.patchPath ? `${project.name}://${node.patchPath}` : null,
    build_path: null,
    unrendered_config: node.unrenderedConfig,
    created_at: 0,
    relation_name: hasRelation ? options.dialect.relation(relation.schema, relation.identifier) : null,
    raw_code: node.rawCode,
    language: 'sql',
    refs: node.refs.map((r) => ({ name: r.name, package: r.package ?? null, version: r.version ?? null })),
    sources: node.sources,
    metrics: [],
    depends_on: { macros: node.dependsOn.macros, nodes: node.dependsOn.nodes },
    compiled_path: options.compiledPaths?.get(node.uniqueId) ?? null,
    compiled: compiled !== undefined,
    compiled_code: compiled?.sql ?? null,
    extra_ctes_injected: compiled !== undefined,
    extra_ctes: (compiled?.extraCtes ?? []).map((c) => ({ id: c.id, sql: c.sql })),
    contract: { enforced: false, alias_types: true, checksum: null },
  };
  if (node.resourceType === 'model') Object.assign(out, { access: 'protected', constraints: [], version: null, latest_version: null, deprecation_date: null });
  if (node.resourceType === 'seed') Object.assign(out, { root_path: project.root, depends_on: { macros: [] } });
  if (node.resourceType === 'test' && node.kind === 'generic') {
    Object.assign(out, {
      test_metadata: { name: node.testMetadata.name, kwargs: node.testMetadata.kwargs, namespace: node.testMetadata.namespace ?? null },
      column_name: node.columnName ?? null,
      file_key_name: node.fileKeyName,
      attached_node: node.attachedNode.startsWith('source.') ? null : node.attachedNode,
    });
  }
  return out;
}

function manifestSource(source: SourceTable, options: ManifestOptions): Record<string, unknown> {
  const relation = relationFor(source, options.target);
  return {
    database: relation.database ?? null,
    schema: relation.schema,
    name: source.name,
    resource_type: 'source',
    package_name: source.packageName,
    path: source.path,
    original_file_path: source.originalFilePath,
    unique_id: source.uniqueId,
    fqn: source.fqn,
    source_name: source.sourceName,
    source_description: source.sourceDescription,
    loader: '',
    identifier: source.identifier,
    quoting: { database: null, schema: null, identifier: null, column: null },
    loaded_at_field: source.loadedAtField ?? null,
    freshness: source.freshness ?? { warn_after: { count: null, period: null }, error_after: { count: null, period: null }, filter: null },
    external: null,
    description: source.description,
    columns: columns(source.columns),
    meta: source.meta,
    source_meta: {},
    tags: source.tags,
    config: { enabled: true },
    patch_path: null,
    unrendered_config: {},
    relation_name: options.dialect.relation(relation.schema, relation.identifier),
    created_at: 0,
  };
}

function manifestUnitTest(unit: UnitTestNode): Record<string, unknown> {
  return {
    model: unit.model.split('.').pop(),
    given: unit.given.map((g) => ({ input: g.input, rows: g.format === 'sql' ? g.sql : g.rows, format: g.format, fixture: null })),
    expect: { rows: unit.expect.format === 'sql' ? unit.expect.sql : unit.expect.rows, format: unit.expect.format, fixture: null },
    name: unit.name,
    resource_type: 'unit_test',
    package_name: unit.packageName,
    path: unit.path,
    original_file_path: unit.originalFilePath,
    unique_id: unit.uniqueId,
    fqn: unit.fqn,
    description: unit.description,
    overrides: unit.overrides,
    depends_on: { macros: [], nodes: unit.dependsOn.nodes },
    config: { tags: unit.config.tags, meta: unit.config.meta, enabled: unit.config.enabled },
    checksum: null,
    schema: null,
    created_at: 0,
    versions: null,
    version: null,
  };
}

/** Writes `<targetDir>/manifest.json` and returns its path. */
export function writeManifest(targetDir: string, manifest: Record<string, unknown>): string {
  mkdirSync(targetDir, { recursive: true });
  const file = path.join(targetDir, 'manifest.json');
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return file;
}
