import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { InputError } from '../../contract/errors.ts';
import { defaultScenario, SCALE_PRESETS } from './defaults.ts';
import { acceptedFor, ATOMIC_FIELDS, fieldsUnder, scenarioSchema } from './schema.ts';
import type { Scenario, ScenarioOverrides } from './types.ts';

/**
 * Resolves the effective scenario from its layers, lowest precedence first:
 * defaults < scenario file (YAML or JSON) < environment (SIM_*) < overrides (flags).
 * Every problem becomes one InputError line naming the field, where it came from, and what is
 * accepted.
 */

type Plain = Record<string, unknown>;

interface Layer {
  /** How a user recognises the layer in an error message. */
  source: (fieldPath: string) => string;
  data: Plain;
}

/** Environment variables read as scenario fields (the scenario file is SIM_SCENARIO). */
export const ENV_FIELDS: Record<string, string> = {
  SIM_SEED: 'seed',
  SIM_SCALE: 'scale',
  SIM_START_DATE: 'start_date',
  SIM_END_DATE: 'end_date',
  SIM_AS_OF: 'as_of',
  SIM_CUSTOMERS: 'customers',
  SIM_PRODUCTS: 'products',
  SIM_FAULTS: 'faults',
  SIM_ENRICH: 'enrich',
  GEMINI_MODEL: 'gemini_model',
};
export const ENV_SCENARIO_FILE = 'SIM_SCENARIO';

/** Flag names of the top-level fields, for error messages ("from --start-date"). */
export function flagFor(field: string): string {
  return `--${field.split(/[.[]/)[0].replace(/_/g, '-')}`;
}

const NUMERIC_TOP_FIELDS = new Set(['seed', 'customers', 'products']);
const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Strings from flags and the environment become numbers where the field is numeric. */
function coerceScalars(data: Plain): Plain {
  const out: Plain = { ...data };
  for (const [k, v] of Object.entries(out)) {
    if (v === undefined) delete out[k];
    else if (NUMERIC_TOP_FIELDS.has(k) && typeof v === 'string' && NUMBER_TEXT.test(v.trim())) out[k] = Number(v);
  }
  return normaliseFaults(out);
}

/** `faults: 0.01` (or "0.01") is shorthand for `faults: { rate: 0.01 }`. */
function normaliseFaults(data: Plain): Plain {
  const f = data.faults;
  if (typeof f === 'number') return { ...data, faults: { rate: f } };
  if (typeof f === 'string') return { ...data, faults: { rate: NUMBER_TEXT.test(f.trim()) ? Number(f) : f } };
  return data;
}

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Plain, top: Plain, prefix = ''): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(top)) {
    const p = prefix ? `${prefix}.${k}` : k;
    out[k] = isPlain(v) && isPlain(base[k]) && !ATOMIC_FIELDS.has(p) ? merge(base[k] as Plain, v, p) : v;
  }
  return out;
}

function has(data: Plain, fieldPath: readonly PropertyKey[]): boolean {
  let node: unknown = data;
  for (const key of fieldPath) {
    if (!isPlain(node) && !Array.isArray(node)) return false;
    if (!(String(key) in (node as Plain))) return false;
    node = (node as Plain)[String(key)];
  }
  return true;
}

