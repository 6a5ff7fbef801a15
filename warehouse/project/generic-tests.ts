/**
 * Generic data tests as declared in properties YAML (dbt 1.8 `data_tests:`, legacy `tests:`):
 * parsing, argument checks and dbt's naming. Rendering them to SQL is the runner's job
 * (warehouse/testing/); a project's own `{% test %}` macros are rendered by the macro runtime.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../contract/errors.ts';
import { isRecord } from './yaml.ts';

/**
 * Built-in generic tests by (namespace.)name, with their required and optional arguments: the
 * ones the runner renders (warehouse/testing/generic.ts). Anything else must be a project
 * `{% test %}` macro, so a test the engine cannot run fails at parse time, not mid-build.
 */
export const BUILTIN_GENERIC_TESTS: Record<string, { required: string[]; optional: string[]; columnLevel?: boolean }> = {
  unique: { required: [], optional: [], columnLevel: true },
  not_null: { required: [], optional: [], columnLevel: true },
  accepted_values: { required: ['values'], optional: ['quote'], columnLevel: true },
  relationships: { required: ['to', 'field'], optional: [], columnLevel: true },
  'dbt_utils.expression_is_true': { required: ['expression'], optional: [] },
  'dbt_utils.unique_combination_of_columns': { required: ['combination_of_columns'], optional: ['quote_columns'] },
  'dbt_utils.accepted_range': { required: [], optional: ['min_value', 'max_value', 'inclusive'], columnLevel: true },
  'dbt_utils.recency': { required: ['datepart', 'field', 'interval'], optional: ['ignore_time_component', 'group_by_columns'] },
};

/** Config keys dbt accepts at the top level of a test entry (legacy form) besides `config:`. */
const TEST_CONFIG_KEYS = ['severity', 'where', 'tags', 'store_failures', 'store_failures_as', 'warn_if', 'error_if', 'limit', 'enabled', 'meta', 'fail_calc', 'alias', 'schema', 'database'];

export interface ParsedTestEntry {
  /** Test name without namespace. */
  name: string;
  namespace?: string;
  /** Arguments (without column_name/model), as written. */
  args: Record<string, unknown>;
  config: Record<string, unknown>;
  /** User-given name (`name:`) overriding dbt's generated one. */
  customName?: string;
  columnName?: string;
}

/**
 * Parses one entry of a `data_tests:` list: `unique`, `{accepted_values: {values: [...], config: {...}}}`,
 * the `test_name:` form, and dbt 1.10's `arguments:`. `userTests` are `{% test %}` macros of the project.
 */
export function parseTestEntry(entry: unknown, where: string, userTests: Set<string>, columnName?: string): ParsedTestEntry {
  let qualified: string;
  let body: Record<string, unknown> = {};
  if (typeof entry === 'string') {
    qualified = entry;
  } else if (isRecord(entry) && typeof entry.test_name === 'string') {
    qualified = entry.test_name;
    body = { ...entry };
    delete body.test_name;
  } else if (isRecord(entry) && Object.keys(entry).length === 1) {
    qualified = Object.keys(entry)[0];
    const value = entry[qualified];
    if (value !== null && !isRecord(value)) throw new InputError(`${where}: arguments of test '${qualified}' must be a mapping`);
    body = { ...((value as Record<string, unknown>) ?? {}) };
  } else {
    throw new InputError(`${where}: a test is a name (unique) or a mapping with one test name ({accepted_values: {values: [...]}})`);
  }
  const [namespace, name] = qualified.includes('.') ? qualified.split('.', 2) : [undefined, qualified];
  const known = BUILTIN_GENERIC_TESTS[qualified];
  if (!known && !userTests.has(`test_${name}`)) {
    const available = [...Object.keys(BUILTIN_GENERIC_TESTS), ...[...userTests].map((t) => t.replace(/^test_/, ''))];
    throw new InputError(`${where}: unknown test '${qualified}' (known: ${available.join(', ')})`);
  }
  const config: Record<string, unknown> = isRecord(body.config) ? { ...body.config } : {};
  const customName = typeof body.name === 'string' ? body.name : undefined;
  const args: Record<string, unknown> = isRecord(body.arguments) ? { ...body.arguments } : {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'config' || key === 'name' || key === 'arguments' || key === 'description') continue;
    if (TEST_CONFIG_KEYS.includes(key)) config[key] = value;
    else if (key === 'column_name') columnName = String(value);
    else args[key] = value;
  }
  if (known) {
    for (const required of known.required) {
      if (args[required] === undefined) throw new InputError(`${where}: test '${qualified}' needs argument '${required}'`);
    }
    const accepted = [...known.required, ...known.optional];
    for (const key of Object.keys(args)) {
      if (!accepted.includes(key)) throw new InputError(`${where}: test '${qualified}' has no argument '${key}' (arguments: ${accepted.join(', ') || 'none'}; config keys go under config:)`);
    }
    if (known.columnLevel && !columnName) {
      throw new InputError(`${where}: test '${qualified}' applies to a column: list it under the column's data_tests`);
    }
  }
  return { name, namespace, args, config, customName, columnName };
}

/**
 * dbt's generated test name: `<ns_><test>_<target>_<flattened args>`, where args include
 * column_name, e.g. `unique_stg_orders_order_id`, `accepted_values_stg_orders_order_status__placed__shipped`.
 * Names of 64 characters or more become `<first 30 chars>_<md5>`, as in dbt.
 */
export function genericTestName(test: ParsedTestEntry, targetName: string): string {
  const prefix = test.namespace ? `${test.namespace}_${test.name}` : test.name;
  const args: Record<string, unknown> = { ...test.args };
  if (test.columnName) args.column_name = test.columnName;
  const flat: string[] = [];
  for (const key of Object.keys(args).sort()) {
    const value = args[key];
    const parts = isRecord(value) ? Object.values(value) : Array.isArray(value) ? value : [value];
    flat.push(...parts.map((p) => (isRecord(p) || Array.isArray(p) ? JSON.stringify(p) : String(p))));
  }
  const unique = flat.map((a) => a.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const identifier = `${prefix}_${targetName}`;
  const full = unique ? `${identifier}_${unique}` : identifier;
  if (full.length < 64) return full;
  return `${identifier.slice(0, 30)}_${createHash('md5').update(full).digest('hex')}`;
}
