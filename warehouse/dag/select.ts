/**
 * dbt's node selection: `name`, `+name`, `name+`, `2+name`, `name+1`, `@name`, `tag:x`, `path:x`,
 * `config.<key>:x`, `resource_type:x`, `source:x`, `fqn:x`, `test_type:x`, `test_name:x`,
 * `file:x`, `package:x`, `unique_id:x`, with `*` wildcards; space = union, comma = intersection;
 * --exclude removes. Tests attached to selected nodes are added (dbt's "eager" indirect
 * selection), unit tests of selected models likewise.
 */
import { InputError } from '../../contract/errors.ts';
import type { GraphNode, Project, ResourceType } from '../project/types.ts';
import { topoOrder } from './graph.ts';

export interface SelectionOptions {
  /** Selector strings (each may hold space-separated unions); empty/undefined = everything. */
  select?: string[];
  exclude?: string[];
  /** Keep only these resource types (sim ls --resource-type). Default: everything but sources. */
  resourceTypes?: ResourceType[];
  /** 'eager' (default) adds tests touching any selected node; 'cautious' only tests whose parents are all selected; 'empty' none. */
  indirectSelection?: 'eager' | 'cautious' | 'empty';
}

export const RESOURCE_TYPES: readonly ResourceType[] = ['model', 'seed', 'snapshot', 'test', 'unit_test', 'source'];
const METHODS = ['tag', 'path', 'file', 'fqn', 'resource_type', 'source', 'test_type', 'test_name', 'package', 'unique_id', 'config.<key>'];

/** Every node, source and unit test of the project. */
export function allGraphNodes(project: Project): Map<string, GraphNode> {
  return new Map<string, GraphNode>([...project.sources, ...project.nodes, ...project.unitTests]);
}

/** Unique ids picked by the selection: sources first, then nodes in topological order, then unit tests. */
export function selectNodes(project: Project, options: SelectionOptions = {}): string[] {
  const universe = allGraphNodes(project);
  const select = splitSelectors(options.select);
  const exclude = splitSelectors(options.exclude);
  let chosen: Set<string>;
  if (select.length === 0) chosen = new Set(universe.keys());
  else chosen = union(select.map((term) => evaluateTerm(project, universe, term)));
  const excluded = exclude.length ? union(exclude.map((term) => evaluateTerm(project, universe, term))) : new Set<string>();
  for (const id of excluded) chosen.delete(id);

  const indirect = options.indirectSelection ?? 'eager';
  if (indirect !== 'empty' && select.length > 0) {
    for (const node of universe.values()) {
      if (chosen.has(node.uniqueId) || excluded.has(node.uniqueId)) continue;
      if (node.resourceType === 'unit_test') {
        if (chosen.has(node.model)) chosen.add(node.uniqueId);
      } else if (node.resourceType === 'test') {
        const parents = (project.parentMap.get(node.uniqueId) ?? []).filter((p) => !p.startsWith('source.') || chosen.has(p));
        const hit = indirect === 'eager' ? parents.some((p) => chosen.has(p)) : parents.length > 0 && parents.every((p) => chosen.has(p));
        if (hit) chosen.add(node.uniqueId);
      }
    }
  }

  const types = new Set(options.resourceTypes ?? RESOURCE_TYPES.filter((t) => t !== 'source'));
  const picked = [...chosen].filter((id) => types.has(universe.get(id)!.resourceType));
  const pickedSet = new Set(picked);
  const sources = picked.filter((id) => project.sources.has(id)).sort();
  const nodes = topoOrder(project, picked.filter((id) => project.nodes.has(id)));
  const units = [...project.unitTests.keys()].filter((id) => pickedSet.has(id));
  return [...sources, ...nodes, ...units];
}

function splitSelectors(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(/\s+/)).filter(Boolean);
}

function union(sets: Set<string>[]): Set<string> {
  const out = new Set<string>();
  for (const s of sets) for (const id of s) out.add(id);
  return out;
}

/** One space-separated term: comma-separated atoms, intersected. */
function evaluateTerm(project: Project, universe: Map<string, GraphNode>, term: string): Set<string> {
  const atoms = term.split(',').filter(Boolean);
  let result: Set<string> | undefined;
  for (const atom of atoms) {
    const ids = evaluateAtom(project, universe, atom);
    result = result ? new Set([...result].filter((id) => ids.has(id))) : ids;
  }
  return result ?? new Set();
}

interface ParsedAtom {
  childrenOfAncestors: boolean;
  parentDepth?: number;
  childDepth?: number;
  method: string;
  value: string;
}

export function parseAtom(atom: string): ParsedAtom {
  const m = /^(@)?(?:(\d*)\+)?([^+]*?)(?:\+(\d*))?$/.exec(atom);
  if (!m || !m[3]) throw new InputError(`invalid selector '${atom}' (examples: stg_orders, +fact_orders, fact_orders+, tag:marts, path:models/02_marts, config.materialized:incremental)`);
  const [, at, parentDepth, body, childDepth] = m;
  const hasParents = atom.replace(/^@/, '').match(/^\d*\+/) !== null;
  const hasChildren = /\+\d*$/.test(atom);
  if (at && hasParents) throw new InputError(`invalid selector '${atom}': '@' and a leading '+' cannot be combined`);
  const colon = body.indexOf(':');
  const method = colon > 0 ? body.slice(0, colon) : '';
  const value = colon > 0 ? body.slice(colon + 1) : body;
  return {
    childrenOfAncestors: !!at,
    parentDepth: hasParents ? (parentDepth ? Number(parentDepth) : Infinity) : undefined,
    childDepth: hasChildren ? (childDepth ? Number(childDepth) : Infinity) : at ? Infinity : undefined,
    method,
    value,
  };
}

