/**
 * One meaning on every engine: each cross-database macro is evaluated by DuckDB (its DuckDB
 * rendering) and by ZetaSQL's reference evaluator, which implements BigQuery's semantics (its
 * BigQuery rendering), on the same inputs, and the answers must be equal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZetaSqlEvaluatorEngine } from '../bigquery/zetasql/evaluator-engine.ts';
import { startZetaSql, zetaSqlAvailable, type ZetaSqlServer } from '../bigquery/zetasql/server.ts';
import { openDuckDB, type DuckDBEngine } from '../duckdb/index.ts';
import { renderMacro } from './index.ts';

const vars = { as_of: '2024-03-31' };
const kw = (o: Record<string, unknown>) => ({ ...o, __keywords: true });
const date = (d: string) => `cast('${d}' as date)`;
const ts = (t: string) => `cast('${t}' as timestamp)`;

/** [macro, arguments]: arguments are SQL both engines read the same way. */
const SCALARS: Array<[string, unknown[]]> = [
  ['dbt.dateadd', ['day', -7, date('2024-03-05')]],
  ['dbt.dateadd', ['month', 1, date('2024-01-31')]],
  ['dbt.dateadd', ['quarter', -1, ts('2024-05-31 10:00:00')]],
  ['dbt.dateadd', ['week', 2, date('2024-01-31')]],
  ['dbt.dateadd', ['year', 1, date('2024-02-29')]],
  ['dbt.dateadd', ['hour', 5, ts('2024-01-31 22:00:00')]],
  ['dbt.datediff', [ts('2024-01-01 23:00:00'), ts('2024-01-02 01:00:00'), 'day']],
  ['dbt.datediff', [date('2024-03-17'), date('2024-03-18'), 'week']],
  ['dbt.datediff', [date('2024-03-18'), date('2024-03-24'), 'week']],
  ['dbt.datediff', [date('2024-01-31'), date('2024-02-01'), 'month']],
  ['dbt.datediff', [date('2023-12-31'), date('2024-01-01'), 'quarter']],
  ['dbt.datediff', [date('2023-12-31'), date('2024-01-01'), 'year']],
  ['dbt.datediff', [ts('2024-01-01 10:59:00'), ts('2024-01-01 11:01:00'), 'hour']],
  ['dbt.datediff', [date('2024-02-10'), date('2024-01-10'), 'day']],
  ['dbt.date_trunc', ['month', ts('2024-03-15 10:00:00')]],
  ['dbt.date_trunc', ['week', date('2024-03-17')]],
  ['dbt.date_trunc', ['quarter', date('2024-05-17')]],
  ['dbt.date_trunc', ['year', date('2024-05-17')]],
  ['dbt.date_trunc', ['hour', ts('2024-03-17 10:45:00')]],
  ['dbt.last_day', [date('2024-02-10'), 'month']],
  ['dbt.last_day', [date('2024-02-10'), 'quarter']],
  ['dbt.last_day', [date('2024-02-10'), 'year']],
  ['dbt.last_day', [date('2024-03-13'), 'week']],
  ['dbt.split_part', ["'a,b,c'", "','", 2]],
  ['dbt.split_part', ["'a,b'", "','", 5]],
  ['dbt.hash', ["'abc'"]],
  ['dbt.concat', [["'a'", "'-'", "'b'"]]],
  ['dbt.concat', [["'a'", "cast(null as STRING)"]]],
  ['dbt.safe_cast', ["'12x'", 'INT64']],
  ['dbt.safe_cast', ["'12'", 'INT64']],
  ['dbt.current_timestamp', []],
  ['dbt.safe_divide', ['1', '0']],
  ['dbt.date', [2024, 2, 29]],
  ['dbt.string_literal', ["it's"]],
  ['dbt_utils.generate_surrogate_key', [["'a'", 'cast(null as STRING)', '1']]],
  ['dbt_date.today', []],
  ['dbt_date.n_days_ago', [7]],
  ['dbt_date.n_days_away', [1, date('2024-12-31')]],
  ['dbt_date.day_of_week', [date('2024-03-17')]],
  ['dbt_date.day_of_week', [date('2024-03-18')]],
  ['dbt_date.day_of_week', [date('2024-03-17'), kw({ isoweek: false })]],
  ['dbt_date.day_of_month', [date('2024-03-17')]],
  ['dbt_date.day_of_year', [date('2024-12-31')]],
  ['dbt_date.iso_week_of_year', [date('2021-01-03')]],
  ['dbt_date.day_name', [date('2024-03-17')]],
  ['dbt_date.day_name', [date('2024-03-17'), kw({ short: false })]],
  ['dbt_date.month_name', [date('2024-03-17'), kw({ short: false })]],
  ['dbt_date.date_part', ['week', date('2021-01-03')]],
  ['dbt_date.date_part', ['quarter', date('2024-05-17')]],
];

/** The SQL types above in DuckDB's spelling (the macros' own type names differ per engine anyway). */
const forDuckDB = (value: unknown): unknown =>
  typeof value === 'string' ? value.replace(/\bSTRING\b/g, 'varchar').replace(/\bINT64\b/g, 'bigint') : Array.isArray(value) ? value.map(forDuckDB) : value;

describe.skipIf(!zetaSqlAvailable())('cross-database macros give BigQuery (ZetaSQL) and DuckDB the same answers', () => {
  let server: ZetaSqlServer;
  let zeta: ZetaSqlEvaluatorEngine;
  let duck: DuckDBEngine;
  beforeAll(async () => {
    server = await startZetaSql();
    zeta = new ZetaSqlEvaluatorEngine(server);
    duck = await openDuckDB(':memory:');
  });
  afterAll(async () => {
    await server?.stop();
    await duck?.close();
  });

  it.each(SCALARS)('%s(%j)', async (name, args) => {
    const bigquery = await zeta.query(`select ${renderMacro('bigquery', name, args, vars)} as v`);
    const duckdb = await duck.query(`select ${renderMacro('duckdb', name, args.map(forDuckDB), vars)} as v`);
    expect(bigquery[0].v).toEqual(duckdb[0].v);
  });

  it('aggregates: listagg, bool_or and any_value', async () => {
    const select = (d: string) =>
      `select ${renderMacro(d, 'dbt.listagg', ['x', "', '"], vars)} as l, ${renderMacro(d, 'dbt.listagg', ['x', "','", 'order by x desc', 2], vars)} as l2, ` +
      `${renderMacro(d, 'dbt.bool_or', ["x = 'b'"], vars)} as b, ${renderMacro(d, 'dbt.any_value', ['x'], vars)} as a`;
    const bigquery = await zeta.query(`${select('bigquery')} from unnest(['c', 'a', 'b']) as x`);
    const duckdb = await duck.query(`${select('duckdb')} from (values ('c'), ('a'), ('b')) t(x)`);
    expect(bigquery).toEqual([{ l: 'a, b, c', l2: 'c,b', b: true, a: 'a' }]);
    expect(duckdb).toEqual(bigquery);
  });

  it('date_spine', async () => {
    for (const [part, start, end] of [['day', "'2024-02-27'", "'2024-03-02'"], ['month', "'2024-01-01'", "'2024-04-01'"], ['week', "'2024-01-01'", "'2024-01-22'"]]) {
      const bigquery = await zeta.query(renderMacro('bigquery', 'dbt.date_spine', [part, start, end], vars));
      const duckdb = await duck.query(renderMacro('duckdb', 'dbt.date_spine', [part, start, end], vars));
      expect(bigquery.length).toBeGreaterThan(0);
      expect(bigquery).toEqual(duckdb);
    }
  });
});
