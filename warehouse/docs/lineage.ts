import dagre from '@dagrejs/dagre';
import { allNodes, parentsOf, type Manifest, type ManifestNode } from './artifacts.ts';
import { escapeHtml, nodePageHref } from './html.ts';

/** A node of the lineage graph as laid out (centre coordinates, as dagre returns them). */
interface PlacedNode {
  id: string;
  node: ManifestNode;
  x: number;
  y: number;
  width: number;
  height: number;
}

const CHAR_WIDTH = 7.2;
const NODE_HEIGHT = 28;
const TEST_HEIGHT = 18;

function label(node: ManifestNode): string {
  if (node.resource_type === 'source') return `${node.source_name}.${node.name}`;
  return node.name;
}

function isTest(node: ManifestNode): boolean {
  return node.resource_type === 'test' || node.resource_type === 'unit_test';
}

/**
 * Lays out the graph with dagre (left to right, sources first) and draws it as SVG. Each node
 * is a link to its page; `data-id` and `data-neighbours` let the page's script focus a node
 * and its neighbours without knowing the graph.
 */
export function renderLineageSvg(manifest: Manifest, options: { includeTests: boolean; pathPrefix: string }): string {
  const nodes = [...allNodes(manifest).values()].filter((n) => options.includeTests || !isTest(n));
  const ids = new Set(nodes.map((n) => n.unique_id));
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: 60, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    const test = isTest(node);
    graph.setNode(node.unique_id, { width: Math.max(60, label(node).length * (test ? 6 : CHAR_WIDTH) + 20), height: test ? TEST_HEIGHT : NODE_HEIGHT });
  }
  const edges: Array<[string, string]> = [];
  for (const node of nodes) {
    for (const parent of parentsOf(manifest, node.unique_id)) {
      if (!ids.has(parent)) continue;
      graph.setEdge(parent, node.unique_id);
      edges.push([parent, node.unique_id]);
    }
  }
  dagre.layout(graph);

  const neighbours = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    if (!neighbours.has(from)) neighbours.set(from, new Set());
    if (!neighbours.has(to)) neighbours.set(to, new Set());
    neighbours.get(from)!.add(to);
    neighbours.get(to)!.add(from);
  }

  const placed: PlacedNode[] = nodes.map((node) => {
    const p = graph.node(node.unique_id);
    return { id: node.unique_id, node, x: p.x, y: p.y, width: p.width, height: p.height };
  });
  const { width = 0, height = 0 } = graph.graph();
  const edgeSvg = edges.map(([from, to]) => {
    const points = graph.edge(from, to).points as Array<{ x: number; y: number }>;
    const d = points.map((pt, i) => `${i === 0 ? 'M' : 'L'}${pt.x.toFixed(1)},${pt.y.toFixed(1)}`).join(' ');
    return `<path class="edge" data-from="${escapeHtml(from)}" data-to="${escapeHtml(to)}" d="${d}" marker-end="url(#arrow)"/>`;
  });
  const nodeSvg = placed.map((p) => {
    const kind = p.node.resource_type;
    const href = `${options.pathPrefix}${nodePageHref(p.node)}`;
    const near = [...(neighbours.get(p.id) ?? [])].join(' ');
    return (
      `<g class="node ${escapeHtml(kind)}" data-id="${escapeHtml(p.id)}" data-name="${escapeHtml(label(p.node))}" data-neighbours="${escapeHtml(near)}">` +
      `<a href="${escapeHtml(href)}"><title>${escapeHtml(`${kind}: ${label(p.node)}`)}</title>` +
      `<rect x="${(p.x - p.width / 2).toFixed(1)}" y="${(p.y - p.height / 2).toFixed(1)}" width="${p.width.toFixed(1)}" height="${p.height}" rx="5"/>` +
      `<text x="${p.x.toFixed(1)}" y="${(p.y + 4).toFixed(1)}" text-anchor="middle">${escapeHtml(label(p.node))}</text></a></g>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="lineage" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" data-tests="${options.includeTests}">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>` +
    `<g class="viewport">${edgeSvg.join('')}${nodeSvg.join('')}</g></svg>`
  );
}
