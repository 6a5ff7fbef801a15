import { describe, expect, it } from 'vitest';
import { checkProject } from './check-project.ts';
import { checkFixture, skipWithoutZetaSql } from './testing.ts';

/**
 * `sim check --target bigquery` drives the model engine's own runner, so a model's hooks are
 * among the statements ZetaSQL analyses, rendered as a BigQuery run renders them.
 */
const PROJECT: Record<string, string> = {
  'dbt_project.yml': `name: hooked\nversion: '1.0'\nconfig-version: 2\nmodel-paths: [models]\nmodels:\n  hooked:\n    +materialized: table\n    +schema: marts\n`,
  'models/sources.yml': `version: 2\nsources:\n  - name: landing\n    schema: landing\n    tables:\n      - name: orders\n`,
  'models/orders_counted.sql': `{{ config(post_hook="create or replace table {{ this.schema }}.orders_counted_audit as select count(*) as n from {{ this }}") }}\nselect order_id, customer_id from {{ source('landing', 'orders') }}\n`,
  'models/orders_broken_hook.sql': `{{ config(pre_hook="select 1", post_hook="select order_idd from {{ this }}") }}\nselect order_id from {{ source('landing', 'orders') }}\n`,
  // BigQuery would accept this if audit.log existed; the catalog knows only the landing and the project.
  'models/orders_audited.sql': `{{ config(post_hook="insert into audit.log (n) select count(*) from {{ this }}") }}\nselect order_id from {{ source('landing', 'orders') }}\n`,
};

describe.skipIf(skipWithoutZetaSql)('sim check --target bigquery analyses hooks', () => {
  const fixture = checkFixture('check-hooks', PROJECT);

  it('counts a valid hook and reports the column a broken post-hook misspells', async () => {
    const report = await checkProject(fixture.server, { projectDir: fixture.dir, vars: { as_of: '2024-12-31' } });
    const byName = Object.fromEntries(report.nodes.map((n) => [n.name, n]));
    expect(byName.orders_counted.status).toBe('ok');
    // CREATE OR REPLACE TABLE, the post-hook's CTAS, and the row count.
    expect(byName.orders_counted.statements).toBe(3);
    expect(byName.orders_broken_hook.status).toBe('error');
    const problems = Object.fromEntries(report.problems.map((p) => [p.name, p]));
    expect(Object.keys(problems).sort()).toEqual(['orders_audited', 'orders_broken_hook']);
    expect(problems.orders_broken_hook).toMatchObject({ statement: 'select order_idd from `marts`.`orders_broken_hook`' });
    expect(problems.orders_broken_hook.message).toMatch(/^post-hook 1 of 1: Unrecognized name: order_idd/);
    expect(problems.orders_audited.message).toMatch(/^post-hook 1 of 1: Table not found: audit.log/);
  });
});
