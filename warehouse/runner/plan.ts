import { walk } from '../dag/graph.ts';
import type { Project } from '../project/types.ts';

/**
 * The execution plan of a build: for each selected node, the selected nodes it must wait for.
 * - Model/seed/snapshot edges follow ref() and source() (walking through unselected nodes, so
 *   a -> x -> b with x unselected still runs a before b).
 * - dbt build semantics: a test gates the children of the node(s) it tests, so a failing test
 *   stops them (they are skipped, not run on bad data). An edge that would make a cycle (a
 *   relationships test whose other side is downstream) is left out, as dbt does.
 */
export interface Plan {
  /** Selected ids in topological order (ties by unique id). */
  order: string[];
  /** id -> ids it waits for. */
  waitsFor: Map<string, Set<string>>;
}

export function planBuild(project: Project, selected: readonly string[]): Plan {
  const chosen = new Set(selected);
  const waitsFor = new Map<string, Set<string>>();
  for (const id of selected) waitsFor.set(id, nearestSelectedAncestors(project, id, chosen));

  for (const id of selected) {
    const node = project.nodes.get(id);
    if (node?.resourceType !== 'test') continue;
    const upstream = allAncestors(waitsFor, id);
    for (const parent of waitsFor.get(id)!) {
      for (const child of project.childMap.get(parent) ?? []) {
        if (child === id || !chosen.has(child) || project.nodes.get(child)?.resourceType === 'test' || upstream.has(child)) continue;
        waitsFor.get(child)!.add(id);
      }
    }
  }
  return { order: topological(selected, waitsFor), waitsFor };
}

function nearestSelectedAncestors(project: Project, id: string, chosen: Set<string>): Set<string> {
  const found = new Set<string>();
  const seen = new Set<string>();
  const stack = [...(project.parentMap.get(id) ?? [])];
  while (stack.length) {
    const parent = stack.pop()!;
    if (seen.has(parent)) continue;
    seen.add(parent);
    if (chosen.has(parent)) found.add(parent);
    else if (project.nodes.has(parent)) stack.push(...(project.parentMap.get(parent) ?? []));
  }
  return found;
}

function allAncestors(waitsFor: Map<string, Set<string>>, id: string): Set<string> {
  return walk(waitsFor, id);
}

/** Kahn's algorithm; among ready nodes the smallest unique id goes first, so the order is stable. */
function topological(ids: readonly string[], waitsFor: Map<string, Set<string>>): string[] {
  const remaining = new Map(ids.map((id) => [id, new Set(waitsFor.get(id))]));
  const order: string[] = [];
  while (remaining.size) {
    const ready = [...remaining].filter(([, deps]) => deps.size === 0).map(([id]) => id).sort();
    if (!ready.length) throw new Error(`cycle among ${[...remaining.keys()].join(', ')}`);
    for (const id of ready) {
      order.push(id);
      remaining.delete(id);
    }
    for (const deps of remaining.values()) for (const id of ready) deps.delete(id);
  }
  return order;
}

/** Every node that (transitively) waits for `id`: what a failure of `id` skips. */
export function downstreamOf(plan: Plan, id: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const [node, deps] of plan.waitsFor) for (const dep of deps) (children.get(dep) ?? children.set(dep, []).get(dep)!).push(node);
  return walk(children, id);
}
