import { InputError } from '../../contract/errors.ts';
import type { Dialect } from '../dialect.ts';
import type { KeyTestCheck } from '../engine.ts';

/**
 * SQL for the generic data tests, in the form dbt-core and dbt_utils define them: each returns
 * the failing rows, so `count(*)` is the number of failures and the same SELECT reproduces them
 * (store_failures keeps exactly these rows). Arguments keep dbt's names. SQL is the subset
 * DuckDB and BigQuery share; what differs comes from the dialect.
 */

/** Arguments after `resolveTestArgs`: `model` is the tested relation's SQL name, refs rendered. */
export type TestArgs = Record<string, unknown>;

export interface GenericTestContext {
  dialect: Dialect;
  /** The scenario's "now" (var as_of): recency compares against it, never the clock. */
  asOf: string;
  /** config.where: tests then see only the rows matching it. */
  where?: string;
}

type Generator = (args: TestArgs, ctx: GenericTestContext) => string;

const GENERATORS: Record<string, Generator> = {
  unique: (a, c) => {
    const col = column(a, 'unique');
    return `select ${col} as unique_field, count(*) as n_records\nfrom ${model(a, c)}\nwhere ${col} is not null\ngroup by ${col}\nhaving count(*) > 1`;
  },
  not_null: (a, c) => `select *\nfrom ${model(a, c)}\nwhere ${column(a, 'not_null')} is null`,
  accepted_values: (a, c) => {
    const values = list(a.values, 'accepted_values', 'values');
    const quote = a.quote !== false;
    const rendered = values.map((v) => (quote ? c.dialect.stringLiteral(String(v)) : String(v))).join(', ');
    const col = column(a, 'accepted_values');
    return [
      'with all_values as (',
      `    select ${col} as value_field, count(*) as n_records`,
      `    from ${model(a, c)}`,
      `    group by ${col}`,
      ')',
      'select * from all_values',
      `where value_field not in (${rendered})`,
    ].join('\n');
  },
  relationships: (a, c) => {
    const to = required(a.to, 'relationships', 'to');
    const field = required(a.field, 'relationships', 'field');
    const col = column(a, 'relationships');
    return [
      'with child as (',
      `    select ${col} as from_field from ${model(a, c)} where ${col} is not null`,
      '),',
      'parent as (',
      `    select ${String(field)} as to_field from ${String(to)}`,
      ')',
      'select from_field',
      'from child',
      'left join parent on child.from_field = parent.to_field',
      'where parent.to_field is null',
    ].join('\n');
  },
  expression_is_true: (a, c) => {
    const expression = String(required(a.expression, 'expression_is_true', 'expression'));
    const condition = a.column_name ? `${String(a.column_name)} ${expression}` : expression;
    return `select *\nfrom ${model(a, c)}\nwhere not(${condition})`;
  },
  unique_combination_of_columns: (a, c) => {
    const cols = list(a.combination_of_columns, 'unique_combination_of_columns', 'combination_of_columns').map((col) =>
      a.quote_columns ? c.dialect.quoteIdentifier(String(col)) : String(col),
    );
    return `select ${cols.join(', ')}, count(*) as n_records\nfrom ${model(a, c)}\ngroup by ${cols.join(', ')}\nhaving count(*) > 1`;
  },
  accepted_range: (a, c) => {
    const col = column(a, 'accepted_range');
    if (a.min_value === undefined && a.max_value === undefined) throw argError('accepted_range', 'min_value or max_value');
    const op = a.inclusive === false ? ['>', '<'] : ['>=', '<='];
    const checks = ['1 = 2'];
    if (a.min_value !== undefined && a.min_value !== null) checks.push(`not(${col} ${op[0]} ${String(a.min_value)})`);
    if (a.max_value !== undefined && a.max_value !== null) checks.push(`not(${col} ${op[1]} ${String(a.max_value)})`);
    return `select *\nfrom ${model(a, c)}\nwhere ${checks.join(' or ')}`;
  },
  recency: (a, c) => {
    const field = String(required(a.field, 'recency', 'field'));
    const datepart = String(required(a.datepart, 'recency', 'datepart'));
    const interval = Number(required(a.interval, 'recency', 'interval'));
    if (!Number.isFinite(interval)) throw new InputError(`recency: interval must be a number, got ${JSON.stringify(a.interval)}`);
    const groupBy = a.group_by_columns ? list(a.group_by_columns, 'recency', 'group_by_columns').map(String) : [];
    const threshold = thresholdBefore(c.asOf, datepart, interval);
    const ignoreTime = a.ignore_time_component === true;
    const mostRecent = ignoreTime ? `cast(max(${field}) as date)` : `cast(max(${field}) as timestamp)`;
    const limit = ignoreTime ? `date '${threshold.slice(0, 10)}'` : `timestamp '${threshold}'`;
    const select = [...groupBy, `${mostRecent} as most_recent`, `${limit} as threshold`].join(', ');
    return [
      `with recency as (`,
      `    select ${select}`,
      `    from ${model(a, c)}`,
      groupBy.length ? `    group by ${groupBy.join(', ')}` : '',
      ')',
      'select * from recency',
      'where most_recent < threshold or most_recent is null',
    ]
      .filter(Boolean)
      .join('\n');
  },
};

