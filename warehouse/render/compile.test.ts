import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bigqueryDialect } from '../bigquery/dialect.ts';
import { duckdbDialect } from '../duckdb/dialect.ts';
import { loadProject } from '../project/load.ts';
import type { CompileContext, GenericTestNode, ModelNode, Project } from '../project/types.ts';
import { compileNode, injectCtes, relationFor, resolveTestArgs } from './compile.ts';

const MINI = path.resolve(import.meta.dirname, '../../test/fixtures/projects/mini');
const duck: CompileContext = { dialect: duckdbDialect, target: { name: 'dev', type: 'duckdb', schema: 'main' } };
const bq: CompileContext = { dialect: bigqueryDialect, target: { name: 'prod', type: 'bigquery', schema: 'main', schema_prefix: 'ana' } };

let project: Project;
beforeAll(async () => {
  project = await loadProject(MINI);
});

describe('compileNode', () => {
  it('renders refs and sources as quoted relations with the custom schema used as is', () => {
    const sql = compileNode(project, 'model.mini.dim_customers', duck).sql;
    expect(sql).toContain('from "marts"."fct_orders"');
    expect(compileNode(project, 'model.mini.stg_orders', duck).sql).toContain('from "landing"."orders"');
    const compiled = compileNode(project, 'model.mini.stg_orders', bq);
    expect(compiled.sql).toContain('from `ana_landing`.`orders`');
    expect(compiled.relation).toEqual({ database: undefined, schema: 'ana_staging', identifier: 'stg_orders' });
    expect(compiled.relationName).toBe('`ana_staging`.`stg_orders`');
  });

  it('inlines ephemeral models as CTEs, parents first, merged into the model\'s own WITH', () => {
    const compiled = compileNode(project, 'model.mini.fct_orders', duck);
    expect(compiled.extraCtes.map((c) => c.id)).toEqual(['model.mini.stg_customers', 'model.mini.customer_regions']);
    expect(compiled.sql.trimStart().startsWith('with __dbt__cte__stg_customers as (\nselect customer_id, lower(email) as email\nfrom "landing"."customers"\n),\n__dbt__cte__customer_regions as (\n')).toBe(true);
    expect(compiled.sql).toContain('from __dbt__cte__stg_customers as c\nleft join "seeds"."regions" as r');
    expect(compiled.sql).toContain('),\norders as (\n    select * from "staging"."stg_orders"\n)');
    expect(compiled.sql).toContain('left join __dbt__cte__customer_regions as customer_regions using (customer_id)');
    expect(compiled.sql.match(/\bwith\b/gi)).toHaveLength(1);
    expect(compileNode(project, 'model.mini.stg_customers', duck).relation).toBeUndefined();
  });

  it('renders the is_incremental() branch only when asked, with {{ this }} overridable', () => {
    const full = compileNode(project, 'model.mini.fct_orders', duck).sql;
    expect(full).not.toContain('max(order_date)');
    const incremental = compileNode(project, 'model.mini.fct_orders', { ...duck, isIncremental: true }).sql;
    expect(incremental).toContain('where orders.order_date >= (select max(order_date) - 3 from "marts"."fct_orders")');
    const scratch = compileNode(project, 'model.mini.fct_orders', { ...duck, isIncremental: true, thisRelation: { schema: 'marts', identifier: 'fct_orders__tmp' } }).sql;
    expect(scratch).toContain('from "marts"."fct_orders__tmp")');
    // is_incremental() is false for models that are not incremental, whatever the context says.
    expect(compileNode(project, 'model.mini.dim_customers', { ...duck, isIncremental: true }).sql).toBe(compileNode(project, 'model.mini.dim_customers', duck).sql);
  });

  it('takes vars from the context over dbt_project.yml', () => {
    expect(compileNode(project, 'model.mini.fct_orders', { ...duck, isIncremental: true, vars: { lookback_days: 9 } }).sql).toContain('max(order_date) - 9 from');
    expect(compileNode(project, 'test.mini.assert_no_future_orders', { ...duck, vars: { as_of: '2025-01-01' } }).sql).toContain("cast('2025-01-01' as date)");
  });

  it('lets the runner point refs elsewhere (unit test fixtures)', () => {
    const sql = compileNode(project, 'model.mini.fct_orders', { ...duck, resolveRelation: (id) => (id === 'model.mini.stg_orders' ? '__fixture_stg_orders' : undefined) }).sql;
    expect(sql).toContain('select * from __fixture_stg_orders');
  });

  it('renders snapshot bodies and singular tests', () => {
    expect(compileNode(project, 'snapshot.mini.snap_orders', duck).sql.trim()).toBe('select * from "staging"."stg_orders"');
    expect(compileNode(project, 'snapshot.mini.snap_orders', duck).relation).toEqual({ database: undefined, schema: 'snapshots', identifier: 'snap_orders' });
    expect(compileNode(project, 'test.mini.assert_no_future_orders', duck).sql).toContain('select * from "marts"."fct_orders"');
  });

  it('renders a project {% test %} macro and resolves built-in test arguments', () => {
    const tests = [...project.nodes.values()].filter((n): n is GenericTestNode => n.resourceType === 'test' && n.kind === 'generic');
    const positive = tests.find((t) => t.testMetadata.name === 'positive')!;
    expect(compileNode(project, positive.uniqueId, duck).sql.trim()).toBe('select * from "marts"."fct_orders" where amount_dollars < 0');
    const rel = tests.find((t) => t.testMetadata.name === 'relationships')!;
    expect(resolveTestArgs(project, rel, bq)).toEqual({ to: '`ana_marts`.`dim_customers`', field: 'customer_id', column_name: 'customer_id', model: '`ana_marts`.`fct_orders`' });
    const unique = tests.find((t) => t.name === 'unique_fct_orders_order_id')!;
    expect(() => compileNode(project, unique.uniqueId, duck)).toThrow(/built-in test/);
  });

  it('throws file:line errors found only at compile time', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mini-'));
    try {
      cpSync(MINI, dir, { recursive: true });
      writeFileSync(path.join(dir, 'models/marts/dim_customers.sql'), "select 1 as x\n{% if execute %}\n{{ var('only_at_run') }}\n{% endif %}\n");
      const p = await loadProject(dir);
      expect(() => compileNode(p, 'model.mini.dim_customers', duck)).toThrow("models/marts/dim_customers.sql:3: var('only_at_run') is not defined");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('relationFor', () => {
  it('uses alias and the target schema when no custom schema is set', () => {
    const model = project.nodes.get('model.mini.dim_customers') as ModelNode;
    const withAlias: ModelNode = { ...model, config: { ...model.config, schema: undefined, alias: 'customers' } };
    expect(relationFor(withAlias, { name: 'dev', type: 'duckdb', schema: 'main', schema_prefix: 'jo' })).toEqual({ database: undefined, schema: 'jo_main', identifier: 'customers' });
  });
});

describe('injectCtes', () => {
  const ctes = [{ name: '__dbt__cte__a', sql: 'select 1 as x' }];
  it('prepends a WITH when the query has none', () => {
    expect(injectCtes('select * from __dbt__cte__a', ctes)).toBe('with __dbt__cte__a as (\nselect 1 as x\n)\nselect * from __dbt__cte__a');
  });
  it('merges into an existing WITH after leading comments', () => {
    expect(injectCtes('-- note\nWITH b as (select 2)\nselect * from b', ctes)).toBe('-- note\nWITH __dbt__cte__a as (\nselect 1 as x\n),\nb as (select 2)\nselect * from b');
  });
});

