/**
 * The `dbt.` namespace: dbt-core's cross-database macros, with one meaning on every engine.
 * Return types are the same on DuckDB and BigQuery (see docs/ARCHITECTURE.md, "Cross-database
 * macros"): dateadd -> TIMESTAMP; date_trunc and last_day -> DATE for day-or-coarser parts;
 * datediff -> INT64 count of part boundaries crossed; week = ISO week (Monday).
 */
import { InputError } from '../../contract/errors.ts';
import { asOfTimestamp, datePart, isDateGrain, listArg, sql } from './args.ts';
import type { MacroNamespace, MacroTable } from './types.ts';

const m = (params: string[], render: MacroTable[string]['render']) => ({ params, render });

/** ANSI / PostgreSQL-flavoured defaults (dbt-core's `default__` implementations). */
const defaults: MacroTable = {
  type_string: m([], () => 'varchar'),
  type_int: m([], () => 'bigint'),
  type_bigint: m([], () => 'bigint'),
  // BigQuery's NUMERIC is DECIMAL(38, 9): the same precision and scale everywhere.
  type_numeric: m([], () => 'decimal(38, 9)'),
  type_float: m([], () => 'double'),
  type_timestamp: m([], () => 'timestamp'),
  type_date: m([], () => 'date'),
  type_boolean: m([], () => 'boolean'),
  cast: m(['field', 'type'], (a) => `cast(${sql(a.field, 'dbt.cast', 'field')} as ${sql(a.type, 'dbt.cast', 'type')})`),
  safe_cast: m(['field', 'type'], (a) => `try_cast(${sql(a.field, 'dbt.safe_cast', 'field')} as ${sql(a.type, 'dbt.safe_cast', 'type')})`),
  concat: m(['fields'], (a) => listArg(a.fields, 'dbt.concat', 'fields').join(' || ')),
  hash: m(['field'], (a) => `md5(cast(${sql(a.field, 'dbt.hash', 'field')} as varchar))`),
  length: m(['expression'], (a) => `length(${sql(a.expression, 'dbt.length', 'expression')})`),
  replace: m(['field', 'old_chars', 'new_chars'], (a) => `replace(${sql(a.field, 'dbt.replace', 'field')}, ${sql(a.old_chars, 'dbt.replace', 'old_chars')}, ${sql(a.new_chars, 'dbt.replace', 'new_chars')})`),
  right: m(['string_text', 'length_expression'], (a) => `right(${sql(a.string_text, 'dbt.right', 'string_text')}, ${sql(a.length_expression, 'dbt.right', 'length_expression')})`),
  position: m(['substring_text', 'string_text'], (a) => `position(${sql(a.substring_text, 'dbt.position', 'substring_text')} in ${sql(a.string_text, 'dbt.position', 'string_text')})`),
  split_part: m(['string_text', 'delimiter_text', 'part_number'], (a) => {
    positivePart(a.part_number);
    return `split_part(${sql(a.string_text, 'dbt.split_part', 'string_text')}, ${sql(a.delimiter_text, 'dbt.split_part', 'delimiter_text')}, ${sql(a.part_number, 'dbt.split_part', 'part_number')})`;
  }),
  escape_single_quotes: m(['expression'], (a) => String(a.expression ?? '').replaceAll("'", "''")),
  string_literal: m(['value'], (a) => `'${String(a.value ?? '').replaceAll("'", "''")}'`),
  cast_bool_to_text: m(['field'], (a) => `cast(${sql(a.field, 'dbt.cast_bool_to_text', 'field')} as varchar)`),
  date: m(['year', 'month', 'day'], (a) => `make_date(${a.year}, ${a.month}, ${a.day})`),
  current_timestamp: m([], (_a, env) => `cast('${asOfTimestamp(env.vars, 'dbt.current_timestamp')}' as timestamp)`),
  current_timestamp_in_utc_backcompat: m([], (_a, env) => `cast('${asOfTimestamp(env.vars, 'dbt.current_timestamp')}' as timestamp)`),
  // any_value picks a value non-deterministically on every engine; min() keeps runs byte-identical.
  any_value: m(['expression'], (a) => `min(${sql(a.expression, 'dbt.any_value', 'expression')})`),
  bool_or: m(['expression'], (a) => `bool_or(${sql(a.expression, 'dbt.bool_or', 'expression')})`),
  safe_divide: m(['numerator', 'denominator'], (a) => `(${sql(a.numerator, 'dbt.safe_divide', 'numerator')}) / nullif(${sql(a.denominator, 'dbt.safe_divide', 'denominator')}, 0)`),
  dateadd: m(['datepart', 'interval', 'from_date_or_timestamp'], (a) => {
    const part = datePart(a.datepart, 'dbt.dateadd');
    const [n, unit] = intervalOf(part, sql(a.interval, 'dbt.dateadd', 'interval'));
    return `(cast(${sql(a.from_date_or_timestamp, 'dbt.dateadd', 'from_date_or_timestamp')} as timestamp) + interval (${n}) ${unit})`;
  }),
  datediff: m(['first_date', 'second_date', 'datepart'], (a) => {
    const part = datePart(a.datepart, 'dbt.datediff');
    const first = `cast(${sql(a.first_date, 'dbt.datediff', 'first_date')} as timestamp)`;
    const second = `cast(${sql(a.second_date, 'dbt.datediff', 'second_date')} as timestamp)`;
    // DuckDB's date_diff('week') counts whole 7-day spans; boundaries of ISO weeks are what BigQuery counts.
    if (part === 'week') return `(date_diff('day', date_trunc('week', ${first}), date_trunc('week', ${second})) // 7)`;
    return `date_diff('${part}', ${first}, ${second})`;
  }),
  date_trunc: m(['datepart', 'date'], (a) => {
    const part = datePart(a.datepart, 'dbt.date_trunc');
    const expr = sql(a.date, 'dbt.date_trunc', 'date');
    return isDateGrain(part) ? `cast(date_trunc('${part}', cast(${expr} as date)) as date)` : `date_trunc('${part}', cast(${expr} as timestamp))`;
  }),
  last_day: m(['date', 'datepart'], (a) => {
    const part = datePart(a.datepart, 'dbt.last_day');
    if (!isDateGrain(part) || part === 'day') throw new InputError(`dbt.last_day: date part must be week, month, quarter or year, got '${part}'`);
    const [n, unit] = intervalOf(part, '1');
    return `cast(date_trunc('${part}', cast(${sql(a.date, 'dbt.last_day', 'date')} as date)) + interval (${n}) ${unit} - interval 1 day as date)`;
  }),
  listagg: m(['measure', 'delimiter_text?', 'order_by_clause?', 'limit_num?'], (a) => {
    const measure = sql(a.measure, 'dbt.listagg', 'measure');
    const delimiter = a.delimiter_text ?? "','";
    // Without an order the result depends on scan order; order by the measure for determinism.
    const order = a.order_by_clause ? String(a.order_by_clause) : `order by ${measure}`;
    if (a.limit_num !== undefined && a.limit_num !== null) {
      return `array_to_string(list_slice(array_agg(${measure} ${order}), 1, ${Number(a.limit_num)}), ${delimiter})`;
    }
    return `string_agg(${measure}, ${delimiter} ${order})`;
  }),
  date_spine: m(['datepart', 'start_date', 'end_date'], (a) => {
    const part = datePart(a.datepart, 'dbt.date_spine');
    const [n, unit] = intervalOf(part, '1');
    const value = isDateGrain(part) ? 'cast(range as date)' : 'range';
    return `select ${value} as date_${part} from range(cast(${sql(a.start_date, 'dbt.date_spine', 'start_date')} as timestamp), cast(${sql(a.end_date, 'dbt.date_spine', 'end_date')} as timestamp), interval (${n}) ${unit})`;
  }),
};