/** Test names this engine knows (dbt built-ins and the dbt_utils ones). */
export const GENERIC_TESTS = Object.keys(GENERATORS);

/** The failing-rows SELECT of a generic test, e.g. genericTestSql('unique', {model, column_name}, ctx). */
export function genericTestSql(name: string, args: TestArgs, ctx: GenericTestContext): string {
  const generate = GENERATORS[name];
  if (!generate) throw new InputError(`unknown generic test '${name}' (known: ${GENERIC_TESTS.join(', ')})`);
  return generate(args, ctx);
}

/**
 * What a `unique` or `relationships` test asks, in the same SQL pieces its query reads (the
 * tested relation with its `where`, the column, the parent), for an engine that can prove the
 * answer more cheaply (Engine.proveKeyTest); undefined for every other test.
 */
export function keyTestCheck(name: string, args: TestArgs, ctx: GenericTestContext): KeyTestCheck | undefined {
  if (name === 'unique') return { test: 'unique', relation: model(args, ctx), column: column(args, 'unique') };
  if (name === 'relationships') {
    const to = String(required(args.to, 'relationships', 'to'));
    const field = String(required(args.field, 'relationships', 'field'));
    return { test: 'relationships', relation: model(args, ctx), column: column(args, 'relationships'), to, field };
  }
  return undefined;
}

function model(args: TestArgs, ctx: GenericTestContext): string {
  const relation = String(required(args.model, 'test', 'model'));
  return ctx.where ? `(select * from ${relation} where ${ctx.where}) dbt_subquery` : relation;
}

function column(args: TestArgs, test: string): string {
  return String(required(args.column_name, test, 'column_name'));
}

function required(value: unknown, test: string, name: string): unknown {
  if (value === undefined || value === null || value === '') throw argError(test, name);
  return value;
}

function list(value: unknown, test: string, name: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw new InputError(`${test}: argument '${name}' must be a non-empty list, got ${JSON.stringify(value)}`);
  return value;
}

function argError(test: string, name: string): InputError {
  return new InputError(`${test}: missing argument '${name}'`);
}

const DATEPARTS: Record<string, (d: Date, n: number) => void> = {
  second: (d, n) => d.setUTCSeconds(d.getUTCSeconds() + n),
  minute: (d, n) => d.setUTCMinutes(d.getUTCMinutes() + n),
  hour: (d, n) => d.setUTCHours(d.getUTCHours() + n),
  day: (d, n) => d.setUTCDate(d.getUTCDate() + n),
  week: (d, n) => d.setUTCDate(d.getUTCDate() + 7 * n),
  month: (d, n) => d.setUTCMonth(d.getUTCMonth() + n),
  quarter: (d, n) => d.setUTCMonth(d.getUTCMonth() + 3 * n),
  year: (d, n) => d.setUTCFullYear(d.getUTCFullYear() + n),
};

/**
 * dbt_utils.recency's threshold, dateadd(datepart, -interval, now()), with "now" the end of the
 * scenario's as_of day, as dbt.current_timestamp() renders it (so data from as_of is never stale). Computed here, not in SQL,
 * so every engine compares against the same literal.
 */
export function thresholdBefore(asOf: string, datepart: string, interval: number): string {
  const add = DATEPARTS[datepart.toLowerCase()];
  if (!add) throw new InputError(`recency: datepart '${datepart}' is not known (accepted: ${Object.keys(DATEPARTS).join(', ')})`);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? `${asOf}T23:59:59Z` : asOf;
  const now = new Date(day);
  if (Number.isNaN(now.getTime())) throw new InputError(`recency: as_of '${asOf}' is not a date (YYYY-MM-DD)`);
  add(now, -interval);
  return now.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
}
