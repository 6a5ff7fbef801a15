import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB, type DuckDBEngine } from '../duckdb/index.ts';
import { macroTable, NAMESPACES, renderMacro } from './index.ts';

const vars = { as_of: '2024-03-31' };
const duck = (name: string, ...args: unknown[]) => renderMacro('duckdb', name, args, vars);
const bq = (name: string, ...args: unknown[]) => renderMacro('bigquery', name, args, vars);
const kw = (o: Record<string, unknown>) => ({ ...o, __keywords: true });

describe('cross-database macros render the exact SQL per dialect', () => {
  const cases: Array<[string, unknown[], string, string]> = [
    ['dbt.type_string', [], 'varchar', 'string'],
    ['dbt.type_int', [], 'bigint', 'int64'],
    ['dbt.type_bigint', [], 'bigint', 'int64'],
    ['dbt.type_numeric', [], 'decimal(38, 9)', 'numeric'],
    ['dbt.type_float', [], 'double', 'float64'],
    ['dbt.type_timestamp', [], 'timestamp', 'timestamp'],
    ['dbt.type_boolean', [], 'boolean', 'bool'],
    ['dbt.cast', ['price', 'numeric'], 'cast(price as numeric)', 'cast(price as numeric)'],
    ['dbt.safe_cast', ["'x'", 'int'], "try_cast('x' as int)", "safe_cast('x' as int)"],
    ['dbt.concat', [['a', "'-'", 'b']], "a || '-' || b", "concat(a, '-', b)"],
    ['dbt.hash', ['email'], 'md5(cast(email as varchar))', 'to_hex(md5(cast(email as string)))'],
    ['dbt.split_part', ['s', "','", 2], "split_part(s, ',', 2)", "if(s is null, null, coalesce(split(s, ',')[safe_offset(1)], ''))"],
    ['dbt.current_timestamp', [], "cast('2024-03-31 23:59:59' as timestamp)", "cast('2024-03-31 23:59:59' as timestamp)"],
    ['dbt.any_value', ['name'], 'min(name)', 'min(name)'],
    ['dbt.bool_or', ['flag'], 'bool_or(flag)', 'logical_or(flag)'],
    ['dbt.listagg', ['name', "', '"], "string_agg(name, ', ' order by name)", "string_agg(name, ', ' order by name)"],
    ['dbt.listagg', ['name', "','", 'order by id', 3], "array_to_string(list_slice(array_agg(name order by id), 1, 3), ',')", "string_agg(name, ',' order by id limit 3)"],
    ['dbt.dateadd', ['day', -7, 'order_ts'], '(cast(order_ts as timestamp) + interval (-7) day)', 'timestamp_add(cast(order_ts as timestamp), interval (-7) DAY)'],
    ['dbt.dateadd', ['month', 1, 'd'], '(cast(d as timestamp) + interval (1) month)', 'timestamp(datetime_add(cast(cast(d as timestamp) as datetime), interval (1) MONTH))'],
    ['dbt.dateadd', ['week', 2, 'd'], '(cast(d as timestamp) + interval ((2) * 7) day)', 'timestamp_add(cast(d as timestamp), interval ((2) * 7) DAY)'],
    ['dbt.datediff', ['a', 'b', 'day'], "date_diff('day', cast(a as timestamp), cast(b as timestamp))", 'datetime_diff(datetime_trunc(cast(b as datetime), DAY), datetime_trunc(cast(a as datetime), DAY), DAY)'],
    ['dbt.datediff', ['a', 'b', 'week'], "(date_diff('day', date_trunc('week', cast(a as timestamp)), date_trunc('week', cast(b as timestamp))) // 7)", 'div(datetime_diff(datetime_trunc(cast(b as datetime), ISOWEEK), datetime_trunc(cast(a as datetime), ISOWEEK), DAY), 7)'],
    ['dbt.date_trunc', ['month', 'order_ts'], "cast(date_trunc('month', cast(order_ts as date)) as date)", 'date_trunc(cast(order_ts as date), MONTH)'],
    ['dbt.date_trunc', ['hour', 'order_ts'], "date_trunc('hour', cast(order_ts as timestamp))", 'timestamp_trunc(cast(order_ts as timestamp), HOUR)'],
    ['dbt.last_day', ['d', 'month'], "cast(date_trunc('month', cast(d as date)) + interval (1) month - interval 1 day as date)", 'last_day(cast(d as date), MONTH)'],
    ['dbt.date_spine', ['day', "'2024-01-01'", "'2024-01-04'"], "select cast(range as date) as date_day from range(cast('2024-01-01' as timestamp), cast('2024-01-04' as timestamp), interval (1) day)", "select d as date_day from unnest(generate_date_array(cast('2024-01-01' as date), cast('2024-01-04' as date), interval 1 DAY)) as d where d < cast('2024-01-04' as date)"],
    ['dbt.safe_divide', ['a', 'b'], '(a) / nullif(b, 0)', 'safe_divide(a, b)'],
    ['dbt.date', [2024, 2, 29], 'make_date(2024, 2, 29)', 'date(2024, 2, 29)'],
    ['dbt.string_literal', ["it's"], "'it''s'", "'it\\'s'"],
    ['dbt_utils.generate_surrogate_key', [['a', 'b']], "md5(coalesce(cast(a as varchar), '_dbt_utils_surrogate_key_null_') || '-' || coalesce(cast(b as varchar), '_dbt_utils_surrogate_key_null_'))", "to_hex(md5(concat(coalesce(cast(a as string), '_dbt_utils_surrogate_key_null_'), '-', coalesce(cast(b as string), '_dbt_utils_surrogate_key_null_'))))"],
    ['dbt_date.today', [], "cast('2024-03-31' as date)", "date('2024-03-31')"],
    ['dbt_date.n_days_ago', [7], "cast(cast('2024-03-31' as date) - interval (7) day as date)", "date_sub(date('2024-03-31'), interval (7) DAY)"],
    ['dbt_date.day_of_week', ['d'], 'isodow(cast(d as date))', '(mod(extract(dayofweek from cast(d as date)) + 5, 7) + 1)'],
    ['dbt_date.day_of_week', ['d', kw({ isoweek: false })], '(dayofweek(cast(d as date)) + 1)', 'extract(dayofweek from cast(d as date))'],
    ['dbt_date.iso_week_of_year', ['d'], 'weekofyear(cast(d as date))', 'extract(isoweek from cast(d as date))'],
    ['dbt_date.date_part', ['year', 'd'], "date_part('year', d)", 'extract(year from d)'],
    ['dbt.type_date', [], 'date', 'date'],
    ['dbt.length', ['s'], 'length(s)', 'length(s)'],
    ['dbt.replace', ['s', "'a'", "'b'"], "replace(s, 'a', 'b')", "replace(s, 'a', 'b')"],
    ['dbt.right', ['s', 2], 'right(s, 2)', 'right(s, 2)'],
    ['dbt.position', ["'b'", 's'], "position('b' in s)", "strpos(s, 'b')"],
    ['dbt.escape_single_quotes', ["it's"], "it''s", "it\\'s"],
    ['dbt.cast_bool_to_text', ['flag'], 'cast(flag as varchar)', 'lower(cast(flag as string))'],
    ['dbt.current_timestamp_in_utc_backcompat', [], "cast('2024-03-31 23:59:59' as timestamp)", "cast('2024-03-31 23:59:59' as timestamp)"],
    ['dbt_utils.safe_divide', ['a', 'b'], '(a) / nullif(b, 0)', 'safe_divide(a, b)'],
    ['dbt_utils.date_spine', ['month', "'2024-01-01'", "'2024-03-01'"], "select cast(range as date) as date_month from range(cast('2024-01-01' as timestamp), cast('2024-03-01' as timestamp), interval (1) month)", "select d as date_month from unnest(generate_date_array(cast('2024-01-01' as date), cast('2024-03-01' as date), interval 1 MONTH)) as d where d < cast('2024-03-01' as date)"],
    ['dbt_date.n_days_away', [2, 'd'], 'cast(cast(d as date) + interval (2) day as date)', 'date_add(cast(d as date), interval (2) DAY)'],
    ['dbt_date.day_of_month', ['d'], 'extract(day from cast(d as date))', 'extract(day from cast(d as date))'],
    ['dbt_date.day_of_year', ['d'], 'dayofyear(cast(d as date))', 'extract(dayofyear from cast(d as date))'],
    ['dbt_date.day_name', ['d'], "strftime(cast(d as date), '%a')", "format_date('%a', cast(d as date))"],
    ['dbt_date.month_name', ['d', kw({ short: false })], "strftime(cast(d as date), '%B')", "format_date('%B', cast(d as date))"],
  ];

  it('covers every macro of every namespace', () => {
    const tested = new Set(cases.map(([name]) => name));
    const all = Object.keys(NAMESPACES).flatMap((ns) => Object.keys(macroTable(ns, 'duckdb')).map((m) => `${ns}.${m}`));
    expect(all.filter((name) => !tested.has(name))).toEqual([]);
  });
  it.each(cases)('%s(%j)', (name, args, duckdbSql, bigquerySql) => {
    expect(duck(name, ...args)).toBe(duckdbSql);
    expect(bq(name, ...args)).toBe(bigquerySql);
  });

  it('accepts keyword arguments like Jinja calls', () => {
    expect(duck('dbt.dateadd', kw({ datepart: 'day', interval: 1, from_date_or_timestamp: 'd' }))).toBe('(cast(d as timestamp) + interval (1) day)');
    expect(duck('dbt.datediff', 'a', kw({ second_date: 'b', datepart: "'month'" }))).toBe("date_diff('month', cast(a as timestamp), cast(b as timestamp))");
  });

  it('rejects bad arguments with one clear line', () => {
    expect(() => duck('dbt.dateadd', 'fortnight', 1, 'd')).toThrow("dbt.dateadd: unknown date part 'fortnight' (accepted: microsecond, millisecond, second, minute, hour, day, week, month, quarter, year)");
    expect(() => duck('dbt.dateadd', 'day', 1)).toThrow("dbt.dateadd() is missing argument 'from_date_or_timestamp'");
    expect(() => duck('dbt.hash', kw({ column: 'x' }))).toThrow("dbt.hash() has no argument 'column' (arguments: field)");
    expect(() => duck('dbt.split_part', 's', "','", -1)).toThrow('part_number must be a positive integer');
    expect(() => renderMacro('duckdb', 'dbt.current_timestamp', [], {})).toThrow("var 'as_of' is not set");
  });
});