/** DuckDB is the default dialect of the defaults above; nothing differs today. */
const duckdb: MacroTable = {};

const BQ_PART: Record<string, string> = { week: 'ISOWEEK' };
const bqPart = (part: string) => BQ_PART[part] ?? part.toUpperCase();

const bigquery: MacroTable = {
  type_string: m([], () => 'string'),
  type_int: m([], () => 'int64'),
  type_bigint: m([], () => 'int64'),
  type_numeric: m([], () => 'numeric'),
  type_float: m([], () => 'float64'),
  type_timestamp: m([], () => 'timestamp'),
  type_date: m([], () => 'date'),
  type_boolean: m([], () => 'bool'),
  safe_cast: m(['field', 'type'], (a) => `safe_cast(${sql(a.field, 'dbt.safe_cast', 'field')} as ${sql(a.type, 'dbt.safe_cast', 'type')})`),
  concat: m(['fields'], (a) => `concat(${listArg(a.fields, 'dbt.concat', 'fields').join(', ')})`),
  hash: m(['field'], (a) => `to_hex(md5(cast(${sql(a.field, 'dbt.hash', 'field')} as string)))`),
  position: m(['substring_text', 'string_text'], (a) => `strpos(${sql(a.string_text, 'dbt.position', 'string_text')}, ${sql(a.substring_text, 'dbt.position', 'substring_text')})`),
  split_part: m(['string_text', 'delimiter_text', 'part_number'], (a) => {
    const n = positivePart(a.part_number);
    const text = sql(a.string_text, 'dbt.split_part', 'string_text');
    // DuckDB (like PostgreSQL) answers '' for a missing part and NULL for a NULL string.
    return `if(${text} is null, null, coalesce(split(${text}, ${sql(a.delimiter_text, 'dbt.split_part', 'delimiter_text')})[safe_offset(${n - 1})], ''))`;
  }),
  escape_single_quotes: m(['expression'], (a) => String(a.expression ?? '').replaceAll('\\', '\\\\').replaceAll("'", "\\'")),
  string_literal: m(['value'], (a) => `'${String(a.value ?? '').replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`),
  cast_bool_to_text: m(['field'], (a) => `lower(cast(${sql(a.field, 'dbt.cast_bool_to_text', 'field')} as string))`),
  date: m(['year', 'month', 'day'], (a) => `date(${a.year}, ${a.month}, ${a.day})`),
  bool_or: m(['expression'], (a) => `logical_or(${sql(a.expression, 'dbt.bool_or', 'expression')})`),
  safe_divide: m(['numerator', 'denominator'], (a) => `safe_divide(${sql(a.numerator, 'dbt.safe_divide', 'numerator')}, ${sql(a.denominator, 'dbt.safe_divide', 'denominator')})`),
  dateadd: m(['datepart', 'interval', 'from_date_or_timestamp'], (a) => {
    const part = datePart(a.datepart, 'dbt.dateadd');
    const [n, unit] = intervalOf(part, sql(a.interval, 'dbt.dateadd', 'interval'));
    const from = `cast(${sql(a.from_date_or_timestamp, 'dbt.dateadd', 'from_date_or_timestamp')} as timestamp)`;
    // TIMESTAMP_ADD stops at DAY; months and years go through DATETIME (UTC) like DuckDB's calendar arithmetic.
    if (unit === 'month' || unit === 'year') return `timestamp(datetime_add(cast(${from} as datetime), interval (${n}) ${unit.toUpperCase()}))`;
    return `timestamp_add(${from}, interval (${n}) ${unit.toUpperCase()})`;
  }),
  datediff: m(['first_date', 'second_date', 'datepart'], (a) => {
    const part = datePart(a.datepart, 'dbt.datediff');
    const first = `cast(${sql(a.first_date, 'dbt.datediff', 'first_date')} as datetime)`;
    const second = `cast(${sql(a.second_date, 'dbt.datediff', 'second_date')} as datetime)`;
    // Truncate first: then every part counts boundaries crossed, as DuckDB's date_diff does.
    if (part === 'week') return `div(datetime_diff(datetime_trunc(${second}, ISOWEEK), datetime_trunc(${first}, ISOWEEK), DAY), 7)`;
    return `datetime_diff(datetime_trunc(${second}, ${bqPart(part)}), datetime_trunc(${first}, ${bqPart(part)}), ${bqPart(part)})`;
  }),
  date_trunc: m(['datepart', 'date'], (a) => {
    const part = datePart(a.datepart, 'dbt.date_trunc');
    const expr = sql(a.date, 'dbt.date_trunc', 'date');
    return isDateGrain(part) ? `date_trunc(cast(${expr} as date), ${bqPart(part)})` : `timestamp_trunc(cast(${expr} as timestamp), ${bqPart(part)})`;
  }),
  last_day: m(['date', 'datepart'], (a) => {
    const part = datePart(a.datepart, 'dbt.last_day');
    if (!isDateGrain(part) || part === 'day') throw new InputError(`dbt.last_day: date part must be week, month, quarter or year, got '${part}'`);
    return `last_day(cast(${sql(a.date, 'dbt.last_day', 'date')} as date), ${bqPart(part)})`;
  }),
  listagg: m(['measure', 'delimiter_text?', 'order_by_clause?', 'limit_num?'], (a) => {
    const measure = sql(a.measure, 'dbt.listagg', 'measure');
    const delimiter = a.delimiter_text ?? "','";
    const order = a.order_by_clause ? String(a.order_by_clause) : `order by ${measure}`;
    const limit = a.limit_num !== undefined && a.limit_num !== null ? ` limit ${Number(a.limit_num)}` : '';
    return `string_agg(${measure}, ${delimiter} ${order}${limit})`;
  }),
  date_spine: m(['datepart', 'start_date', 'end_date'], (a) => {
    const part = datePart(a.datepart, 'dbt.date_spine');
    const start = sql(a.start_date, 'dbt.date_spine', 'start_date');
    const end = sql(a.end_date, 'dbt.date_spine', 'end_date');
    if (isDateGrain(part)) {
      const [n, unit] = intervalOf(part, '1');
      return `select d as date_${part} from unnest(generate_date_array(cast(${start} as date), cast(${end} as date), interval ${n} ${unit.toUpperCase()})) as d where d < cast(${end} as date)`;
    }
    return `select t as date_${part} from unnest(generate_timestamp_array(cast(${start} as timestamp), cast(${end} as timestamp), interval 1 ${part.toUpperCase()})) as t where t < cast(${end} as timestamp)`;
  }),
};

/** Weeks and quarters as days and months, which both engines add the same way. */
function intervalOf(part: string, n: string): [string, string] {
  if (part === 'week') return [`(${n}) * 7`, 'day'];
  if (part === 'quarter') return [`(${n}) * 3`, 'month'];
  return [n, part];
}

function positivePart(value: unknown): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`dbt.split_part: part_number must be a positive integer literal, got '${String(value)}'`);
  return n;
}

export const dbtNamespace: MacroNamespace = { default: defaults, overrides: { duckdb, bigquery } };
