/**
 * Parse phase: reads dbt_project.yml, properties YAML (sources, models, seeds, snapshots, unit
 * tests), models, seeds, snapshots, singular tests and macros into a `Project`. It renders each
 * SQL file once with a capturing context (to learn config(), ref() and source() calls, as dbt's
 * parser does) and never touches a warehouse or renders for a target.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../contract/errors.ts';
import { findCycle, cycleError } from '../dag/graph.ts';
import { JinjaRuntime, splitKwargs, type RenderScope, type TemplateSource } from '../render/jinja.ts';
import { Relation } from '../render/relation.ts';
import { checkConfigKey, KNOWN_CONFIG_KEYS, mergeLayers, modelConfig, projectLayers, seedConfig, snapshotConfig, testConfig, type ConfigLayer } from './config.ts';
import { genericTestName, parseTestEntry } from './generic-tests.ts';
import type {
  ColumnDef, DocBlock, ExecutableNode, GenericTestNode, MacroDef, ModelNode, Project, ProjectConfigFile, RefCall, SeedNode,
  SingularTestNode, SnapshotNode, SourceTable,
} from './types.ts';
import { closest } from './suggest.ts';
import { parseUnitTests } from './unit-tests.ts';
import { at, checkKeys, isRecord, parseYaml, type YamlFile } from './yaml.ts';

export interface LoadOptions {
  /** `--vars` (already parsed YAML/JSON): override dbt_project.yml vars during parse-time rendering. */
  vars?: Record<string, unknown>;
}

/** Vars the runner injects from `landing._sim_meta`; at parse time they may be unset. */
export const SCENARIO_VARS = ['as_of', 'start_date', 'end_date', 'seed'] as const;
const PARSE_PLACEHOLDERS: Record<string, unknown> = { as_of: '2000-01-31', start_date: '2000-01-01', end_date: '2000-01-31', seed: 0 };

const runtimes = new WeakMap<Project, JinjaRuntime>();

/** The Jinja runtime (with the project's macros) that compile uses for this project. */
export function runtimeOf(project: Project): JinjaRuntime {
  const runtime = runtimes.get(project);
  if (!runtime) throw new Error(`internal: project ${project.name} was not created by loadProject`);
  return runtime;
}

const PROJECT_KEYS = [
  'name', 'version', 'config-version', 'profile', 'model-paths', 'macro-paths', 'test-paths', 'seed-paths', 'snapshot-paths',
  'analysis-paths', 'docs-paths', 'asset-paths', 'target-path', 'clean-targets', 'log-path', 'packages-install-path', 'vars',
  'models', 'seeds', 'snapshots', 'tests', 'data_tests', 'sources', 'unit_tests', 'on-run-start', 'on-run-end',
  'require-dbt-version', 'quoting', 'dispatch', 'flags', 'query-comment', 'restrict-access', 'metrics', 'saved-queries',
  'semantic-models', 'exposures',
];
const PROPERTIES_KEYS = ['version', 'models', 'sources', 'seeds', 'snapshots', 'unit_tests', 'macros', 'exposures', 'metrics', 'semantic_models', 'saved_queries', 'groups', 'analyses'];
const NODE_KEYS = ['name', 'description', 'columns', 'tests', 'data_tests', 'config', 'docs', 'meta', 'tags', 'access', 'group', 'constraints', 'latest_version', 'versions', 'deprecation_date', 'relation'];
const COLUMN_KEYS = ['name', 'description', 'data_type', 'tests', 'data_tests', 'meta', 'tags', 'config', 'quote', 'constraints', 'policy_tags', 'granularity'];
const SOURCE_KEYS = ['name', 'description', 'schema', 'database', 'loader', 'tables', 'tags', 'meta', 'freshness', 'loaded_at_field', 'config', 'quoting', 'overrides'];
const SOURCE_TABLE_KEYS = ['name', 'description', 'identifier', 'columns', 'tests', 'data_tests', 'meta', 'tags', 'freshness', 'loaded_at_field', 'config', 'external', 'quoting', 'loader'];

/**
 * Loads and validates the project in `dir` (a folder with dbt_project.yml).
 * Throws InputError naming `file:line` for: bad YAML, unknown YAML key, duplicate model name,
 * unknown ref/source, undefined macro, a Jinja syntax error, and a dependency cycle.
 */
export async function loadProject(dir: string, options: LoadOptions = {}): Promise<Project> {
  return new Loader(path.resolve(dir), options).load();
}

interface YamlEntry {
  yaml: YamlFile;
  entry: Record<string, unknown>;
}

class Loader {
  private readonly runtime = new JinjaRuntime();
  private readonly nodes = new Map<string, ExecutableNode>();
  private readonly sources = new Map<string, SourceTable>();
  private readonly macros = new Map<string, MacroDef>();
  private readonly docs = new Map<string, DocBlock>();
  private readonly refIndex = new Map<string, string>();
  private config!: ProjectConfigFile;
  private projectYaml!: YamlFile;
  private vars: Record<string, unknown> = {};

  constructor(
    private readonly root: string,
    private readonly options: LoadOptions,
  ) {}

