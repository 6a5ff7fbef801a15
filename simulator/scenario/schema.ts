import { z } from 'zod';
import { ACQUISITION_CHANNELS, ORDER_CHANNELS } from '../../contract/landing.ts';
import { ENRICH_MODES, FAULT_KINDS, SCALES, type Scenario } from './types.ts';

/**
 * The scenario schema, and for every field the sentence that tells a user what is accepted.
 * Both come from one table so an error message can never drift from the rule it reports.
 */

interface FieldRule {
  schema: z.ZodType;
  accepted: string;
}

function num(min: number, max: number, opts: { int?: boolean; minExclusive?: boolean } = {}): FieldRule {
  let s = z.number().refine(Number.isFinite);
  if (opts.int) s = s.refine(Number.isInteger);
  s = s.refine((v) => (opts.minExclusive ? v > min : v >= min) && v <= max);
  const what = opts.int ? 'an integer' : 'a number';
  const range = opts.minExclusive ? `greater than ${min} and at most ${max}` : `from ${min} to ${max}`;
  return { schema: s, accepted: `${what} ${range}` };
}

function optional(rule: FieldRule): FieldRule {
  return { schema: rule.schema.optional(), accepted: `${rule.accepted} (optional)` };
}

function oneOf(values: readonly string[]): FieldRule {
  return { schema: z.enum(values as [string, ...string[]]), accepted: `one of ${values.join(', ')}` };
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export function isCalendarDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d && y >= 1971 && y <= 2200;
}
const date: FieldRule = { schema: z.string().refine(isCalendarDate), accepted: 'a calendar date YYYY-MM-DD (UTC), years 1971..2200' };

function profile(length: number, what: string): FieldRule {
  return {
    schema: z
      .array(z.number().refine((v) => Number.isFinite(v) && v >= 0 && v <= 100))
      .length(length)
      .refine((a) => a.some((v) => v > 0)),
    accepted: `a list of ${length} numbers from 0 to 100 (${what}), not all zero`,
  };
}

function shares(keys: z.ZodType, keyText: string): FieldRule {
  return {
    schema: z
      .partialRecord(keys as z.ZodString, z.number().refine((v) => Number.isFinite(v) && v >= 0))
      .refine((r) => Object.values(r).some((v) => (v ?? 0) > 0)),
    accepted: `a map of ${keyText} to non-negative shares, at least one positive`,
  };
}

/** Every leaf field: its zod schema and its accepted-values sentence. Paths use '.', lists '[]'. */
export const FIELD_RULES: Record<string, FieldRule> = {
  seed: num(0, 4294967295, { int: true }),
  scale: oneOf(SCALES),
  start_date: date,
  end_date: date,
  as_of: date,
  customers: num(1, 50_000_000, { int: true }),
  products: num(1, 2_000_000, { int: true }),
  enrich: oneOf(ENRICH_MODES),
  gemini_model: {
    schema: z.string().max(100).regex(/^[a-z0-9][a-z0-9.-]*$/),
    accepted: 'a Gemini model id of lower-case letters, digits, dots and dashes, e.g. gemini-2.5-flash',
  },
  'faults.rate': num(0, 0.5),
  'faults.kinds': { schema: z.array(z.enum(FAULT_KINDS)), accepted: `a list of: ${FAULT_KINDS.join(', ')}` },
  'faults.late_days_max': num(1, 60, { int: true }),
  'behaviour.signup_growth_per_year': num(0.1, 100),
  'behaviour.first_order_probability': num(0, 1),
  'behaviour.purchase_rate_per_year': num(0, 365),
  'behaviour.purchase_rate_shape': num(0.05, 100),
  'behaviour.lifetime_mean_days': num(1, 100_000, { int: false }),
  'behaviour.items_per_order_mean': num(1, 10),
  'behaviour.cancel_rate': num(0, 1),
  'behaviour.return_rate': num(0, 1),
  'behaviour.ship_days_mean': num(0.01, 60),
  'behaviour.delivery_days_mean': num(0.01, 60),
  'behaviour.return_days_mean': num(0.01, 120),
  'behaviour.price_changes_per_year': num(0, 52),
  'behaviour.price_change_sigma': num(0, 1),
  'behaviour.initial_product_share': num(0, 1),
  'behaviour.popularity_zipf': num(0, 3),
  'demand.day_of_week': profile(7, 'Monday first'),
  'demand.hour_of_day': profile(24, 'UTC hours 0..23'),
  'demand.month_of_year': profile(12, 'January first'),
  'demand.holidays.black_friday': num(0, 50),
  'demand.holidays.cyber_monday': num(0, 50),
  'demand.holidays.pre_christmas': num(0, 50),
  'demand.holidays.pre_christmas_days': num(0, 23, { int: true }),
  'demand.holidays.christmas_day': num(0, 50),
  'categories[].name': { schema: z.string().min(1).max(60), accepted: 'a name of 1 to 60 characters' },
  'categories[].share': num(0, 1000, { minExclusive: true }),
  'categories[].price_median': num(0.01, 100_000),
  'categories[].price_sigma': num(0, 3),
  'categories[].margin': num(0, 0.95),
  'categories[].season': profile(12, 'January first'),
  'categories[].return_factor': optional(num(0, 10)),
  countries: shares(z.string().regex(/^[A-Z]{2}$/), 'ISO 3166-1 alpha-2 codes (e.g. US)'),
  acquisition_channels: shares(z.enum(ACQUISITION_CHANNELS), `channels (${ACQUISITION_CHANNELS.join(', ')})`),
  order_channels: shares(z.enum(ORDER_CHANNELS), `channels (${ORDER_CHANNELS.join(', ')})`),
};

