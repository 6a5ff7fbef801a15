import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A small dbt project written to a temp folder: a source, a staging view, a mart table with
 * tests, an incremental model, a consumer downstream of the mart, and unit tests. Each test
 * builds it on an in-memory DuckDB.
 */
export const MINI_PROJECT: Record<string, string> = {
  'dbt_project.yml': `name: mini\nversion: '1.0'\nconfig-version: 2\nmodel-paths: [models]\nmacro-paths: [macros]\ntest-paths: [tests]\nvars:\n  min_amount: 0\nmodels:\n  mini:\n    staging:\n      +materialized: view\n      +schema: staging\n    marts:\n      +materialized: table\n      +schema: marts\n`,
  'models/sources.yml': `version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: orders\n        columns:\n          - {name: order_id, data_type: INT64}\n          - {name: customer_id, data_type: INT64}\n          - {name: status, data_type: STRING}\n          - {name: amount, data_type: NUMERIC}\n`,
  'models/staging/stg_orders.sql': `select order_id, customer_id, lower(status) as status, amount\nfrom {{ source('raw', 'orders') }}\nwhere amount >= {{ var('min_amount') }}\n`,
  'models/staging/schema.yml': `version: 2
models:
  - name: stg_orders
    columns:
      - name: order_id
        data_tests: [unique, not_null]
      - name: customer_id
        data_tests: [not_null]
      - name: amount
        data_tests: [is_positive]
`,
  'models/marts/fct_orders.sql': `select\n    order_id,\n    customer_id,\n    status,\n    amount\nfrom {{ ref('stg_orders') }}\n`,
  'models/marts/customer_totals.sql': `select customer_id, count(*) as orders, sum(amount) as total\nfrom {{ ref('fct_orders') }}\ngroup by customer_id\n`,
  'models/marts/orders_inc.sql': `{{ config(materialized='incremental', unique_key='order_id') }}\nselect order_id, status, amount from {{ ref('stg_orders') }}\n{% if is_incremental() %}where order_id > (select max(order_id) - 1 from {{ this }}){% endif %}\n`,
  'models/marts/schema.yml': `version: 2
models:
  - name: fct_orders
    columns:
      - name: order_id
        data_tests: [unique, not_null]
      - name: status
        data_tests:
          - accepted_values:
              values: [placed]
              config:
                severity: warn
unit_tests:
  - name: totals_sum_per_customer
    model: customer_totals
    given:
      - input: ref('fct_orders')
        rows:
          - {order_id: 1, customer_id: 7, amount: 2.50}
          - {order_id: 2, customer_id: 7, amount: 1.25}
          - {order_id: 3, customer_id: 8}
    expect:
      rows:
        - {customer_id: 7, orders: 2, total: 3.75}
        - {customer_id: 8, orders: 1, total: null}
  - name: increment_reads_this
    model: orders_inc
    overrides:
      macros:
        is_incremental: true
    given:
      - input: ref('stg_orders')
        format: sql
        rows: |
          select 1 as order_id, 7 as customer_id, 'placed' as status, 1.0 as amount
          union all select 3, 7, 'placed', 2.0
          union all select 4, 8, 'delivered', 3.0
      - input: this
        rows:
          - {order_id: 3}
    expect:
      rows:
        - {order_id: 3, status: placed}
        - {order_id: 4, status: delivered}
`,
  'macros/is_positive.sql': `{% test is_positive(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} <= 0\n{% endtest %}\n`,
  'tests/assert_amount_not_huge.sql': `select * from {{ ref('fct_orders') }} where amount > 1000\n`,
};

/** A unit test that fails (its expected count is wrong), added by the tests that need one. */
export const FAILING_UNIT_TEST = `version: 2
unit_tests:
  - name: totals_wrong_on_purpose
    model: customer_totals
    given:
      - input: ref('fct_orders')
        format: csv
        rows: |
          order_id,customer_id,amount
          1,7,2.50
          2,8,
    expect:
      rows:
        - {customer_id: 7, orders: 1, total: 2.50}
        - {customer_id: 8, orders: 5, total: null}
`;

export function addFailingUnitTest(dir: string): void {
  fs.writeFileSync(path.join(dir, 'models/marts/unit_failing.yml'), FAILING_UNIT_TEST);
}

/** Writes the mini project into a new temp folder and returns its path. */
export function writeMiniProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mini-'));
  for (const [file, text] of Object.entries(MINI_PROJECT)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** The raw rows the mini project reads (raw.orders), for an engine the test opened. */
export const MINI_RAW_SQL = `create schema if not exists raw; create table raw.orders as select * from (values (1, 7, 'PLACED', 10.00), (2, 7, 'delivered', 5.00), (3, 8, 'placed', 1.00)) t(order_id, customer_id, status, amount)`;
