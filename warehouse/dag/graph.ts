/**
 * The DAG over a project's executable nodes (models, seeds, snapshots, tests). Sources are leaves
 * and unit tests are not part of the execution DAG (they run separately, on fixtures).
 */
import { InputError } from '../../contract/errors.ts';
import type { Project } from '../project/types.ts';

function executableIds(project: Project, ids?: Iterable<string>): string[] {
  return ids ? [...new Set(ids)].filter((id) => project.nodes.has(id)) : [...project.nodes.keys()];
}

/**
 * Layers for parallel execution: every node in layer k depends only on nodes in layers < k (or on
 * nodes outside `ids`). Within a layer, sorted by unique id. Dependencies through nodes outside
 * `ids` still order the nodes inside (a -> x -> b with x unselected keeps a before b).
 */
export function topoLayers(project: Project, ids?: Iterable<string>): string[][] {
  const wanted = new Set(executableIds(project, ids));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  // depth(n) = 1 + max depth over ancestors inside `wanted` (walking through unselected nodes).
  const depthOf = (id: string, trail: string[]): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) throw cycleError(project, [...trail.slice(trail.indexOf(id)), id]);
    visiting.add(id);
    let d = wanted.has(id) ? 0 : -1;
    for (const parent of project.parentMap.get(id) ?? []) {
      if (!project.nodes.has(parent)) continue;
      const pd = depthOf(parent, [...trail, id]);
      d = Math.max(d, wanted.has(id) ? pd + 1 : pd);
    }
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  const layers: string[][] = [];
  for (const id of [...wanted].sort()) {
    const d = depthOf(id, []);
    (layers[d] ??= []).push(id);
  }
  return layers.filter((l) => l && l.length > 0).map((l) => l.sort());
}

/** All ids in dependency order (parents first), ties broken by unique id for determinism. */
export function topoOrder(project: Project, ids?: Iterable<string>): string[] {
  return topoLayers(project, ids).flat();
}

/** Every descendant (children, grandchildren, ...) of a node, e.g. to skip them after a failed test. */
export function descendantsOf(project: Project, id: string): Set<string> {
  return walk(project.childMap, id);
}

/** Every ancestor (parents, grandparents, ...) of a node, sources included. */
export function ancestorsOf(project: Project, id: string): Set<string> {
  return walk(project.parentMap, id);
}

/** Every node reachable from `start` along `edges` (start itself excluded unless on a cycle). */
export function walk(edges: Map<string, Iterable<string>>, start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(edges.get(start) ?? [])];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(edges.get(id) ?? []));
  }
  return seen;
}

/** Finds a cycle among parent edges, if any, as a closed path [a, b, ..., a]. */
export function findCycle(parentMap: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 2) return undefined;
    if (s === 1) return [...path.slice(path.indexOf(id)), id];
    state.set(id, 1);
    path.push(id);
    for (const parent of parentMap.get(id) ?? []) {
      const found = visit(parent);
      if (found) return found;
    }
    path.pop();
    state.set(id, 2);
    return undefined;
  };
  for (const id of [...parentMap.keys()].sort()) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}

/** "cycle: a -> b -> a (models/x.sql:3)": the path in ref direction (child refs parent). */
export function cycleError(project: Pick<Project, 'nodes'>, cycle: string[]): InputError {
  const names = cycle.map((id) => project.nodes.get(id)?.name ?? id);
  const first = project.nodes.get(cycle[0]);
  const where = first ? `${first.location.file}:${first.location.line}: ` : '';
  return new InputError(`${where}dependency cycle: ${names.join(' -> ')} (each node refs the next)`);
}