describe('the DuckDB renderings compute what the macros promise', () => {
  let engine: DuckDBEngine;
  beforeAll(async () => {
    engine = await openDuckDB(':memory:');
  });
  afterAll(async () => {
    await engine.close();
  });
  const value = async (sql: string) => Object.values((await engine.query(`select ${sql} as v`))[0])[0];

  it('datediff counts boundaries crossed; weeks are ISO weeks (Monday)', async () => {
    expect(await value(duck('dbt.datediff', "'2024-01-01 23:00'", "'2024-01-02 01:00'", 'day'))).toBe(1);
    // Sunday 17 March -> Monday 18 March crosses a week boundary; Monday -> Sunday does not.
    expect(await value(duck('dbt.datediff', "date '2024-03-17'", "date '2024-03-18'", 'week'))).toBe(1);
    expect(await value(duck('dbt.datediff', "date '2024-03-18'", "date '2024-03-24'", 'week'))).toBe(0);
    expect(await value(duck('dbt.datediff', "date '2024-01-31'", "date '2024-02-01'", 'month'))).toBe(1);
  });

  it('dateadd clamps month ends and returns a timestamp', async () => {
    expect(await value(duck('dbt.dateadd', 'month', 1, "date '2024-01-31'"))).toBe('2024-02-29T00:00:00.000000Z');
    expect(await value(duck('dbt.dateadd', 'quarter', -1, "date '2024-05-31'"))).toBe('2024-02-29T00:00:00.000000Z');
  });

  it('date_trunc and last_day return dates for day-or-coarser parts', async () => {
    expect(await value(duck('dbt.date_trunc', 'month', "timestamp '2024-03-15 10:00'"))).toBe('2024-03-01');
    expect(await value(duck('dbt.date_trunc', 'week', "date '2024-03-17'"))).toBe('2024-03-11');
    expect(await value(duck('dbt.last_day', "date '2024-02-10'", 'month'))).toBe('2024-02-29');
    expect(await value(duck('dbt.last_day', "date '2024-02-10'", 'quarter'))).toBe('2024-03-31');
  });

  it('day_of_week is ISO (Monday 1 .. Sunday 7) or Sunday-first with isoweek=false', async () => {
    expect(await value(duck('dbt_date.day_of_week', "date '2024-03-17'"))).toBe(7);
    expect(await value(duck('dbt_date.day_of_week', "date '2024-03-18'"))).toBe(1);
    expect(await value(duck('dbt_date.day_of_week', "date '2024-03-17'", kw({ isoweek: false })))).toBe(1);
  });

  it('split_part answers empty for a missing part and NULL for NULL', async () => {
    expect(await value(duck('dbt.split_part', "'a,b'", "','", 2))).toBe('b');
    expect(await value(duck('dbt.split_part', "'a,b'", "','", 5))).toBe('');
    expect(await value(duck('dbt.split_part', 'cast(null as varchar)', "','", 1))).toBe(null);
  });

  it('date_spine covers start inclusive to end exclusive', async () => {
    const rows = await engine.query(duck('dbt.date_spine', 'day', "'2024-02-27'", "'2024-03-02'"));
    expect(rows.map((r) => r.date_day)).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    const months = await engine.query(duck('dbt.date_spine', 'month', "'2024-01-01'", "'2024-04-01'"));
    expect(months.map((r) => r.date_month)).toEqual(['2024-01-01', '2024-02-01', '2024-03-01']);
  });

  it('type_numeric keeps BigQuery NUMERIC scale (9 digits)', async () => {
    expect(await value(`cast(1 as ${duck('dbt.type_numeric')}) / 3`)).toBeCloseTo(0.333333333, 9);
    expect(await value(`cast(cast('1.0000000005' as ${duck('dbt.type_numeric')}) as varchar)`)).toBe('1.000000001');
  });

  it('listagg and any_value are deterministic', async () => {
    const rows = await engine.query(`select ${duck('dbt.listagg', 'x', "','")} as l, ${duck('dbt.any_value', 'x')} as a from (values ('c'), ('a'), ('b')) t(x)`);
    expect(rows).toEqual([{ l: 'a,b,c', a: 'a' }]);
  });
});
