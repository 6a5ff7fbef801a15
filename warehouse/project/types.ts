/**
 * The parsed project: every node of a dbt-style project as plain data (no SQL rendered for a
 * target yet). Produced by `loadProject` (warehouse/project/load.ts), read by compile
 * (warehouse/render/compile.ts), selection (warehouse/dag/), the manifest writer and the runner.
 *
 * Parse and compile are separate, as in dbt-core: parsing renders each file once with a
 * capturing context (to learn `config()`, `ref()`, `source()` calls) and never touches a
 * warehouse; compiling renders a node for one target (dialect, schema, vars, is_incremental).
 *
 * Names follow dbt where dbt has a name (unique_id -> `uniqueId`, original_file_path ->
 * `originalFilePath`); config keys keep dbt's snake_case because users write them in YAML/SQL.
 */
import type { Dialect } from '../dialect.ts';

/** Where something was declared, for error messages: "models/02_marts/schema.yml:14". */
export interface SourceLocation {
  /** Path relative to the project root, with forward slashes. */
  file: string;
  /** 1-based line. */
  line: number;
}

export type ResourceType = 'model' | 'seed' | 'snapshot' | 'test' | 'unit_test' | 'source';
export type Materialization = 'view' | 'table' | 'incremental' | 'ephemeral';
export type IncrementalStrategy = 'merge' | 'delete+insert' | 'append' | 'insert_overwrite';
export type OnSchemaChange = 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns';
export type Severity = 'error' | 'warn';

/** BigQuery-style partitioning (ignored by engines without `supports.partitioning`). */
export interface PartitionBy {
  field: string;
  data_type?: 'date' | 'timestamp' | 'datetime' | 'int64';
  granularity?: 'hour' | 'day' | 'month' | 'year';
  range?: { start: number; end: number; interval: number };
}

/**
 * A pre-hook or post-hook: SQL (with Jinja) run before or after the node is built. Written as a
 * string or as dbt's `{sql: ..., transaction: ...}`. `transaction: false` hooks run where dbt
 * runs them, outside the build: pre-hooks first, post-hooks after the build is final, so their
 * failure does not undo it (see runner/hooks.ts).
 */
export interface Hook {
  sql: string;
  transaction: boolean;
}

/** Config keys shared by every node kind (dbt's BaseConfig). */
export interface BaseConfig {
  enabled: boolean;
  tags: string[];
  meta: Record<string, unknown>;
  /** Custom schema name, used as is (e.g. `staging`); see `relationFor` for the target prefix. */
  schema?: string;
  /** Relation name when it differs from the node name. */
  alias?: string;
  /** Database / BigQuery project, when different from the target's. */
  database?: string;
  /** dbt's `pre-hook` (either spelling), every config level's hooks in order: dbt_project.yml folders outer to inner, the properties YAML, then config(). */
  pre_hook: Hook[];
  post_hook: Hook[];
  /** Any other key the user set (kept, shown in the manifest, ignored by the engine). */
  [key: string]: unknown;
}

export interface ModelConfig extends BaseConfig {
  materialized: Materialization;
  /** Column name or list of columns identifying a row, for incremental merge/delete+insert. */
  unique_key?: string | string[];
  incremental_strategy?: IncrementalStrategy;
  on_schema_change: OnSchemaChange;
  partition_by?: PartitionBy;
  cluster_by?: string[];
  /** false pins an incremental model against `--full-refresh`. */
  full_refresh?: boolean;
  /** Extra predicates for the incremental merge (dbt's incremental_predicates). */
  incremental_predicates?: string[];
}

export interface SeedConfig extends BaseConfig {
  /** Column name -> SQL type (an engine type or a `dbt.type_*` name is rendered by the runner). */
  column_types: Record<string, string>;
  delimiter: string;
  quote_columns?: boolean;
}

