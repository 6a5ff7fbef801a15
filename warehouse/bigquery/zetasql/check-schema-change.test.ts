import { describe, expect, it } from 'vitest';
import { checkProject } from './check-project.ts';
import { checkFixture, skipWithoutZetaSql } from './testing.ts';

/**
 * The statements a BigQuery run sends that change a table's columns without a CREATE: the
 * `ALTER TABLE ... ADD/DROP COLUMN` of on_schema_change (on the check's second, incremental run,
 * where `is_incremental()` selects more columns), and the `CREATE TABLE IF NOT EXISTS` of the
 * store_failures query log. The check's catalog must learn them, or the MERGE (or DELETE) that
 * follows is reported as invalid although BigQuery runs it.
 */
const incremental = (onSchemaChange: string, firstColumns: string, laterColumns: string) =>
  `{{ config(materialized='incremental', unique_key='order_id', on_schema_change='${onSchemaChange}') }}\n` +
  `select {% if is_incremental() %}${laterColumns}{% else %}${firstColumns}{% endif %}\n` +
  `from {{ source('landing', 'orders') }}\n` +
  `{% if is_incremental() %}where order_id > (select max(order_id) from {{ this }}){% endif %}\n`;

const PROJECT: Record<string, string> = {
  'dbt_project.yml': `name: growing\nversion: '1.0'\nconfig-version: 2\nmodel-paths: [models]\nmodels:\n  growing:\n    +schema: marts\n`,
  'models/sources.yml': `version: 2\nsources:\n  - name: landing\n    schema: landing\n    tables:\n      - name: orders\n`,
  // The increment brings order_total: ALTER TABLE ... ADD COLUMN, then a MERGE that writes it.
  'models/orders_appended.sql': incremental('append_new_columns', 'order_id, customer_id', 'order_id, customer_id, order_total'),
  // The increment swaps customer_id for order_status: ADD COLUMN and DROP COLUMN, then the MERGE.
  'models/orders_synced.sql': incremental('sync_all_columns', 'order_id, customer_id', 'order_id, order_status'),
  // Two tests that store their failing rows: each records its query in the audit schema's
  // dbt_test__queries, created by CREATE TABLE IF NOT EXISTS (a column list, not AS SELECT).
  'models/schema.yml':
    `version: 2\nmodels:\n  - name: orders_appended\n    columns:\n      - name: order_id\n        tests:\n` +
    `          - not_null:\n              config:\n                store_failures: true\n` +
    `          - unique:\n              config:\n                store_failures: true\n`,
};

describe.skipIf(skipWithoutZetaSql)('sim check --target bigquery follows column changes', () => {
  const fixture = checkFixture('check-schema-change', PROJECT);

  it('proves the ALTER TABLE of on_schema_change and the statements that use the new columns', async () => {
    const report = await checkProject(fixture.server, { projectDir: fixture.dir, vars: { as_of: '2024-12-31' } });
    expect(report.problems).toEqual([]);
    const byName = Object.fromEntries(report.nodes.map((n) => [n.name, n]));
    expect(Object.values(byName).map((n) => n.status)).toEqual(Object.values(byName).map(() => 'ok'));
    // First run: CREATE OR REPLACE TABLE, count. Second run: CREATE OR REPLACE TABLE __dbt_tmp,
    // ALTER TABLE ... ADD COLUMN, count, MERGE, DROP TABLE __dbt_tmp.
    expect(byName.orders_appended.statements).toBe(2 + 5);
    // ... and one more ALTER TABLE (the DROP COLUMN).
    expect(byName.orders_synced.statements).toBe(2 + 6);
  });

  it('proves the store_failures statements: the audit table, the query log and its DELETE + INSERT', async () => {
    const report = await checkProject(fixture.server, { projectDir: fixture.dir, vars: { as_of: '2024-12-31' }, select: ['orders_appended'] });
    expect(report.problems).toEqual([]);
    const tests = report.nodes.filter((n) => n.resourceType === 'test');
    expect(tests.map((t) => t.status)).toEqual(['ok', 'ok']);
    // CREATE OR REPLACE TABLE (failing rows), count, CREATE TABLE IF NOT EXISTS, DELETE + INSERT, the failure count.
    expect(tests.map((t) => t.statements)).toEqual([5, 5]);
  });
});
