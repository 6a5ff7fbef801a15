import type { ExecutableNode, Project } from '../warehouse/project/types.ts';

/**
 * The pipeline's layers (staging -> marts -> consumption), read from the project: one layer per
 * top-level model folder, in folder order (01_staging, 02_marts, ...), named by the folder's
 * schema config when it has one. The same layers as the Airflow DAG's task groups.
 *
 * Nodes outside the model folders find their place in the DAG: a seed or snapshot joins the
 * layer of its latest parent (seeds have none: the first layer), and a test joins the layer of
 * its latest parent, so a relationships test between staging and marts runs with the marts,
 * once both sides exist.
 */
export interface Layer {
  /** 'staging', 'marts', 'consumption'. */
  name: string;
  /** The model folder, e.g. 'models/01_staging'. */
  folder: string;
  /** Models, seeds and snapshots built in this layer (unique ids). */
  nodes: string[];
  /** Data tests run after the layer's nodes (unique ids). */
  tests: string[];
}

export function projectLayers(project: Project, selected?: ReadonlySet<string>): Layer[] {
  const folders = new Map<string, { name: string; index: number }>();
  const modelFolder = (node: ExecutableNode) => node.originalFilePath.split('/').slice(0, -1).slice(0, 2).join('/');
  const modelFolders = [...project.nodes.values()].filter((n) => n.resourceType === 'model').map(modelFolder);
  [...new Set(modelFolders)].sort().forEach((folder, index) => {
    const sample = [...project.nodes.values()].find((n) => n.resourceType === 'model' && modelFolder(n) === folder)!;
    const schema = typeof sample.config.schema === 'string' && sample.config.schema ? sample.config.schema : undefined;
    folders.set(folder, { name: schema ?? folder.split('/').at(-1)!.replace(/^\d+[_-]/, ''), index });
  });
  if (folders.size === 0) return [];

  const layerOf = new Map<string, number>();
  const visiting = new Set<string>();
  const place = (id: string): number => {
    const known = layerOf.get(id);
    if (known !== undefined) return known;
    const node = project.nodes.get(id);
    if (!node || visiting.has(id)) return 0; // sources, or a cycle the loader already reports
    visiting.add(id);
    const parents = (project.parentMap.get(id) ?? []).map(place);
    const fromParents = parents.length ? Math.max(...parents) : 0;
    const layer = node.resourceType === 'model' ? Math.max(folders.get(modelFolder(node))?.index ?? fromParents, fromParents) : fromParents;
    visiting.delete(id);
    layerOf.set(id, layer);
    return layer;
  };

  const layers: Layer[] = [...folders].map(([folder, { name }]) => ({ name, folder, nodes: [], tests: [] }));
  for (const [id, node] of project.nodes) {
    if (selected && !selected.has(id)) continue;
    if (node.config.enabled === false) continue;
    if (node.resourceType === 'model' && node.config.materialized === 'ephemeral') continue;
    const layer = layers[place(id)];
    if (node.resourceType === 'test') layer.tests.push(id);
    else layer.nodes.push(id);
  }
  return layers;
}