export interface SnapshotConfig extends BaseConfig {
  strategy: 'timestamp' | 'check';
  unique_key: string | string[];
  /** Column with the row's last change time (strategy timestamp). */
  updated_at?: string;
  /** Columns compared for changes (strategy check): a list or 'all'. */
  check_cols?: string[] | 'all';
  /** dbt < 1.9 name for the schema; folded into `schema` when present. */
  target_schema?: string;
  /** dbt 1.9: 'ignore' | 'invalidate' | 'new_record' (invalidate_hard_deletes: true == 'invalidate'); new_record adds dbt_is_deleted ('True'/'False' text). */
  hard_deletes: 'ignore' | 'invalidate' | 'new_record';
  /** dbt 1.9: value of dbt_valid_to for current rows (default NULL). */
  dbt_valid_to_current?: string;
}

export interface TestConfig extends BaseConfig {
  severity: Severity;
  /** dbt's conditions on the failure count, e.g. '>0', '>=10', '!=0'. */
  warn_if: string;
  error_if: string;
  /** A SQL predicate applied to the tested relation before testing. */
  where?: string;
  store_failures: boolean;
  /** Audit schema for stored failures (default: `<target schema>_dbt_test__audit`, runner decides). */
  store_failures_as?: 'table' | 'view' | 'ephemeral';
  limit?: number;
  fail_calc: string;
}

export interface ColumnDef {
  name: string;
  description: string;
  data_type?: string;
  tags: string[];
  meta: Record<string, unknown>;
  quote?: boolean;
  /** Line of the column's entry in its YAML file. */
  location?: SourceLocation;
}

/** A `ref()` as written: ref('name') or ref('package', 'name'), optional version. */
export interface RefCall {
  name: string;
  package?: string;
  version?: string | number;
}

interface NodeBase {
  /** dbt's unique_id, e.g. `model.ecom_sim.stg_orders`. */
  uniqueId: string;
  name: string;
  packageName: string;
  /** Path relative to the resource folder (dbt's `path`), e.g. `01_staging/stg_orders.sql`. */
  path: string;
  /** Path relative to the project root (dbt's `original_file_path`), e.g. `models/01_staging/stg_orders.sql`. */
  originalFilePath: string;
  /** Where the node is declared (the SQL file, or the YAML entry of a generic/unit test). */
  location: SourceLocation;
  /** dbt's fqn: [project, ...folders, name]. */
  fqn: string[];
  description: string;
  columns: Record<string, ColumnDef>;
  /** The YAML file that documents this node, if any (dbt's patch_path). */
  patchPath?: string;
  /** Raw Jinja/SQL as written (for snapshots: the body of the {% snapshot %} block). */
  rawCode: string;
  /** 1-based line in `originalFilePath` where `rawCode` starts (snapshot blocks start later). */
  rawCodeLine: number;
  /** sha256 of the file's text. */
  checksum: string;
  /** Refs and sources the node uses, as captured at parse time. */
  refs: RefCall[];
  sources: Array<[sourceName: string, tableName: string]>;
  /** Resolved dependencies: unique ids of nodes/sources, and the user/dbt macros called. */
  dependsOn: { nodes: string[]; macros: string[] };
  /** Config values as written before inheritance (dbt's unrendered_config). */
  unrenderedConfig: Record<string, unknown>;
}

export interface ModelNode extends NodeBase {
  resourceType: 'model';
  config: ModelConfig;
}

export interface SeedNode extends NodeBase {
  resourceType: 'seed';
  config: SeedConfig;
  /** Absolute path of the CSV file. */
  csvPath: string;
}

export interface SnapshotNode extends NodeBase {
  resourceType: 'snapshot';
  config: SnapshotConfig;
}

