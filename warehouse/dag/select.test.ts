import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../contract/errors.ts';
import { loadProject } from '../project/load.ts';
import type { Project } from '../project/types.ts';
import { descendantsOf, findCycle, topoLayers, topoOrder } from './graph.ts';
import { selectNodes } from './select.ts';

const MINI = path.resolve(import.meta.dirname, '../../test/fixtures/projects/mini');
let project: Project;
beforeAll(async () => {
  project = await loadProject(MINI);
});

/** Short names of what a selection picks among models, seeds, snapshots and sources. */
function pick(select: string[], exclude?: string[]): string[] {
  return selectNodes(project, { select, exclude, resourceTypes: ['model', 'seed', 'snapshot', 'source'] }).map((id) => id.split('.').slice(2).join('.'));
}

describe('selectNodes', () => {
  it('selects by name, with wildcards', () => {
    expect(pick(['fct_orders'])).toEqual(['fct_orders']);
    expect(pick(['stg_*'])).toEqual(['stg_customers', 'stg_orders']);
  });

  it('+name adds ancestors (sources included), name+ descendants, n+ limits depth', () => {
    // Within a layer, nodes sort by unique id (model.* before seed.*).
    expect(pick(['+fct_orders'])).toEqual(['landing.customers', 'landing.orders', 'stg_customers', 'stg_orders', 'regions', 'customer_regions', 'fct_orders']);
    expect(pick(['stg_orders+'])).toEqual(['stg_orders', 'fct_orders', 'snap_orders', 'dim_customers']);
    expect(pick(['1+customer_regions'])).toEqual(['stg_customers', 'regions', 'customer_regions']);
    expect(pick(['stg_orders+1'])).toEqual(['stg_orders', 'fct_orders', 'snap_orders']);
  });

  it('@name adds descendants and everything they need', () => {
    expect(pick(['@customer_regions'])).toEqual(['landing.customers', 'landing.orders', 'stg_customers', 'stg_orders', 'regions', 'customer_regions', 'fct_orders', 'dim_customers']);
  });

  it('tag:, path:, fqn folders, config.materialized:, resource_type:, source:', () => {
    expect(pick(['tag:staging'])).toEqual(['stg_customers', 'stg_orders', 'customer_regions']);
    expect(pick(['tag:daily'])).toEqual(['fct_orders']);
    expect(pick(['path:models/marts'])).toEqual(['fct_orders', 'dim_customers']);
    expect(pick(['path:models/staging/stg_orders.sql'])).toEqual(['stg_orders']);
    expect(pick(['marts'])).toEqual(['fct_orders', 'dim_customers']);
    expect(pick(['config.materialized:ephemeral'])).toEqual(['stg_customers', 'customer_regions']);
    expect(pick(['resource_type:seed'])).toEqual(['regions']);
    expect(pick(['source:landing.orders+1'])).toEqual(['landing.orders', 'stg_orders']);
  });

  it('space is a union, comma an intersection, --exclude removes', () => {
    expect(pick(['tag:staging dim_customers'])).toEqual(['stg_customers', 'stg_orders', 'customer_regions', 'dim_customers']);
    expect(pick(['tag:staging,config.materialized:view'])).toEqual(['stg_orders']);
    expect(pick(['tag:staging', 'dim_customers'])).toEqual(['stg_customers', 'stg_orders', 'customer_regions', 'dim_customers']);
    expect(pick(['+fct_orders'], ['source:*', 'config.materialized:ephemeral'])).toEqual(['stg_orders', 'regions', 'fct_orders']);
  });

  it('adds the tests of selected nodes (eager), or only those whose parents are all selected (cautious)', () => {
    const eager = selectNodes(project, { select: ['fct_orders'] });
    expect(eager).toContain('test.mini.assert_no_future_orders');
    expect(eager.some((id) => id.startsWith('test.mini.relationships_fct_orders'))).toBe(true);
    expect(eager).toContain('unit_test.mini.fct_orders.fct_orders_converts_cents');
    const cautious = selectNodes(project, { select: ['fct_orders'], indirectSelection: 'cautious' });
    expect(cautious.some((id) => id.startsWith('test.mini.relationships_fct_orders'))).toBe(false);
    expect(selectNodes(project, { select: ['fct_orders'], indirectSelection: 'empty' })).toEqual(['model.mini.fct_orders']);
    expect(selectNodes(project, { select: ['test_name:unique'], resourceTypes: ['test'] }).map((id) => id.split('.')[2])).toEqual(['unique_fct_orders_order_id', 'unique_source_landing_orders_order_id']);
    expect(selectNodes(project, { select: ['test_type:unit'] })).toEqual(['unit_test.mini.fct_orders.fct_orders_converts_cents']);
    // A column's tags go to that column's tests (as in dbt), not to the model.
    expect(selectNodes(project, { select: ['tag:pii'] }).map((id) => id.split('.')[2])).toEqual(['relationships_fct_orders_0c6c6d9e6f30dfb9b653557ebf38e47c']);
  });

  it('returns nodes in dependency order; everything but sources by default', () => {
    const all = selectNodes(project);
    expect(all.some((id) => id.startsWith('source.'))).toBe(false);
    expect(all.indexOf('model.mini.stg_orders')).toBeLessThan(all.indexOf('model.mini.fct_orders'));
    expect(all.indexOf('model.mini.fct_orders')).toBeLessThan(all.indexOf('test.mini.assert_no_future_orders'));
  });

  it('rejects a bad selector with the accepted forms', () => {
    expect(() => selectNodes(project, { select: ['colour:red'] })).toThrow(InputError);
    expect(() => selectNodes(project, { select: ['colour:red'] })).toThrow("selector 'colour:red': unknown method 'colour'");
    expect(() => selectNodes(project, { select: ['resource_type:table'] })).toThrow('resource_type must be one of');
    expect(() => selectNodes(project, { select: ['@+x'] })).toThrow(/invalid selector/);
  });
});

describe('graph helpers', () => {
  it('layers nodes so each depends only on earlier layers, even through unselected nodes', () => {
    const layers = topoLayers(project, ['model.mini.stg_orders', 'model.mini.dim_customers']);
    expect(layers).toEqual([['model.mini.stg_orders'], ['model.mini.dim_customers']]);
    const full = topoLayers(project, [...project.nodes.keys()].filter((id) => !id.startsWith('test.')));
    expect(full[0]).toEqual(['model.mini.stg_customers', 'model.mini.stg_orders', 'seed.mini.regions']);
    expect(topoOrder(project).indexOf('model.mini.customer_regions')).toBeLessThan(topoOrder(project).indexOf('model.mini.fct_orders'));
  });

  it('finds descendants and cycles', () => {
    expect([...descendantsOf(project, 'model.mini.fct_orders')]).toContain('model.mini.dim_customers');
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b']], ['b', []]]))).toBeUndefined();
  });
});
