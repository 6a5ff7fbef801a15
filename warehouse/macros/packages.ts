/**
 * The parts of dbt_utils and dbt_date that a shop's models use, under their package names so a
 * dbt user reads `dbt_utils.generate_surrogate_key([...])` and `dbt_date.day_of_week(d)` as usual.
 * Day-of-week is ISO (Monday = 1 ... Sunday = 7) unless `isoweek=false` (Sunday = 1), as in dbt_date.
 */
import { InputError } from '../../contract/errors.ts';
import { asOfDate, listArg, sql } from './args.ts';
import { dbtNamespace } from './dbt.ts';
import type { MacroNamespace, MacroTable } from './types.ts';

const m = (params: string[], render: MacroTable[string]['render']) => ({ params, render });
const truthy = (v: unknown, fallback: boolean) => (v === undefined || v === null ? fallback : v !== false && v !== 'false' && v !== 0);

const NULL_KEY = "'_dbt_utils_surrogate_key_null_'";

export const dbtUtilsNamespace: MacroNamespace = {
  default: {
    generate_surrogate_key: m(['field_list'], (a) => {
      const fields = listArg(a.field_list, 'dbt_utils.generate_surrogate_key', 'field_list');
      const parts = fields.map((f) => `coalesce(cast(${f} as varchar), ${NULL_KEY})`);
      return `md5(${parts.join(" || '-' || ")})`;
    }),
    safe_divide: dbtNamespace.default.safe_divide,
    date_spine: dbtNamespace.default.date_spine,
  },
  overrides: {
    bigquery: {
      generate_surrogate_key: m(['field_list'], (a) => {
        const fields = listArg(a.field_list, 'dbt_utils.generate_surrogate_key', 'field_list');
        const parts = fields.map((f) => `coalesce(cast(${f} as string), ${NULL_KEY})`);
        return `to_hex(md5(concat(${parts.join(", '-', ")})))`;
      }),
      safe_divide: dbtNamespace.overrides.bigquery.safe_divide,
      date_spine: dbtNamespace.overrides.bigquery.date_spine,
    },
  },
};

const DATE_PART_NAMES = ['year', 'isoyear', 'quarter', 'month', 'week', 'day', 'dayofyear', 'hour', 'minute', 'second'] as const;
function extractPart(value: unknown): string {
  const text = String(value ?? '').replace(/^['"]|['"]$/g, '').toLowerCase();
  if (text === 'dayofweek' || text === 'dow') throw new InputError(`dbt_date.date_part: use dbt_date.day_of_week(date, isoweek=true) for the day of the week (engines number it differently)`);
  const part = text === 'isoweek' ? 'week' : text;
  if (!(DATE_PART_NAMES as readonly string[]).includes(part)) throw new InputError(`dbt_date.date_part: unknown date part '${String(value)}' (accepted: ${DATE_PART_NAMES.join(', ')})`);
  return part;
}

const dateOf = (a: Record<string, unknown>, env: { vars: Record<string, unknown> }, fn: string, today: (d: string) => string) =>
  a.date === undefined || a.date === null ? today(asOfDate(env.vars, fn)) : `cast(${sql(a.date, fn, 'date')} as date)`;

export const dbtDateNamespace: MacroNamespace = {
  default: {
    today: m([], (_a, env) => `cast('${asOfDate(env.vars, 'dbt_date.today')}' as date)`),
    n_days_ago: m(['n', 'date?'], (a, env) => `cast(${dateOf(a, env, 'dbt_date.n_days_ago', (d) => `cast('${d}' as date)`)} - interval (${sql(a.n, 'dbt_date.n_days_ago', 'n')}) day as date)`),
    n_days_away: m(['n', 'date?'], (a, env) => `cast(${dateOf(a, env, 'dbt_date.n_days_away', (d) => `cast('${d}' as date)`)} + interval (${sql(a.n, 'dbt_date.n_days_away', 'n')}) day as date)`),
    day_of_week: m(['date', 'isoweek?'], (a) => {
      const d = `cast(${sql(a.date, 'dbt_date.day_of_week', 'date')} as date)`;
      return truthy(a.isoweek, true) ? `isodow(${d})` : `(dayofweek(${d}) + 1)`;
    }),
    day_of_month: m(['date'], (a) => `extract(day from cast(${sql(a.date, 'dbt_date.day_of_month', 'date')} as date))`),
    day_of_year: m(['date'], (a) => `dayofyear(cast(${sql(a.date, 'dbt_date.day_of_year', 'date')} as date))`),
    iso_week_of_year: m(['date'], (a) => `weekofyear(cast(${sql(a.date, 'dbt_date.iso_week_of_year', 'date')} as date))`),
    day_name: m(['date', 'short?'], (a) => `strftime(cast(${sql(a.date, 'dbt_date.day_name', 'date')} as date), '${truthy(a.short, true) ? '%a' : '%A'}')`),
    month_name: m(['date', 'short?'], (a) => `strftime(cast(${sql(a.date, 'dbt_date.month_name', 'date')} as date), '${truthy(a.short, true) ? '%b' : '%B'}')`),
    date_part: m(['datepart', 'date'], (a) => `date_part('${extractPart(a.datepart)}', ${sql(a.date, 'dbt_date.date_part', 'date')})`),
  },
  overrides: {
    bigquery: {
      today: m([], (_a, env) => `date('${asOfDate(env.vars, 'dbt_date.today')}')`),
      n_days_ago: m(['n', 'date?'], (a, env) => `date_sub(${dateOf(a, env, 'dbt_date.n_days_ago', (d) => `date('${d}')`)}, interval (${sql(a.n, 'dbt_date.n_days_ago', 'n')}) DAY)`),
      n_days_away: m(['n', 'date?'], (a, env) => `date_add(${dateOf(a, env, 'dbt_date.n_days_away', (d) => `date('${d}')`)}, interval (${sql(a.n, 'dbt_date.n_days_away', 'n')}) DAY)`),
      day_of_week: m(['date', 'isoweek?'], (a) => {
        const dow = `extract(dayofweek from cast(${sql(a.date, 'dbt_date.day_of_week', 'date')} as date))`;
        return truthy(a.isoweek, true) ? `(mod(${dow} + 5, 7) + 1)` : dow;
      }),
      day_of_month: m(['date'], (a) => `extract(day from cast(${sql(a.date, 'dbt_date.day_of_month', 'date')} as date))`),
      day_of_year: m(['date'], (a) => `extract(dayofyear from cast(${sql(a.date, 'dbt_date.day_of_year', 'date')} as date))`),
      iso_week_of_year: m(['date'], (a) => `extract(isoweek from cast(${sql(a.date, 'dbt_date.iso_week_of_year', 'date')} as date))`),
      day_name: m(['date', 'short?'], (a) => `format_date('${truthy(a.short, true) ? '%a' : '%A'}', cast(${sql(a.date, 'dbt_date.day_name', 'date')} as date))`),
      month_name: m(['date', 'short?'], (a) => `format_date('${truthy(a.short, true) ? '%b' : '%B'}', cast(${sql(a.date, 'dbt_date.month_name', 'date')} as date))`),
      date_part: m(['datepart', 'date'], (a) => {
        const part = extractPart(a.datepart);
        return `extract(${part === 'week' ? 'isoweek' : part} from ${sql(a.date, 'dbt_date.date_part', 'date')})`;
      }),
    },
  },
};