function readScenarioFile(file: string): Plain {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError(`cannot read scenario file '${file}' (${code}); accepted: a readable YAML or JSON file`);
  }
  let parsed: unknown;
  try {
    parsed = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : YAML.parse(text, { prettyErrors: false });
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new InputError(`scenario file '${file}' is not valid ${path.extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${first}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isPlain(parsed)) throw new InputError(`scenario file '${file}' must hold a mapping of scenario fields (seed, scale, start_date, ...), not a ${Array.isArray(parsed) ? 'list' : typeof parsed}`);
  return normaliseFaults(parsed);
}

function envLayer(env: Record<string, string | undefined>): Plain {
  const data: Plain = {};
  for (const [name, field] of Object.entries(ENV_FIELDS)) {
    const v = env[name];
    if (v !== undefined && v !== '') data[field] = v;
  }
  return coerceScalars(data);
}

function show(value: unknown): string {
  if (value === undefined) return 'no value (the field is missing)';
  const s = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function valueAt(data: unknown, fieldPath: readonly PropertyKey[]): unknown {
  let node = data;
  for (const key of fieldPath) node = isPlain(node) || Array.isArray(node) ? (node as Plain)[String(key)] : undefined;
  return node;
}

function formatPath(fieldPath: readonly PropertyKey[]): string {
  return fieldPath.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('');
}

/** The highest layer that set the field (or, for a missing field, its nearest enclosing value). */
function sourceOf(layers: Layer[], fieldPath: readonly PropertyKey[]): string {
  for (let n = fieldPath.length; n > 0; n--) {
    const prefix = fieldPath.slice(0, n);
    for (let i = layers.length - 1; i >= 0; i--) if (has(layers[i].data, prefix)) return layers[i].source(formatPath(fieldPath));
  }
  return 'defaults';
}

function issueToError(issue: z.core.$ZodIssue, merged: Plain, layers: Layer[]): InputError {
  if (issue.code === 'unrecognized_keys') {
    const field = formatPath([...issue.path, issue.keys[0]]);
    const known = fieldsUnder(issue.path);
    if (known.length === 0) {
      return new InputError(`invalid key '${field}' (from ${sourceOf(layers, [...issue.path, issue.keys[0]])}); accepted: ${acceptedFor(issue.path)}`);
    }
    return new InputError(
      `unknown scenario field '${field}' (from ${sourceOf(layers, [...issue.path, issue.keys[0]])}); accepted fields${issue.path.length ? ` of '${formatPath(issue.path)}'` : ''}: ${fieldsUnder(issue.path).join(', ')}`,
    );
  }
  const fieldPath = issue.path;
  const field = formatPath(fieldPath) || 'scenario';
  const accepted = acceptedFor(fieldPath) ?? 'see `sim scenario --print` for the expected shape';
  return new InputError(`invalid scenario field '${field}' (from ${sourceOf(layers, fieldPath)}): got ${show(valueAt(merged, fieldPath))}; accepted: ${accepted}`);
}

function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

const MAX_HORIZON_DAYS = 20 * 366;

export interface ResolveInput {
  /** Scenario file (YAML or JSON); falls back to $SIM_SCENARIO. */
  file?: string;
  /** The highest-precedence layer, usually the command-line flags. */
  overrides?: ScenarioOverrides;
  /** Environment to read SIM_* variables from (pass process.env; tests pass their own). */
  env?: Record<string, string | undefined>;
  /** How the overrides layer is named in errors (default: its flag, e.g. "--scale"). */
  overridesSource?: (field: string) => string;
}

export function resolveScenario(input: ResolveInput = {}): Scenario {
  const env = input.env ?? {};
  const file = input.file ?? (env[ENV_SCENARIO_FILE] || undefined);
  const layers: Layer[] = [];
  if (file) layers.push({ source: () => `file ${file}`, data: readScenarioFile(file) });
  layers.push({ source: (f) => `environment ${Object.keys(ENV_FIELDS).find((k) => ENV_FIELDS[k] === f.split('.')[0]) ?? 'SIM_*'}`, data: envLayer(env) });
  layers.push({ source: input.overridesSource ?? ((f) => flagFor(f)), data: coerceScalars((input.overrides ?? {}) as Plain) });

  const defaults = defaultScenario() as unknown as Plain;
  let merged: Plain = defaults;
  for (const layer of layers) merged = merge(merged, layer.data);

  // Scale presets fill customers/products unless those are given at the same or a higher layer.
  const levelOf = (key: string): number => {
    for (let i = layers.length - 1; i >= 0; i--) if (key in layers[i].data) return i;
    return -1;
  };
  const scale = merged.scale as string;
  if (scale in SCALE_PRESETS) {
    const preset = SCALE_PRESETS[scale as keyof typeof SCALE_PRESETS];
    if (levelOf('customers') < levelOf('scale') || levelOf('customers') === -1) merged.customers = preset.customers;
    if (levelOf('products') < levelOf('scale') || levelOf('products') === -1) merged.products = preset.products;
  }
  if (levelOf('as_of') === -1) merged.as_of = merged.end_date;

  const result = scenarioSchema.safeParse(merged);
  if (!result.success) throw issueToError(result.error.issues[0], merged, layers);
  const scenario = result.data;
  checkDates(scenario, layers);
  return scenario;
}

function checkDates(s: Scenario, layers: Layer[]): void {
  const start = dayNumber(s.start_date);
  const end = dayNumber(s.end_date);
  const asOf = dayNumber(s.as_of);
  if (end < start) {
    throw new InputError(`invalid scenario field 'end_date' (from ${sourceOf(layers, ['end_date'])}): got ${s.end_date}, which is before start_date ${s.start_date}; accepted: a date on or after start_date`);
  }
  if (end - start >= MAX_HORIZON_DAYS) {
    throw new InputError(`invalid scenario field 'end_date' (from ${sourceOf(layers, ['end_date'])}): got ${s.end_date}; accepted: a date less than 20 years after start_date ${s.start_date}`);
  }
  if (asOf < start || asOf > end) {
    throw new InputError(`invalid scenario field 'as_of' (from ${sourceOf(layers, ['as_of'])}): got ${s.as_of}; accepted: a date from start_date ${s.start_date} to end_date ${s.end_date}`);
  }
}