function evaluateAtom(project: Project, universe: Map<string, GraphNode>, atom: string): Set<string> {
  const parsed = parseAtom(atom);
  const matcher = methodMatcher(project, parsed.method, parsed.value, atom);
  const seeds = new Set([...universe.values()].filter(matcher).map((n) => n.uniqueId));
  const out = new Set(seeds);
  if (parsed.parentDepth !== undefined) for (const id of walk(project.parentMap, seeds, parsed.parentDepth)) out.add(id);
  if (parsed.childDepth !== undefined) {
    const children = walk(project.childMap, seeds, parsed.childDepth);
    for (const id of children) out.add(id);
    // @x: x, its descendants, and every ancestor of those descendants (what a build of them needs).
    if (parsed.childrenOfAncestors) for (const id of walk(project.parentMap, new Set([...seeds, ...children]), Infinity)) out.add(id);
  }
  return out;
}

function walk(edges: Map<string, string[]>, start: Set<string>, depth: number): Set<string> {
  const seen = new Set<string>();
  let frontier = [...start];
  for (let d = 0; d < depth && frontier.length; d++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const n of edges.get(id) ?? []) {
        if (!seen.has(n) && !start.has(n)) {
          seen.add(n);
          next.push(n);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function tagsOf(node: GraphNode): string[] {
  if (node.resourceType === 'source') return node.tags;
  return node.config.tags;
}

function fileOf(node: GraphNode): string {
  return node.originalFilePath;
}

function methodMatcher(project: Project, method: string, value: string, atom: string): (node: GraphNode) => boolean {
  const re = glob(value);
  switch (method) {
    case '':
      if (value.includes('/') || value.endsWith('.sql') || value.endsWith('.csv')) return methodMatcher(project, 'path', value, atom);
      return (node) => re.test(node.name) || fqnMatches(node, value);
    case 'fqn':
      return (node) => fqnMatches(node, value);
    case 'tag':
      return (node) => tagsOf(node).some((t) => re.test(t));
    case 'path': {
      const clean = value.replace(/^\.\//, '').replace(/\/+$/, '');
      const prefix = glob(`${clean}/*`);
      // Like dbt, generic tests match through the YAML file that declares them.
      return (node) => glob(clean).test(fileOf(node)) || prefix.test(fileOf(node));
    }
    case 'file':
      return (node) => re.test(fileOf(node).split('/').pop()!) || re.test(fileOf(node).split('/').pop()!.replace(/\.\w+$/, ''));
    case 'resource_type':
      if (!(RESOURCE_TYPES as readonly string[]).includes(value)) throw new InputError(`selector '${atom}': resource_type must be one of ${RESOURCE_TYPES.join(', ')}`);
      return (node) => node.resourceType === value;
    case 'source': {
      const [sourceName, table] = value.split('.');
      const s = glob(sourceName);
      const t = glob(table ?? '*');
      return (node) => node.resourceType === 'source' && s.test(node.sourceName) && t.test(node.name);
    }
    case 'test_type':
      if (!['generic', 'singular', 'unit', 'data'].includes(value)) throw new InputError(`selector '${atom}': test_type must be generic, singular or unit`);
      return (node) =>
        (value === 'unit' && node.resourceType === 'unit_test') ||
        (node.resourceType === 'test' && (node.kind === value || (value === 'data' && node.kind === 'singular')));
    case 'test_name':
      return (node) => node.resourceType === 'test' && node.kind === 'generic' && (re.test(node.testMetadata.name) || re.test(`${node.testMetadata.namespace}.${node.testMetadata.name}`));
    case 'package':
      return (node) => re.test(node.packageName);
    case 'unique_id':
      return (node) => re.test(node.uniqueId);
    default:
      if (method.startsWith('config.')) {
        const key = method.slice('config.'.length);
        return (node) => {
          if (node.resourceType === 'source') return false;
          const v = (node.config as Record<string, unknown>)[key];
          if (Array.isArray(v)) return v.some((x) => re.test(String(x)));
          return v !== undefined && v !== null && re.test(String(v));
        };
      }
      throw new InputError(`selector '${atom}': unknown method '${method}' (methods: ${METHODS.join(', ')})`);
  }
}

/** dbt's fqn method: `marts` selects a folder, `marts.fact_orders` a path of folders and name, with or without the project name. */
function fqnMatches(node: GraphNode, value: string): boolean {
  const parts = value.split('.');
  const fqn = node.fqn;
  const prefixAt = (offset: number) => parts.length <= fqn.length - offset && parts.every((p, i) => glob(p).test(fqn[offset + i]));
  return prefixAt(0) || prefixAt(1);
}