/** Fields whose value is replaced as a whole by a higher layer (never merged key by key). */
export const ATOMIC_FIELDS = new Set(['countries', 'acquisition_channels', 'order_channels', 'categories', 'faults.kinds']);

/** Builds the nested strict zod object from FIELD_RULES. */
function buildSchema(): z.ZodType {
  type Tree = { [k: string]: Tree | z.ZodType };
  const root: Tree = {};
  const lists: Record<string, Tree> = {};
  for (const [path, rule] of Object.entries(FIELD_RULES)) {
    const listMatch = /^(\w+)\[\]\.(\w+)$/.exec(path);
    if (listMatch) {
      (lists[listMatch[1]] ??= {})[listMatch[2]] = rule.schema;
      continue;
    }
    const parts = path.split('.');
    let node = root;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Tree;
    node[parts[parts.length - 1]] = rule.schema;
  }
  const toZod = (t: Tree): z.ZodType =>
    z.strictObject(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v instanceof z.ZodType ? v : toZod(v)])));
  for (const [name, item] of Object.entries(lists)) {
    root[name] = z
      .array(toZod(item))
      .min(1)
      .max(64)
      .refine((cats) => new Set(cats.map((c) => (c as { name: string }).name)).size === cats.length);
  }
  return toZod(root);
}

export const scenarioSchema = buildSchema() as z.ZodType<Scenario>;

export const CATEGORIES_ACCEPTED = 'a list of 1 to 64 categories with unique names, each {name, share, price_median, price_sigma, margin, season, return_factor?}';

/** The accepted-values sentence for a concrete path such as ['categories', 2, 'margin']. */
export function acceptedFor(path: readonly PropertyKey[]): string | undefined {
  const key = path.map((p) => (typeof p === 'number' ? '[]' : String(p))).join('.').replace(/\.\[\]/g, '[]');
  if (FIELD_RULES[key]) return FIELD_RULES[key].accepted;
  if (key === 'categories') return CATEGORIES_ACCEPTED;
  // an element of a list or map field: report the field's rule
  const parent = key.replace(/(\[\])?(\.[^.[\]]+)?$/, '');
  if (FIELD_RULES[parent]) return FIELD_RULES[parent].accepted;
  const mapParent = path.slice(0, -1).map(String).join('.');
  return FIELD_RULES[mapParent]?.accepted;
}

/** The names of the fields a nested object at `path` accepts (for "unknown field" errors). */
export function fieldsUnder(path: readonly PropertyKey[]): string[] {
  const prefix = path.map((p) => (typeof p === 'number' ? '[]' : String(p))).join('.').replace(/\.\[\]/g, '[]');
  const names = new Set<string>();
  for (const key of [...Object.keys(FIELD_RULES), 'categories']) {
    if (prefix === '') names.add(key.split(/[.[]/)[0]);
    else if (key.startsWith(prefix + '.') || key.startsWith(prefix + '[].')) names.add(key.slice(prefix.length).replace(/^(\[\])?\./, '').split(/[.[]/)[0]);
  }
  return [...names];
}
