import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDB, type DuckDBEngine } from '../duckdb/index.ts';
import { genericTestSql, thresholdBefore, type TestArgs } from './generic.ts';
import { runDataTest, type DataTestConfig } from './data-test.ts';

let engine: DuckDBEngine;
beforeEach(async () => {
  engine = await openDuckDB(':memory:');
  await engine.ensureSchema('marts');
  await engine.execute(`CREATE TABLE marts.customers AS SELECT * FROM (VALUES (1, 'vip'), (2, 'new'), (3, 'new')) t(customer_id, segment)`);
  await engine.execute(`CREATE TABLE marts.orders AS SELECT * FROM (VALUES
      (10, 1, 'delivered', 5.00, TIMESTAMP '2024-12-30 10:00:00'),
      (11, 2, 'placed',   15.00, TIMESTAMP '2024-12-31 09:00:00'),
      (12, 9, 'lost',     -3.00, TIMESTAMP '2024-12-01 09:00:00'),
      (12, NULL, 'placed', 7.00, TIMESTAMP '2024-11-01 09:00:00')
    ) t(order_id, customer_id, status, amount, order_ts)`);
});
afterEach(() => engine.close());

const ctx = { asOf: '2024-12-31' };
const count = async (name: string, args: TestArgs, where?: string) => {
  const sql = genericTestSql(name, { model: 'marts.orders', ...args }, { dialect: engine.dialect, ...ctx, where });
  const rows = await engine.query(`select count(*) as n from (${sql}) t`);
  return rows[0].n;
};

describe('generic tests count their failing rows', () => {
  it('unique', async () => {
    expect(await count('unique', { column_name: 'order_id' })).toBe(1);
    expect(await count('unique', { column_name: 'amount' })).toBe(0);
  });
  it('not_null', async () => {
    expect(await count('not_null', { column_name: 'customer_id' })).toBe(1);
    expect(await count('not_null', { column_name: 'order_id' })).toBe(0);
  });
  it('accepted_values (quoted and unquoted)', async () => {
    expect(await count('accepted_values', { column_name: 'status', values: ['placed', 'delivered'] })).toBe(1);
    expect(await count('accepted_values', { column_name: 'status', values: ['placed', 'delivered', 'lost'] })).toBe(0);
    expect(await count('accepted_values', { column_name: 'order_id', values: [10, 11], quote: false })).toBe(1);
  });
  it('relationships ignores NULL keys and counts orphans', async () => {
    expect(await count('relationships', { column_name: 'customer_id', to: 'marts.customers', field: 'customer_id' })).toBe(1);
    expect(await count('relationships', { column_name: 'customer_id', to: 'marts.customers', field: 'customer_id' }, 'customer_id < 5')).toBe(0);
  });
  it('expression_is_true (model level and column level)', async () => {
    expect(await count('expression_is_true', { expression: 'amount >= 0' })).toBe(1);
    expect(await count('expression_is_true', { column_name: 'amount', expression: '< 100' })).toBe(0);
  });
  it('unique_combination_of_columns', async () => {
    expect(await count('unique_combination_of_columns', { combination_of_columns: ['order_id'] })).toBe(1);
    expect(await count('unique_combination_of_columns', { combination_of_columns: ['order_id', 'status'] })).toBe(0);
  });
  it('accepted_range: inclusive bounds, exclusive bounds, one bound only', async () => {
    expect(await count('accepted_range', { column_name: 'amount', min_value: 0 })).toBe(1);
    expect(await count('accepted_range', { column_name: 'amount', min_value: 5, max_value: 15 })).toBe(1);
    expect(await count('accepted_range', { column_name: 'amount', min_value: 5, max_value: 15, inclusive: false })).toBe(3);
  });
  it('recency is relative to the scenario as_of, not the clock', async () => {
    expect(await count('recency', { field: 'order_ts', datepart: 'day', interval: 1 })).toBe(0);
    expect(await count('recency', { field: 'order_ts', datepart: 'day', interval: 1 }, "status = 'lost'")).toBe(1);
    expect(await count('recency', { field: 'order_ts', datepart: 'day', interval: 1, group_by_columns: ['status'] })).toBe(2);
    expect(await count('recency', { field: 'order_ts', datepart: 'day', interval: 2, ignore_time_component: true })).toBe(0);
    expect(thresholdBefore('2024-03-31', 'month', 1)).toBe('2024-03-02 23:59:59');
  });
  it('names missing arguments and unknown tests', () => {
    expect(() => genericTestSql('relationships', { model: 'm', column_name: 'c', to: 'x' }, { dialect: engine.dialect, ...ctx })).toThrow("relationships: missing argument 'field'");
    expect(() => genericTestSql('uniq', { model: 'm' }, { dialect: engine.dialect, ...ctx })).toThrow(/unknown generic test 'uniq' \(known: unique, not_null/);
  });
});

describe('runDataTest: severity, warn_if, error_if, store_failures', () => {
  const base: DataTestConfig = { severity: 'error', warn_if: '!=0', error_if: '!=0', store_failures: false };
  const notNegative = 'select * from marts.orders where not(amount >= 0)';
  const run = (sql: string, config: Partial<DataTestConfig>) =>
    runDataTest(engine, { name: 't_amount', uniqueId: 'test.p.t_amount', sql, config: { ...base, ...config }, auditSchema: 'main_dbt_test__audit', where: 'models/schema.yml:3' });

  it('error severity fails, warn severity warns, passing tests pass', async () => {
    expect(await run(notNegative, {})).toMatchObject({ status: 'fail', failures: 1, message: 'Got 1 result, configured to fail if !=0' });
    expect(await run(notNegative, { severity: 'warn' })).toMatchObject({ status: 'warn', failures: 1 });
    expect(await run('select * from marts.orders where amount > 1000', {})).toMatchObject({ status: 'pass', failures: 0 });
  });

  it('warn_if / error_if thresholds', async () => {
    const twoDupes = 'select * from marts.orders where amount > 0';
    expect(await run(twoDupes, { error_if: '>3', warn_if: '>1' })).toMatchObject({ status: 'warn', failures: 3 });
    expect(await run(twoDupes, { error_if: '>=3' })).toMatchObject({ status: 'fail', failures: 3 });
    expect(await run(twoDupes, { error_if: '>10', warn_if: '>10' })).toMatchObject({ status: 'pass', failures: 3 });
    await expect(run(twoDupes, { error_if: 'lots' })).rejects.toThrow("models/schema.yml:3: error_if 'lots' is not a condition");
  });

  it('store_failures keeps the failing rows and the query that reproduces them', async () => {
    const outcome = await run(notNegative, { store_failures: true });
    expect(outcome).toMatchObject({ status: 'fail', failures: 1, storedIn: 'main_dbt_test__audit.t_amount' });
    expect(outcome.message).toContain('select * from main_dbt_test__audit.t_amount');
    expect(await engine.query('select order_id, amount from main_dbt_test__audit.t_amount')).toEqual([{ order_id: 12, amount: -3 }]);
    const [saved] = await engine.query('select query from main_dbt_test__audit.dbt_test__queries');
    expect(await engine.query(String(saved.query))).toHaveLength(1);
    await run(notNegative, { store_failures: true });
    expect(await engine.query('select count(*) as n from main_dbt_test__audit.dbt_test__queries')).toEqual([{ n: 1 }]);
  });
});