/** dbt's test_metadata: the generic test called and its arguments, as written in YAML. */
export interface TestMetadata {
  /** Test name without namespace: unique, not_null, accepted_values, relationships, expression_is_true, ... */
  name: string;
  /** 'dbt_utils' for dbt_utils.* tests; undefined for dbt's built-ins and project tests. */
  namespace?: string;
  /**
   * Arguments as written in YAML (dbt 1.8 `data_tests:` / `tests:`, and dbt 1.10 `arguments:`),
   * plus `column_name` and `model` (the attached relation's Jinja, e.g. "{{ ref('stg_orders') }}").
   * Strings that contain Jinja (e.g. `to: ref('dim_customers')`) are kept raw; `resolveTestArgs`
   * in warehouse/render/compile.ts renders them for a target.
   */
  kwargs: Record<string, unknown>;
}

export interface GenericTestNode extends NodeBase {
  resourceType: 'test';
  kind: 'generic';
  config: TestConfig;
  testMetadata: TestMetadata;
  /** Column tested, for column-level tests. */
  columnName?: string;
  /** unique_id of the model/seed/snapshot/source the test is attached to. */
  attachedNode: string;
  /** The YAML key the test hangs off (dbt's file_key_name), e.g. `models.stg_orders`. */
  fileKeyName: string;
}

export interface SingularTestNode extends NodeBase {
  resourceType: 'test';
  kind: 'singular';
  config: TestConfig;
}

export type TestNode = GenericTestNode | SingularTestNode;

/** A `given` input or the `expect` output of a unit test. Rows are already parsed (empty CSV cells = null). */
export interface UnitTestFixture {
  /** For `given`: the ref/source as written, e.g. "ref('stg_orders')", and its resolved unique id. */
  input?: string;
  inputNode?: string;
  format: 'dict' | 'csv' | 'sql';
  /** dict/csv rows; values as written in YAML (strings, numbers, booleans) or CSV text; null for empty cells. */
  rows: Array<Record<string, unknown>>;
  /** The raw SQL when format is 'sql'. */
  sql?: string;
}

export interface UnitTestNode {
  resourceType: 'unit_test';
  uniqueId: string;
  name: string;
  packageName: string;
  /** unique_id of the model under test. */
  model: string;
  description: string;
  given: UnitTestFixture[];
  expect: UnitTestFixture;
  overrides: { vars: Record<string, unknown>; macros: Record<string, unknown>; env_vars: Record<string, string> };
  config: { tags: string[]; meta: Record<string, unknown>; enabled: boolean };
  originalFilePath: string;
  path: string;
  location: SourceLocation;
  fqn: string[];
  dependsOn: { nodes: string[]; macros: string[] };
}

/** One table of a `sources:` entry. `source('landing', 'orders')` resolves to it. */
export interface SourceTable {
  resourceType: 'source';
  /** `source.ecom_sim.landing.orders` */
  uniqueId: string;
  sourceName: string;
  name: string;
  /** Relation identifier (the table's `identifier:`, default its name). */
  identifier: string;
  /** Schema / BigQuery dataset (the source's `schema:`, default the source name). */
  schema: string;
  database?: string;
  description: string;
  sourceDescription: string;
  columns: Record<string, ColumnDef>;
  tags: string[];
  meta: Record<string, unknown>;
  loadedAtField?: string;
  freshness?: unknown;
  packageName: string;
  originalFilePath: string;
  path: string;
  location: SourceLocation;
  fqn: string[];
}

/** A `{% macro %}` (or `{% test %}`, stored as macro `test_<name>`) from the project's macro paths. */
export interface MacroDef {
  /** `macro.ecom_sim.cents_to_dollars` */
  uniqueId: string;
  name: string;
  packageName: string;
  originalFilePath: string;
  path: string;
  location: SourceLocation;
  /** The macro's source, `{% macro ... %}...{% endmacro %}`. */
  macroSql: string;
  arguments: string[];
  description: string;
}

/** A `{% docs name %}...{% enddocs %}` block from a .md file; `{{ doc('name') }}` in a description is replaced by it. */
export interface DocBlock {
  /** `doc.ecom_sim.order_status` */
  uniqueId: string;
  name: string;
  packageName: string;
  originalFilePath: string;
  path: string;
  blockContents: string;
}