  load(): Project {
    this.readProjectFile();
    this.readMacros();
    this.readDocs();
    const yamls = this.readPropertiesFiles();
    this.readSources(yamls);
    this.readModels();
    this.readSeeds();
    this.readSnapshots(yamls);
    this.readSingularTests();
    this.applyProperties(yamls);
    this.finishConfigs();
    this.dropDisabled();
    this.resolveDependencies();
    this.readGenericTests(yamls);
    this.checkProjectConfigPaths();
    const project: Project = {
      root: this.root,
      name: this.config.name,
      config: this.config,
      nodes: this.nodes,
      sources: this.sources,
      unitTests: new Map(),
      macros: this.macros,
      docs: this.docs,
      parentMap: new Map(),
      childMap: new Map(),
      refIndex: this.refIndex,
    };
    for (const yaml of yamls) {
      const unitTests = (yaml.value as Record<string, unknown>).unit_tests;
      for (const unit of parseUnitTests(yaml, unitTests, project, this.testPathsAbs())) project.unitTests.set(unit.uniqueId, unit);
    }
    buildMaps(project);
    const cycle = findCycle(new Map([...project.parentMap].filter(([id]) => project.nodes.has(id))));
    if (cycle) throw cycleError(project, cycle);
    runtimes.set(project, this.runtime);
    return project;
  }

  // ---- files -------------------------------------------------------------------------------

  private rel(abs: string): string {
    return path.relative(this.root, abs).split(path.sep).join('/');
  }

  private read(abs: string): string {
    return readFileSync(abs, 'utf8').replace(/\r\n/g, '\n');
  }

  private abs(paths: string[]): string[] {
    return paths.map((p) => path.resolve(this.root, p));
  }

  private testPathsAbs(): string[] {
    return this.abs(this.config.testPaths);
  }

  /** Files under `dirs` with one of `exts`, sorted, skipping folders listed in `skip`. */
  private walk(dirs: string[], exts: string[], skip: string[] = []): string[] {
    const out: string[] = [];
    const visit = (dir: string) => {
      if (!existsSync(dir) || skip.includes(dir)) return;
      for (const name of readdirSync(dir).sort()) {
        if (name.startsWith('.')) continue;
        const abs = path.join(dir, name);
        if (statSync(abs).isDirectory()) visit(abs);
        else if (exts.some((e) => name.endsWith(e))) out.push(abs);
      }
    };
    for (const dir of dirs) visit(dir);
    return [...new Set(out)];
  }

  // ---- dbt_project.yml ---------------------------------------------------------------------

