/**
 * Node configs as dbt computes them: dbt_project.yml folder levels (outer to inner), then the
 * properties YAML `config:`, then the file's own `config()`. Later wins, except `tags` (union)
 * and `meta` (merged), like dbt.
 */
import { InputError } from '../../contract/errors.ts';
import type { Hook, ModelConfig, SeedConfig, SnapshotConfig, TestConfig } from './types.ts';
import { closest } from './suggest.ts';
import { isRecord } from './yaml.ts';

export type ConfigLayer = Record<string, unknown>;

/** Config names that may appear without a `+` in dbt_project.yml (dbt accepts both). */
export const KNOWN_CONFIG_KEYS = new Set([
  'materialized', 'schema', 'alias', 'database', 'tags', 'meta', 'enabled', 'unique_key', 'incremental_strategy',
  'on_schema_change', 'partition_by', 'cluster_by', 'full_refresh', 'pre-hook', 'post-hook', 'pre_hook', 'post_hook',
  'persist_docs', 'docs', 'column_types', 'delimiter', 'quote_columns', 'strategy', 'updated_at', 'check_cols',
  'target_schema', 'target_database', 'invalidate_hard_deletes', 'hard_deletes', 'dbt_valid_to_current', 'severity',
  'warn_if', 'error_if', 'where', 'store_failures', 'store_failures_as', 'limit', 'fail_calc', 'contract', 'grants',
  'incremental_predicates', 'group', 'access', 'snapshot_meta_column_names', 'labels', 'sql_header', 'quoting',
]);

/**
 * The config layers that apply to a node with this fqn, from a dbt_project.yml section such as
 * `models:`. The section's first level is the project name; deeper levels are folders (and
 * finally the file name); keys with `+` (or known config names) are configs at that level.
 */
export function projectLayers(section: unknown, fqn: string[]): ConfigLayer[] {
  const layers: ConfigLayer[] = [];
  let level: unknown = section;
  for (let i = 0; i < fqn.length && isRecord(level); i++) {
    const next: unknown = level[fqn[i]];
    if (!isRecord(next)) break;
    layers.push(configsAt(next));
    level = next;
  }
  return layers;
}

function configsAt(level: Record<string, unknown>): ConfigLayer {
  const out: ConfigLayer = {};
  for (const [key, value] of Object.entries(level)) {
    if (key.startsWith('+')) out[key.slice(1)] = value;
    else if (KNOWN_CONFIG_KEYS.has(key) && !isRecord(value)) out[key] = value;
    else if (KNOWN_CONFIG_KEYS.has(key) && (key === 'meta' || key === 'partition_by' || key === 'docs' || key === 'persist_docs' || key === 'column_types')) out[key] = value;
  }
  return out;
}

/**
 * dbt accepts any config key (they land in the manifest), so unknown keys are kept; but one a
 * typo away from a known key (`materialised`) is refused with the key it probably meant.
 */
export function checkConfigKey(key: string, where: string): void {
  const bare = key.replace(/^\+/, '');
  if (KNOWN_CONFIG_KEYS.has(bare)) return;
  const guess = closest(bare, [...KNOWN_CONFIG_KEYS], 2);
  if (guess) throw new InputError(`${where}: unknown config '${bare}' (did you mean '${guess}'?)`);
}

/** Merges layers, outer first. Normalises dbt's synonyms (pre-hook, target_schema, invalidate_hard_deletes). */
export function mergeLayers(layers: ConfigLayer[]): Record<string, unknown> {
  const out: Record<string, unknown> = { tags: [], meta: {} };
  for (const layer of layers) {
    for (const [rawKey, value] of Object.entries(layer)) {
      const key = rawKey.replace('-', '_');
      if (key === 'tags') {
        const tags = Array.isArray(value) ? value.map(String) : value === undefined || value === null ? [] : [String(value)];
        out.tags = [...new Set([...(out.tags as string[]), ...tags])];
      } else if (key === 'meta' && isRecord(value)) {
        out.meta = { ...(out.meta as object), ...value };
      } else if (key === 'pre_hook' || key === 'post_hook') {
        // Hooks add up across levels (dbt's append merge): the project's first, the model's last.
        const entries = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
        out[key] = [...((out[key] as unknown[]) ?? []), ...entries];
      } else {
        out[key] = value;
      }
    }
  }
  return out;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], key: string, where: string): T {
  if (!allowed.includes(value as T)) throw new InputError(`${where}: config ${key} '${String(value)}' is not one of: ${allowed.join(', ')}`);
  return value as T;
}

function base(raw: Record<string, unknown>, where: string) {
  return {
    ...raw,
    enabled: raw.enabled === undefined ? true : raw.enabled !== false && raw.enabled !== 'false',
    tags: (raw.tags as string[]) ?? [],
    meta: (raw.meta as Record<string, unknown>) ?? {},
    pre_hook: hooks(raw.pre_hook, 'pre-hook', where),
    post_hook: hooks(raw.post_hook, 'post-hook', where),
  };
}