/** Nodes the DAG orders and the runner executes (sources are leaves, not executed). */
export type ExecutableNode = ModelNode | SeedNode | SnapshotNode | TestNode;
export type GraphNode = ExecutableNode | UnitTestNode | SourceTable;

export interface ProjectConfigFile {
  name: string;
  version?: string;
  profile?: string;
  modelPaths: string[];
  macroPaths: string[];
  testPaths: string[];
  seedPaths: string[];
  snapshotPaths: string[];
  targetPath: string;
  /** Project-level vars (dbt_project.yml `vars:`), before --vars overrides. */
  vars: Record<string, unknown>;
}

export interface Project {
  /** Absolute path of the folder holding dbt_project.yml. */
  root: string;
  name: string;
  config: ProjectConfigFile;
  /** Every model, seed, snapshot and test, keyed by unique id (insertion order = file order). */
  nodes: Map<string, ExecutableNode>;
  sources: Map<string, SourceTable>;
  unitTests: Map<string, UnitTestNode>;
  macros: Map<string, MacroDef>;
  /** Docs blocks by unique id (descriptions already have them substituted). */
  docs: Map<string, DocBlock>;
  /** Parents and children of every node/source/unit test by unique id (dbt's parent_map/child_map). */
  parentMap: Map<string, string[]>;
  childMap: Map<string, string[]>;
  /** Model/seed/snapshot lookup for ref(): name -> unique id. */
  refIndex: Map<string, string>;
}

/** The target a node is compiled for (dbt's `target` in Jinja, plus the prefix for per-developer datasets). */
export interface TargetInfo {
  /** e.g. 'dev', 'duckdb', 'bigquery', 'prod'. */
  name: string;
  /** dbt's target.type: the dialect name, 'duckdb' | 'bigquery'. */
  type: string;
  /** Default schema/dataset for nodes without a custom schema. */
  schema: string;
  /** Database / BigQuery project, when the engine has one. */
  database?: string;
  /** Optional per-developer prefix: relations land in `<prefix>_<schema>`. */
  schema_prefix?: string;
}

/** A relation as models see it in Jinja (`{{ this }}`, a ref, a source). */
export interface RelationRef {
  database?: string;
  schema: string;
  identifier: string;
}

/** Everything a node's SQL depends on that is not in the project files. */
export interface CompileContext {
  dialect: Dialect;
  target: TargetInfo;
  /**
   * Vars on top of the project's (`--vars` and the scenario: as_of, start_date, end_date, seed,
   * which the runner reads from `landing._sim_meta`). Precedence: these > dbt_project.yml vars > var() default.
   */
  vars?: Record<string, unknown>;
  /** True when the model is incremental, its relation exists and no --full-refresh: `is_incremental()`. */
  isIncremental?: boolean;
  /**
   * Override where `{{ this }}` points (e.g. the runner's temporary build relation). Default:
   * the node's own relation from `relationFor`.
   */
  thisRelation?: RelationRef;
  /**
   * Override where a ref/source resolves (unit tests point refs at fixture CTEs). Return undefined
   * to fall back to the normal relation.
   */
  resolveRelation?: (uniqueId: string) => string | undefined;
  /** Environment for env_var(); default process.env. */
  env?: Record<string, string | undefined>;
}

export interface CompiledNode {
  uniqueId: string;
  /** Final SQL: Jinja rendered, ephemeral parents injected as CTEs (`__dbt__cte__<name>`). */
  sql: string;
  /** Where the node's result goes (undefined for tests and ephemeral models). */
  relation?: RelationRef;
  /** The relation rendered for the dialect, e.g. `"marts"."fact_orders"` or `` `p`.`marts`.`fact_orders` ``. */
  relationName?: string;
  /** Ephemeral models inlined, in injection order. */
  extraCtes: Array<{ id: string; sql: string }>;
  /** Config as set in the file by config() (same object as the node's config after parse). */
  config: ExecutableNode['config'];
}