  private readProjectFile(): void {
    const file = path.join(this.root, 'dbt_project.yml');
    if (!existsSync(file)) throw new InputError(`${this.root}: no dbt_project.yml here (a project folder holds dbt_project.yml; pass --project-dir)`);
    const yaml = parseYaml('dbt_project.yml', this.read(file));
    const value = yaml.value;
    if (!isRecord(value)) throw new InputError('dbt_project.yml:1: expected a mapping with at least name:');
    checkKeys(yaml, value, PROJECT_KEYS, 'dbt_project.yml');
    if (typeof value.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value.name)) {
      throw new InputError(`dbt_project.yml:${yaml.keyLine(value, 'name') ?? 1}: name must be a project name of letters, digits and underscores`);
    }
    const list = (key: string, fallback: string[]) => {
      const v = value[key];
      if (v === undefined || v === null) return fallback;
      if (!Array.isArray(v)) throw new InputError(`dbt_project.yml:${yaml.keyLine(value, key)}: ${key} must be a list of folders`);
      return v.map(String);
    };
    const vars = isRecord(value.vars) ? value.vars : {};
    this.projectYaml = yaml;
    this.config = {
      name: value.name,
      version: value.version === undefined ? undefined : String(value.version),
      profile: typeof value.profile === 'string' ? value.profile : undefined,
      modelPaths: list('model-paths', ['models']),
      macroPaths: list('macro-paths', ['macros']),
      testPaths: list('test-paths', ['tests']),
      seedPaths: list('seed-paths', ['seeds']),
      snapshotPaths: list('snapshot-paths', ['snapshots']),
      targetPath: String(value['target-path'] ?? 'target'),
      vars,
    };
    // Global vars, then vars scoped to this project (`vars: {ecom_sim: {...}}`), then --vars.
    const scoped = isRecord(vars[value.name]) ? (vars[value.name] as Record<string, unknown>) : {};
    const global = Object.fromEntries(Object.entries(vars).filter(([k]) => k !== value.name));
    this.vars = { ...global, ...scoped, ...(this.options.vars ?? {}) };
  }

  private section(key: string): unknown {
    const value = this.projectYaml.value as Record<string, unknown>;
    if (key === 'data_tests') return value.data_tests ?? value.tests;
    return value[key];
  }

  // ---- macros ------------------------------------------------------------------------------

  private readMacros(): void {
    for (const abs of this.walk(this.abs(this.config.macroPaths), ['.sql'])) {
      const file = this.rel(abs);
      const found = this.runtime.addMacroFile({ file, text: this.read(abs), firstLine: 1 });
      for (const macro of found) {
        const uniqueId = `macro.${this.config.name}.${macro.name}`;
        const existing = this.macros.get(uniqueId);
        if (existing) throw new InputError(`${file}:${macro.line}: macro '${macro.name}' is already defined at ${existing.location.file}:${existing.location.line}`);
        this.macros.set(uniqueId, {
          uniqueId,
          name: macro.name,
          packageName: this.config.name,
          originalFilePath: file,
          path: file,
          location: { file, line: macro.line },
          macroSql: macro.sql,
          arguments: macro.args,
          description: '',
        });
      }
    }
  }

  // ---- docs blocks -------------------------------------------------------------------------

  /** `{% docs name %}...{% enddocs %}` in .md files under the model paths (and docs-paths). */
  private readDocs(): void {
    const value = this.projectYaml.value as Record<string, unknown>;
    const docsPaths = Array.isArray(value['docs-paths']) ? (value['docs-paths'] as unknown[]).map(String) : this.config.modelPaths;
    const blockRe = /\{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;
    for (const abs of this.walk(this.abs(docsPaths), ['.md'])) {
      const file = this.rel(abs);
      const text = this.read(abs);
      for (const match of text.matchAll(blockRe)) {
        const line = 1 + (text.slice(0, match.index).match(/\n/g)?.length ?? 0);
        const uniqueId = `doc.${this.config.name}.${match[1]}`;
        const existing = this.docs.get(uniqueId);
        if (existing) throw new InputError(`${file}:${line}: docs block '${match[1]}' is already defined in ${existing.originalFilePath}`);
        this.docs.set(uniqueId, { uniqueId, name: match[1], packageName: this.config.name, originalFilePath: file, path: this.resourceRelative(file, docsPaths), blockContents: match[2].trim() });
      }
    }
  }

  /** A description, with `{{ doc('name') }}` replaced by its docs block. */
  private describe(value: unknown, yaml: YamlFile, owner: unknown): string {
    const text = String(value ?? '').trim();
    if (!text.includes('{{')) return text;
    const line = yaml.keyLine(owner, 'description') ?? yaml.lineOf(owner) ?? 1;
    return text.replace(/\{\{\s*doc\(\s*['"]([^'"]+)['"]\s*\)\s*\}\}/g, (_whole, name: string) => {
      const doc = this.docs.get(`doc.${this.config.name}.${name}`);
      if (!doc) {
        const known = [...this.docs.values()].map((d) => d.name);
        throw new InputError(`${yaml.file}:${line}: doc('${name}') names no {% docs %} block${known.length ? ` (known: ${known.join(', ')})` : ' (none in the .md files of the model paths)'}`);
      }
      return doc.blockContents;
    });
  }

  // ---- properties YAML ---------------------------------------------------------------------

  private readPropertiesFiles(): YamlFile[] {
    const dirs = this.abs([...this.config.modelPaths, ...this.config.seedPaths, ...this.config.snapshotPaths, ...this.config.macroPaths, ...this.config.testPaths]);
    const files: YamlFile[] = [];
    for (const abs of this.walk(dirs, ['.yml', '.yaml'])) {
      if (this.testPathsAbs().some((t) => abs.startsWith(path.join(t, 'fixtures') + path.sep))) continue;
      const yaml = parseYaml(this.rel(abs), this.read(abs));
      if (yaml.value === null) continue;
      if (!isRecord(yaml.value)) throw new InputError(`${yaml.file}:1: a properties file is a mapping (version: 2, models: [...])`);
      checkKeys(yaml, yaml.value, PROPERTIES_KEYS, 'a properties file');
      for (const key of ['models', 'sources', 'seeds', 'snapshots', 'unit_tests', 'macros']) {
        const list = yaml.value[key];
        if (list !== undefined && list !== null && !Array.isArray(list)) throw new InputError(`${yaml.file}:${yaml.keyLine(yaml.value, key)}: ${key} must be a list`);
      }
      files.push(yaml);
    }
    return files;
  }

  private entries(yamls: YamlFile[], key: string): YamlEntry[] {
    const out: YamlEntry[] = [];
    for (const yaml of yamls) {
      for (const entry of ((yaml.value as Record<string, unknown>)[key] as unknown[]) ?? []) {
        if (!isRecord(entry) || typeof entry.name !== 'string') throw new InputError(`${at(yaml, entry)}: each entry of ${key} needs a name`);
        out.push({ yaml, entry });
      }
    }
    return out;
  }

  private columns(yaml: YamlFile, list: unknown, where: string): Record<string, ColumnDef> {
    const columns: Record<string, ColumnDef> = {};
    if (list === undefined || list === null) return columns;
    if (!Array.isArray(list)) throw new InputError(`${where}: columns must be a list`);
    for (const column of list) {
      if (!isRecord(column) || typeof column.name !== 'string') throw new InputError(`${at(yaml, column, list)}: each column needs a name`);
      checkKeys(yaml, column, COLUMN_KEYS, `column '${column.name}'`);
      columns[column.name] = {
        name: column.name,
        description: this.describe(column.description, yaml, column),
        data_type: column.data_type === undefined ? undefined : String(column.data_type),
        tags: Array.isArray(column.tags) ? column.tags.map(String) : [],
        meta: isRecord(column.meta) ? column.meta : {},
        quote: column.quote === undefined ? undefined : Boolean(column.quote),
        location: { file: yaml.file, line: yaml.lineOf(column) ?? 1 },
      };
    }
    return columns;
  }

  private readSources(yamls: YamlFile[]): void {
    for (const { yaml, entry: source } of this.entries(yamls, 'sources')) {
      checkKeys(yaml, source, SOURCE_KEYS, `source '${source.name}'`);
      const tables = source.tables ?? [];
      if (!Array.isArray(tables)) throw new InputError(`${at(yaml, source)}: tables of source '${source.name}' must be a list`);
      const sourceConfig = isRecord(source.config) ? source.config : {};
      for (const table of tables) {
        if (!isRecord(table) || typeof table.name !== 'string') throw new InputError(`${at(yaml, table, tables)}: each table of source '${source.name}' needs a name`);
        checkKeys(yaml, table, SOURCE_TABLE_KEYS, `table '${table.name}' of source '${source.name}'`);
        const uniqueId = `source.${this.config.name}.${source.name}.${table.name}`;
        if (this.sources.has(uniqueId)) throw new InputError(`${at(yaml, table)}: source table '${source.name}.${table.name}' is declared twice`);
        const tableConfig = isRecord(table.config) ? table.config : {};
        const tags = [...new Set([...asList(source.tags), ...asList(sourceConfig.tags), ...asList(table.tags), ...asList(tableConfig.tags)])];
        this.sources.set(uniqueId, {
          resourceType: 'source',
          uniqueId,
          sourceName: String(source.name),
          name: table.name,
          identifier: String(table.identifier ?? table.name),
          schema: String(source.schema ?? source.name),
          database: source.database === undefined ? undefined : String(source.database),
          description: this.describe(table.description, yaml, table),
          sourceDescription: this.describe(source.description, yaml, source),
          columns: this.columns(yaml, table.columns, at(yaml, table)),
          tags,
          meta: { ...(isRecord(source.meta) ? source.meta : {}), ...(isRecord(table.meta) ? table.meta : {}) },
          loadedAtField: (table.loaded_at_field ?? source.loaded_at_field) as string | undefined,
          freshness: table.freshness ?? source.freshness,
          packageName: this.config.name,
          originalFilePath: yaml.file,
          path: yaml.file,
          location: { file: yaml.file, line: yaml.lineOf(table) ?? 1 },
          fqn: [this.config.name, ...folderParts(this.resourceRelative(yaml.file, this.config.modelPaths)), String(source.name), table.name],
        });
      }
    }
  }

  /** Path of a file relative to the resource folder it lives in (dbt's `path`). */
  private resourceRelative(file: string, roots: string[]): string {
    for (const root of roots) {
      const prefix = root.replace(/\/+$/, '') + '/';
      if (file.startsWith(prefix)) return file.slice(prefix.length);
    }
    return file;
  }

  // ---- SQL nodes ---------------------------------------------------------------------------

  private baseNode(abs: string, roots: string[], name: string, text: string, rawCode = text, rawCodeLine = 1) {
    const file = this.rel(abs);
    const relPath = this.resourceRelative(file, roots);
    return {
      name,
      packageName: this.config.name,
      path: relPath,
      originalFilePath: file,
      location: { file, line: rawCodeLine },
      fqn: [this.config.name, ...folderParts(relPath), name],
      description: '',
      columns: {},
      rawCode,
      rawCodeLine,
      checksum: createHash('sha256').update(text).digest('hex'),
      refs: [] as RefCall[],
      sources: [] as Array<[string, string]>,
      dependsOn: { nodes: [] as string[], macros: [] as string[] },
      unrenderedConfig: {},
    };
  }

  private register(node: ExecutableNode): void {
    if (node.resourceType !== 'test') {
      const existing = this.refIndex.get(node.name);
      if (existing) {
        const other = this.nodes.get(existing)!;
        throw new InputError(`${node.location.file}:${node.location.line}: duplicate ${node.resourceType} name '${node.name}' (also ${other.resourceType} at ${other.originalFilePath}); names must be unique for ref()`);
      }
      this.refIndex.set(node.name, node.uniqueId);
    } else if (this.nodes.has(node.uniqueId)) {
      throw new InputError(`${node.location.file}:${node.location.line}: duplicate test name '${node.name}' (give one of them a distinct name:)`);
    }
    this.nodes.set(node.uniqueId, node);
  }

  private readModels(): void {
    const others = this.abs([...this.config.macroPaths, ...this.config.testPaths, ...this.config.seedPaths, ...this.config.snapshotPaths]);
    for (const abs of this.walk(this.abs(this.config.modelPaths), ['.sql'], others)) {
      const name = path.basename(abs, '.sql');
      const text = this.read(abs);
      const node: ModelNode = {
        ...this.baseNode(abs, this.config.modelPaths, name, text),
        uniqueId: `model.${this.config.name}.${name}`,
        resourceType: 'model',
        config: undefined as unknown as ModelNode['config'],
      };
      this.register(node);
    }
  }

  private readSeeds(): void {
    for (const abs of this.walk(this.abs(this.config.seedPaths), ['.csv'])) {
      const name = path.basename(abs, '.csv');
      const text = this.read(abs);
      const node: SeedNode = {
        ...this.baseNode(abs, this.config.seedPaths, name, text, ''),
        uniqueId: `seed.${this.config.name}.${name}`,
        resourceType: 'seed',
        csvPath: abs,
        config: undefined as unknown as SeedNode['config'],
      };
      this.register(node);
    }
  }

  private readSnapshots(yamls: YamlFile[]): void {
    const blockRe = /\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*endsnapshot\s*-?%\}/g;
    for (const abs of this.walk(this.abs(this.config.snapshotPaths), ['.sql'])) {
      const text = this.read(abs);
      let found = false;
      for (const match of text.matchAll(blockRe)) {
        found = true;
        const bodyOffset = match.index! + match[0].indexOf('%}') + 2;
        const line = 1 + (text.slice(0, bodyOffset).match(/\n/g)?.length ?? 0);
        const node: SnapshotNode = {
          ...this.baseNode(abs, this.config.snapshotPaths, match[1], text, match[2], line),
          uniqueId: `snapshot.${this.config.name}.${match[1]}`,
          resourceType: 'snapshot',
          config: undefined as unknown as SnapshotNode['config'],
        };
        node.location.line = 1 + (text.slice(0, match.index).match(/\n/g)?.length ?? 0);
        this.register(node);
      }
      if (!found) throw new InputError(`${this.rel(abs)}:1: a snapshot file holds {% snapshot name %} ... {% endsnapshot %}`);
    }
    // dbt 1.9 YAML snapshots: `snapshots: [{name, relation: source('a', 'b'), config: {...}}]`.
    for (const { yaml, entry } of this.entries(yamls, 'snapshots')) {
      if (entry.relation === undefined) continue;
      const id = `snapshot.${this.config.name}.${entry.name}`;
      const rawCode = `select * from {{ ${String(entry.relation)} }}`;
      const node: SnapshotNode = {
        ...this.baseNode(path.join(this.root, yaml.file), this.config.snapshotPaths, String(entry.name), rawCode, rawCode, yaml.lineOf(entry) ?? 1),
        uniqueId: id,
        resourceType: 'snapshot',
        config: undefined as unknown as SnapshotNode['config'],
      };
      this.register(node);
    }
  }

  private readSingularTests(): void {
    const fixtures = this.testPathsAbs().map((t) => path.join(t, 'fixtures'));
    for (const abs of this.walk(this.testPathsAbs(), ['.sql'], fixtures)) {
      const name = path.basename(abs, '.sql');
      const text = this.read(abs);
      const node: SingularTestNode = {
        ...this.baseNode(abs, this.config.testPaths, name, text),
        uniqueId: `test.${this.config.name}.${name}`,
        resourceType: 'test',
        kind: 'singular',
        config: undefined as unknown as SingularTestNode['config'],
      };
      this.register(node);
    }
  }

  // ---- properties onto nodes ---------------------------------------------------------------

  private readonly yamlConfig = new Map<string, ConfigLayer>();
  private readonly patches = new Map<string, YamlEntry>();

  private applyProperties(yamls: YamlFile[]): void {
    for (const [key, type] of [['models', 'model'], ['seeds', 'seed'], ['snapshots', 'snapshot']] as const) {
      for (const item of this.entries(yamls, key)) {
        const { yaml, entry } = item;
        checkKeys(yaml, entry, NODE_KEYS, `${type} '${entry.name}'`);
        const id = `${type}.${this.config.name}.${entry.name}`;
        const node = this.nodes.get(id);
        if (!node) {
          const other = this.refIndex.get(String(entry.name));
          const hint = other ? ` (it is a ${this.nodes.get(other)!.resourceType}; list it under ${this.nodes.get(other)!.resourceType}s:)` : '';
          throw new InputError(`${at(yaml, entry)}: ${type} '${entry.name}' is documented here but has no ${type === 'seed' ? 'CSV' : 'SQL'} file${hint}`);
        }
        if (this.patches.has(id)) {
          const first = this.patches.get(id)!;
          throw new InputError(`${at(yaml, entry)}: ${type} '${entry.name}' is already documented at ${at(first.yaml, first.entry)}`);
        }
        this.patches.set(id, item);
        node.description = this.describe(entry.description, yaml, entry);
        node.columns = this.columns(yaml, entry.columns, at(yaml, entry));
        node.patchPath = yaml.file;
        const layer: ConfigLayer = isRecord(entry.config) ? { ...entry.config } : {};
        if (entry.tags !== undefined) layer.tags = [...asList(entry.tags), ...asList(layer.tags)];
        if (isRecord(entry.meta)) layer.meta = { ...entry.meta, ...(isRecord(layer.meta) ? layer.meta : {}) };
        this.yamlConfig.set(id, layer);
      }
    }
  }

  /** Parse-time render of every SQL node: captures config(), ref(), source() and macro calls. */
  private finishConfigs(): void {
    for (const node of this.nodes.values()) {
      const sectionKey = node.resourceType === 'test' ? 'data_tests' : `${node.resourceType}s`;
      const layers = [...projectLayers(this.section(sectionKey), node.fqn), this.yamlConfig.get(node.uniqueId) ?? {}];
      const inFile: ConfigLayer = {};
      if (node.resourceType !== 'seed') this.parseRender(node, inFile);
      node.unrenderedConfig = { ...(this.yamlConfig.get(node.uniqueId) ?? {}), ...inFile };
      const raw = mergeLayers([...layers, inFile]);
      const where = `${node.location.file}:${node.location.line}`;
      for (const key of Object.keys(inFile)) checkConfigKey(key, where);
      const patch = this.patches.get(node.uniqueId);
      if (patch && isRecord(patch.entry.config)) {
        for (const key of Object.keys(patch.entry.config)) checkConfigKey(key, `${patch.yaml.file}:${patch.yaml.keyLine(patch.entry.config, key) ?? patch.yaml.lineOf(patch.entry) ?? 1}`);
      }
      if (node.resourceType === 'model') node.config = modelConfig(raw, where);
      else if (node.resourceType === 'seed') node.config = seedConfig(raw, where);
      else if (node.resourceType === 'snapshot') node.config = snapshotConfig(raw, where);
      else node.config = testConfig(raw, where);
      this.addHookDependencies(node);
    }
  }

  /** dbt renders hooks at parse time to learn their refs: a hook that reads a model runs after it. */
  private addHookDependencies(node: ExecutableNode): void {
    for (const hook of [...node.config.pre_hook, ...node.config.post_hook]) {
      for (const ref of staticRefs(hook.sql)) {
        if (!node.refs.some((r) => r.name === ref.name && r.package === ref.package)) node.refs.push(ref);
      }
      for (const [s, t] of staticSources(hook.sql)) {
        if (!node.sources.some(([a, b]) => a === s && b === t)) node.sources.push([s, t]);
      }
    }
  }

  private parseRender(node: ExecutableNode, inFile: ConfigLayer): void {
    const source: TemplateSource = { file: node.originalFilePath, text: node.rawCode, firstLine: node.rawCodeLine };
    const macrosCalled = new Set<string>();
    const placeholder = new Relation(undefined, 'parse', node.name, node.name);
    const scope: RenderScope = {
      dialect: 'duckdb',
      vars: { ...PARSE_PLACEHOLDERS, ...this.vars },
      ref: (args) => {
        node.refs.push(refCall(args, source));
        return new Relation(undefined, 'parse', String(node.refs[node.refs.length - 1].name), node.refs[node.refs.length - 1].name);
      },
      source: (args) => {
        const { positional } = splitKwargs(args);
        if (positional.length !== 2) throw new InputError(`source() takes a source name and a table name, e.g. source('landing', 'orders')`);
        node.sources.push([String(positional[0]), String(positional[1])]);
        return new Relation(undefined, String(positional[0]), String(positional[1]), `${positional[0]}.${positional[1]}`);
      },
      config: (options) => {
        for (const [key, value] of Object.entries(options)) {
          if (key === 'tags') inFile.tags = [...asList(inFile.tags), ...asList(value)];
          else inFile[key] = value;
        }
      },
      getVar: (name, fallback, hasFallback) => {
        if (name in this.vars) return this.vars[name];
        if (hasFallback) return fallback;
        if (name in PARSE_PLACEHOLDERS) return PARSE_PLACEHOLDERS[name];
        throw new InputError(`var('${name}') is not defined: set it under vars: in dbt_project.yml, pass --vars, or give a default var('${name}', ...)`);
      },
      isIncremental: () => false,
      this: placeholder,
      target: { name: 'parse', type: 'duckdb', schema: 'main' },
      execute: false,
      envVars: process.env,
      macrosCalled,
      model: { name: node.name, unique_id: node.uniqueId, resource_type: node.resourceType, config: inFile },
    };
    this.runtime.render(source, scope);
    // Refs inside branches the parse render skipped (e.g. {% if is_incremental() %}) still count.
    for (const ref of staticRefs(node.rawCode)) {
      if (!node.refs.some((r) => r.name === ref.name && r.package === ref.package)) node.refs.push(ref);
    }
    for (const [s, t] of staticSources(node.rawCode)) {
      if (!node.sources.some(([a, b]) => a === s && b === t)) node.sources.push([s, t]);
    }
    node.dependsOn.macros = [...macrosCalled].sort().map((m) => `macro.${this.config.name}.${m}`);
  }

  private readonly disabled = new Map<string, ExecutableNode>();

  private dropDisabled(): void {
    for (const [id, node] of this.nodes) {
      if (!node.config.enabled) {
        this.disabled.set(node.name, node);
        this.nodes.delete(id);
        if (this.refIndex.get(node.name) === id) this.refIndex.delete(node.name);
      }
    }
  }

  private resolveDependencies(): void {
    for (const node of this.nodes.values()) this.resolveNodeDeps(node);
  }

  private resolveNodeDeps(node: ExecutableNode): void {
    const deps = new Set<string>();
    for (const ref of node.refs) {
      if (ref.package && ref.package !== this.config.name) {
        throw new InputError(`${this.callSite(node, 'ref', ref.name)}: ref('${ref.package}', '${ref.name}'): package '${ref.package}' is not installed (only this project, '${this.config.name}')`);
      }
      const id = this.refIndex.get(ref.name);
      const off = this.disabled.get(ref.name);
      if (!id && off) {
        throw new InputError(`${this.callSite(node, 'ref', ref.name)}: ref('${ref.name}') names a disabled ${off.resourceType} (enabled: false in ${off.originalFilePath} or its config)`);
      }
      if (!id) {
        const suggestion = closest(ref.name, [...this.refIndex.keys()]);
        throw new InputError(`${this.callSite(node, 'ref', ref.name)}: ref('${ref.name}') names no model, seed or snapshot${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`);
      }
      if (id === node.uniqueId) throw new InputError(`${this.callSite(node, 'ref', ref.name)}: ${node.name} refs itself; use {{ this }} for the model's own relation`);
      deps.add(id);
    }
    for (const [sourceName, table] of node.sources) {
      const id = `source.${this.config.name}.${sourceName}.${table}`;
      if (!this.sources.has(id)) {
        const tables = [...this.sources.values()].filter((s) => s.sourceName === sourceName).map((s) => s.name);
        const known = tables.length ? `tables of '${sourceName}': ${tables.join(', ')}` : `sources: ${[...new Set([...this.sources.values()].map((s) => s.sourceName))].join(', ') || 'none declared'}`;
        throw new InputError(`${this.callSite(node, 'source', table)}: source('${sourceName}', '${table}') is not declared in a sources: YAML (${known})`);
      }
      deps.add(id);
    }
    node.dependsOn.nodes = [...deps];
  }

  /** `file:line` of the first `fn('name'` call in a node's code (or the node's first line). */
  private callSite(node: ExecutableNode, fn: string, name: string): string {
    const lines = node.rawCode.split('\n');
    const re = new RegExp(`${fn}\\s*\\([^)]*['"]${escapeRegExp(name)}['"]`);
    const index = lines.findIndex((l) => re.test(l));
    return `${node.originalFilePath}:${index >= 0 ? node.rawCodeLine + index : node.location.line}`;
  }

  /**
   * Every folder path under `models:`, `seeds:`, `snapshots:` and `data_tests:` in
   * dbt_project.yml must lead to at least one node, and every plain key must be a config: a
   * misspelt folder (`02_mart`) would otherwise drop its configs silently.
   */
  private checkProjectConfigPaths(): void {
    const yaml = this.projectYaml;
    const value = yaml.value as Record<string, unknown>;
    const sections: Array<[string, string]> = [['models', 'model'], ['seeds', 'seed'], ['snapshots', 'snapshot'], ['data_tests', 'test'], ['tests', 'test']];
    for (const [key, type] of sections) {
      const section = value[key];
      if (section === undefined || section === null) continue;
      if (!isRecord(section)) throw new InputError(`dbt_project.yml:${yaml.keyLine(value, key)}: ${key} must be a mapping (${key}: {${this.config.name}: {...}})`);
      const fqns = [...this.nodes.values()].filter((n) => n.resourceType === type).map((n) => n.fqn);
      const walk = (level: Record<string, unknown>, prefix: string[]) => {
        for (const [k, v] of Object.entries(level)) {
          const where = `dbt_project.yml:${yaml.keyLine(level, k) ?? 1}`;
          if (k.startsWith('+')) {
            checkConfigKey(k, where);
            continue;
          }
          if (KNOWN_CONFIG_KEYS.has(k)) continue;
          if (prefix.length === 0 && k !== this.config.name) {
            throw new InputError(`${where}: ${key}: '${k}' is not this project (configs go under ${key}: {${this.config.name}: {...}})`);
          }
          if (!isRecord(v)) {
            checkConfigKey(k, where);
            throw new InputError(`${where}: '${k}' under ${key}: is neither a config (write +${k} for one) nor a folder`);
          }
          const path = [...prefix, k];
          if (prefix.length > 0 && !fqns.some((f) => path.every((p, i) => f[i] === p))) {
            const options = [...new Set(fqns.filter((f) => prefix.every((p, i) => f[i] === p)).map((f) => f[prefix.length]).filter((x) => x !== undefined))];
            throw new InputError(`${where}: ${key}: ${path.join('.')} matches no ${type} (${options.length ? `under ${prefix.join('.')}: ${options.join(', ')}` : `no ${type}s under ${prefix.join('.')}`})`);
          }
          walk(v, path);
        }
      };
      walk(section, []);
    }
  }

  // ---- generic tests -----------------------------------------------------------------------

  private readGenericTests(yamls: YamlFile[]): void {
    const userTests = new Set([...this.macros.values()].map((m) => m.name).filter((n) => n.startsWith('test_')));
    for (const [key, type] of [['models', 'model'], ['seeds', 'seed'], ['snapshots', 'snapshot']] as const) {
      for (const { yaml, entry } of this.entries(yamls, key)) {
        const id = `${type}.${this.config.name}.${entry.name}`;
        if (!this.nodes.has(id)) continue; // disabled
        this.testsOf(yaml, entry, id, String(entry.name), `${key}.${entry.name}`, userTests, `{{ ref('${entry.name}') }}`);
      }
    }
    for (const { yaml, entry: source } of this.entries(yamls, 'sources')) {
      for (const table of (source.tables as Array<Record<string, unknown>>) ?? []) {
        const id = `source.${this.config.name}.${source.name}.${table.name}`;
        this.testsOf(yaml, table, id, `source_${source.name}_${table.name}`, `sources.${source.name}`, userTests, `{{ source('${source.name}', '${table.name}') }}`);
      }
    }
  }

  private testsOf(yaml: YamlFile, entry: Record<string, unknown>, attachedId: string, targetName: string, fileKeyName: string, userTests: Set<string>, modelJinja: string): void {
    const lists: Array<{ list: unknown; column?: string; owner: unknown; tags: string[] }> = [];
    lists.push({ list: entry.data_tests ?? entry.tests, owner: entry, tags: [] });
    for (const column of (entry.columns as Array<Record<string, unknown>>) ?? []) {
      // As in dbt, a column's tags go to the tests of that column.
      const columnConfig = isRecord(column.config) ? column.config : {};
      lists.push({ list: column.data_tests ?? column.tests, column: String(column.name), owner: column, tags: [...asList(column.tags), ...asList(columnConfig.tags)] });
    }
    for (const { list, column, owner, tags } of lists) {
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) throw new InputError(`${at(yaml, owner)}: data_tests must be a list`);
      for (const [index, item] of list.entries()) {
        const itemLine = yaml.itemLine(list, index);
        const where = itemLine !== undefined ? `${yaml.file}:${itemLine}` : at(yaml, item, list, owner);
        const parsed = parseTestEntry(item, where, userTests, column);
        const name = parsed.customName ?? genericTestName(parsed, targetName);
        const line = Number(where.slice(where.lastIndexOf(':') + 1));
        const uniqueId = `test.${this.config.name}.${name}.${createHash('md5').update(`${name}\u0000${yaml.file}\u0000${JSON.stringify(parsed.args)}`).digest('hex').slice(0, 10)}`;
        const folder = folderParts(this.resourceRelative(yaml.file, [...this.config.modelPaths, ...this.config.seedPaths, ...this.config.snapshotPaths]));
        const raw = mergeLayers([...projectLayers(this.section('data_tests'), [this.config.name, ...folder, name]), { tags }, parsed.config]);
        const kwargs: Record<string, unknown> = { ...parsed.args, model: modelJinja };
        if (parsed.columnName) kwargs.column_name = parsed.columnName;
        const node: GenericTestNode = {
          uniqueId,
          name,
          packageName: this.config.name,
          path: `${this.resourceRelative(yaml.file, this.config.modelPaths)}/${name}.sql`,
          originalFilePath: yaml.file,
          location: { file: yaml.file, line },
          fqn: [this.config.name, ...folder, name],
          description: '',
          columns: {},
          rawCode: '',
          rawCodeLine: line,
          checksum: createHash('sha256').update(JSON.stringify(kwargs)).digest('hex'),
          refs: [],
          sources: [],
          dependsOn: { nodes: [], macros: [] },
          unrenderedConfig: parsed.config,
          resourceType: 'test',
          kind: 'generic',
          config: testConfig(raw, where),
          testMetadata: { name: parsed.name, namespace: parsed.namespace, kwargs },
          columnName: parsed.columnName,
          attachedNode: attachedId,
          fileKeyName,
        };
        if (!node.config.enabled) continue;
        // Arguments that are refs (relationships.to, equal_rowcount.compare_model) are dependencies too.
        for (const value of Object.values(parsed.args)) {
          if (typeof value !== 'string') continue;
          node.refs.push(...staticRefs(value));
          node.sources.push(...staticSources(value));
        }
        if (attachedId.startsWith('source.')) {
          const [, , s, t] = attachedId.split('.');
          node.sources.unshift([s, t]);
        } else {
          node.refs.unshift({ name: this.nodes.get(attachedId)!.name });
        }
        if (parsed.namespace === undefined && userTests.has(`test_${parsed.name}`)) node.dependsOn.macros.push(`macro.${this.config.name}.test_${parsed.name}`);
        node.location = { file: yaml.file, line };
        this.register(node);
        this.resolveNodeDeps(node);
        node.dependsOn.nodes = [attachedId, ...node.dependsOn.nodes.filter((d) => d !== attachedId)];
      }
    }
  }
}