/** The merged hook entries as dbt's Hook objects: a SQL string, or a mapping with `sql` (and `transaction`). */
function hooks(value: unknown, key: string, where: string): Hook[] {
  const entries = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  return entries.map((entry) => {
    if (typeof entry === 'string') return { sql: entry, transaction: true };
    if (isRecord(entry) && typeof entry.sql === 'string') return { sql: entry.sql, transaction: entry.transaction !== false };
    throw new InputError(`${where}: ${key} must be SQL (a string), a list of them, or {sql: ..., transaction: true|false}; got ${JSON.stringify(entry)}`);
  });
}

export function modelConfig(raw: Record<string, unknown>, where: string): ModelConfig {
  const materialized = oneOf(raw.materialized ?? 'view', ['view', 'table', 'incremental', 'ephemeral'] as const, 'materialized', where);
  const config: ModelConfig = {
    ...base(raw, where),
    materialized,
    on_schema_change: oneOf(raw.on_schema_change ?? 'ignore', ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] as const, 'on_schema_change', where),
  };
  if (raw.incremental_strategy !== undefined) {
    config.incremental_strategy = oneOf(raw.incremental_strategy, ['merge', 'delete+insert', 'append', 'insert_overwrite'] as const, 'incremental_strategy', where);
  }
  if (raw.cluster_by !== undefined) config.cluster_by = Array.isArray(raw.cluster_by) ? raw.cluster_by.map(String) : [String(raw.cluster_by)];
  if (raw.partition_by !== undefined && !isRecord(raw.partition_by)) throw new InputError(`${where}: config partition_by must be a mapping like {field: order_date, data_type: date}`);
  if (materialized === 'incremental' && (config.incremental_strategy === 'merge' || config.incremental_strategy === 'delete+insert') && raw.unique_key === undefined) {
    throw new InputError(`${where}: incremental_strategy '${config.incremental_strategy}' needs a unique_key`);
  }
  return config;
}

export function seedConfig(raw: Record<string, unknown>, where: string): SeedConfig {
  if (raw.column_types !== undefined && !isRecord(raw.column_types)) throw new InputError(`${where}: config column_types must be a mapping of column name to type`);
  return { ...base(raw, where), column_types: (raw.column_types as Record<string, string>) ?? {}, delimiter: String(raw.delimiter ?? ',') };
}

export function snapshotConfig(raw: Record<string, unknown>, where: string): SnapshotConfig {
  const strategy = oneOf(raw.strategy, ['timestamp', 'check'] as const, 'strategy', where);
  if (raw.unique_key === undefined) throw new InputError(`${where}: snapshot config needs unique_key`);
  if (strategy === 'timestamp' && !raw.updated_at) throw new InputError(`${where}: snapshot strategy 'timestamp' needs updated_at`);
  if (strategy === 'check' && !raw.check_cols) throw new InputError(`${where}: snapshot strategy 'check' needs check_cols (a list of columns or 'all')`);
  const hardDeletes = raw.hard_deletes ?? (raw.invalidate_hard_deletes === true ? 'invalidate' : 'ignore');
  const config: SnapshotConfig = {
    ...base(raw, where),
    strategy,
    unique_key: raw.unique_key as string | string[],
    hard_deletes: oneOf(hardDeletes, ['ignore', 'invalidate', 'new_record'] as const, 'hard_deletes', where),
  };
  // dbt < 1.9 spells the schema target_schema; it is the schema as is (no target prefix).
  if (raw.schema === undefined && raw.target_schema !== undefined) config.schema = String(raw.target_schema);
  if (raw.check_cols !== undefined) config.check_cols = raw.check_cols === 'all' ? 'all' : (raw.check_cols as string[]).map(String);
  return config;
}

export function testConfig(raw: Record<string, unknown>, where: string): TestConfig {
  const severity = String(raw.severity ?? 'error').toLowerCase();
  const config: TestConfig = {
    ...base(raw, where),
    severity: oneOf(severity, ['error', 'warn'] as const, 'severity', where),
    warn_if: String(raw.warn_if ?? '!=0'),
    error_if: String(raw.error_if ?? '!=0'),
    store_failures: raw.store_failures === true || raw.store_failures === 'true',
    fail_calc: String(raw.fail_calc ?? 'count(*)'),
  };
  for (const key of ['warn_if', 'error_if'] as const) {
    if (!/^\s*(==|=|!=|<>|>=|<=|>|<)\s*-?\d+(\.\d+)?\s*$/.test(config[key])) {
      throw new InputError(`${where}: config ${key} '${config[key]}' must be a comparison with a number, like '>0' or '>=10'`);
    }
  }
  if (raw.where !== undefined && raw.where !== null) config.where = String(raw.where);
  if (raw.limit !== undefined && raw.limit !== null) config.limit = Number(raw.limit);
  return config;
}
