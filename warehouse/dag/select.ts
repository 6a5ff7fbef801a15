/**
 * dbt's node selection: `name`, `+name`, `name+`, `n+name`, `name+n`, `@name`, `tag:x`, `path:x`,
 * `config.materialized:x`, `resource_type:x`, `source:x`, `fqn:x`, wildcards; space = union,
 * comma = intersection; --exclude removes. Tests attached to selected nodes are added (dbt's
 * "eager" indirect selection), unit tests likewise.
 */
import type { Project } from '../project/types.ts';

export interface SelectionOptions {
  /** Selector strings (each may hold space-separated unions); empty/undefined = everything. */
  select?: string[];
  exclude?: string[];
  /** Keep only these resource types (sim ls --resource-type). */
  resourceTypes?: Array<'model' | 'seed' | 'snapshot' | 'test' | 'unit_test' | 'source'>;
  /** 'eager' (default) adds tests touching any selected node; 'cautious' only tests whose parents are all selected; 'empty' none. */
  indirectSelection?: 'eager' | 'cautious' | 'empty';
}

/** Unique ids picked by the selection, in topological order. Throws InputError on a bad selector. */
export function selectNodes(project: Project, options: SelectionOptions = {}): string[] {
  void project;
  void options;
  throw new Error('selectNodes: being implemented (MODEL-FRONT)');
}