function buildMaps(project: Project): void {
  const all = [...project.sources.keys(), ...project.nodes.keys(), ...project.unitTests.keys()];
  for (const id of all) {
    project.parentMap.set(id, []);
    project.childMap.set(id, []);
  }
  const link = (child: string, parents: string[]) => {
    for (const parent of parents) {
      if (!project.parentMap.get(child)!.includes(parent)) project.parentMap.get(child)!.push(parent);
      if (!project.childMap.get(parent)?.includes(child)) project.childMap.get(parent)?.push(child);
    }
  };
  for (const node of project.nodes.values()) link(node.uniqueId, node.dependsOn.nodes);
  for (const unit of project.unitTests.values()) link(unit.uniqueId, unit.dependsOn.nodes);
}

function refCall(args: unknown[], source: TemplateSource): RefCall {
  const { positional, keywords } = splitKwargs(args);
  const version = keywords.version ?? keywords.v;
  if (positional.length === 1) return { name: String(positional[0]), ...(version !== undefined ? { version: version as string } : {}) };
  if (positional.length === 2) return { package: String(positional[0]), name: String(positional[1]) };
  throw new InputError(`${source.file}: ref() takes a model name, e.g. ref('stg_orders')`);
}

const REF_RE = /\bref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)/g;
const SOURCE_RE = /\bsource\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * The Jinja of a file: the insides of `{{ }}` and `{% %}`, comments dropped. SQL comments and
 * prose that mention ref('x') are not calls (dbt's static parser reads only Jinja too). A bare
 * test argument (`to: ref('x')`) has no braces and is Jinja as a whole.
 */
function jinjaOf(code: string): string {
  const text = code.replace(/\{#[\s\S]*?#\}/g, '');
  if (!text.includes('{{') && !text.includes('{%')) return text;
  return [...text.matchAll(/\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g)].map((m) => m[1] ?? m[2]).join('\n');
}

/** ref('x') / ref('pkg', 'x') with literal arguments in Jinja code. */
export function staticRefs(code: string): RefCall[] {
  return [...jinjaOf(code).matchAll(REF_RE)].map((m) => (m[2] ? { package: m[1], name: m[2] } : { name: m[1] }));
}

export function staticSources(code: string): Array<[string, string]> {
  return [...jinjaOf(code).matchAll(SOURCE_RE)].map((m) => [m[1], m[2]] as [string, string]);
}

function folderParts(relPath: string): string[] {
  const parts = relPath.split('/');
  return parts.slice(0, -1).filter(Boolean);
}

function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
