import { InputError } from '../../contract/errors.ts';
import { selectNodes } from '../../warehouse/dag/select.ts';
import { loadProject } from '../../warehouse/project/load.ts';
import type { Project } from '../../warehouse/project/types.ts';
import { projectLayers, type Layer } from '../layers.ts';

/**
 * The DAG's TaskGroups: the pipeline's layers (`projectLayers`, the same ones `sim run` builds
 * in-process), each turned into `sim build` / `sim test` selectors that pick exactly that
 * layer's nodes and tests.
 *
 * `--select path:models/02_marts` alone would not do: dbt's eager test selection would also pick
 * consumption tests that touch a mart (they fail before consumption exists, or test stale
 * tables), and it would never pick the source tests, seeds or snapshots that belong to a layer
 * without living in its folder. So the selectors are computed here with the model engine's own
 * selector and checked against the layer; tests that would leak in from later layers are excluded
 * (`--exclude path:models/03_consumption+`).
 */
export interface PipelineStage {
  /** TaskGroup id: the layer name ('staging', 'marts', 'consumption'). */
  id: string;
  /** The layer's model folder, e.g. 'models/02_marts'. */
  folder: string;
  /** `sim build --select ... --no-tests`. */
  buildSelect: string[];
  /** `sim test --select ... [--exclude ...]`. */
  testSelect: string[];
  testExclude: string[];
  /** How many nodes and tests the selectors picked when the DAG was written. */
  counts: { nodes: number; tests: number };
  description: string;
}

export async function stagesFromProject(projectDir: string): Promise<PipelineStage[]> {
  const project = await loadProject(projectDir);
  const layers = projectLayers(project);
  if (layers.length === 0) throw new InputError(`${projectDir}: the project has no models, so the DAG would have no layers; add models under ${project.config.modelPaths.join(', ')}`);
  return layers.map((_, index) => stageFor(project, layers, index));
}

function buildSelectors(project: Project, layer: Layer): string[] {
  const inFolder = (id: string) => project.nodes.get(id)?.originalFilePath.startsWith(`${layer.folder}/`) === true;
  return [`path:${layer.folder}`, ...layer.nodes.filter((id) => !inFolder(id)).map((id) => project.nodes.get(id)!.name)];
}

function stageFor(project: Project, layers: readonly Layer[], index: number): PipelineStage {
  const layer = layers[index]!;
  const buildSelect = buildSelectors(project, layer);

  const built = selectNodes(project, { select: buildSelect, indirectSelection: 'empty' }).filter((id) => isBuilt(project, id));
  expectSame(built, layer.nodes, `layer ${layer.name}: sim build --select ${buildSelect.join(' ')}`);

  // Source tests belong to the first layer; select their sources so that eager selection finds them.
  const sourceTables = new Set<string>();
  for (const id of layer.tests) for (const parent of project.parentMap.get(id) ?? []) if (project.sources.has(parent)) sourceTables.add(parent);
  const testSelect = [...buildSelect, ...sourceSelectors(project, sourceTables)];
  // A test belongs to the layer of its latest parent, so the tests that eager selection pulls in
  // from later layers are exactly the descendants of those layers' nodes: exclude them by
  // selector (robust to tests added later), then by name for anything the selector misses.
  const testsPicked = (exclude: readonly string[]) =>
    selectNodes(project, { select: testSelect, exclude: exclude.length ? [...exclude] : undefined }).filter((id) => project.nodes.get(id)?.resourceType === 'test');
  let testExclude = layers.slice(index + 1).flatMap((later) => buildSelectors(project, later).map((sel) => `${sel}+`));
  // Keep only the exclusions that remove something, so a command says no more than it must.
  for (const selector of [...testExclude]) {
    const without = testExclude.filter((x) => x !== selector);
    if (testsPicked(without).length === testsPicked(testExclude).length) testExclude = without;
  }
  const want = new Set(layer.tests);
  for (const id of testsPicked(testExclude)) if (!want.has(id)) testExclude.push(project.nodes.get(id)!.name);
  const picked = new Set(testsPicked(testExclude));
  for (const id of layer.tests) if (!picked.has(id)) testSelect.push(project.nodes.get(id)!.name);
  const pickedTests = () => testsPicked(testExclude);
  expectSame(pickedTests(), layer.tests, `layer ${layer.name}: sim test --select ${testSelect.join(' ')}`);

  return {
    id: layer.name.replace(/[^A-Za-z0-9_]/g, '_'),
    folder: layer.folder,
    buildSelect,
    testSelect,
    testExclude,
    counts: { nodes: layer.nodes.length, tests: layer.tests.length },
    description: `${layer.folder}/: ${layer.nodes.length} nodes, ${layer.tests.length} tests`,
  };
}

/** `source:landing` when every table of the source is wanted, else `source:landing.orders` per table. */
function sourceSelectors(project: Project, wanted: ReadonlySet<string>): string[] {
  const bySource = new Map<string, string[]>();
  for (const source of project.sources.values()) {
    const list = bySource.get(source.sourceName) ?? [];
    list.push(source.uniqueId);
    bySource.set(source.sourceName, list);
  }
  const out: string[] = [];
  for (const [name, ids] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
    const hit = ids.filter((id) => wanted.has(id));
    if (hit.length === ids.length) out.push(`source:${name}`);
    else for (const id of hit.sort()) out.push(`source:${name}.${project.sources.get(id)!.name}`);
  }
  return out;
}

/** What `projectLayers` counts as built: enabled models (not ephemeral), seeds and snapshots. */
function isBuilt(project: Project, id: string): boolean {
  const node = project.nodes.get(id);
  if (!node || node.resourceType === 'test') return false;
  if (node.config.enabled === false) return false;
  return !(node.resourceType === 'model' && node.config.materialized === 'ephemeral');
}

function expectSame(got: readonly string[], want: readonly string[], what: string): void {
  const g = new Set(got);
  const w = new Set(want);
  const extra = [...g].filter((id) => !w.has(id));
  const missing = [...w].filter((id) => !g.has(id));
  if (extra.length || missing.length) {
    // A name shared by two nodes (e.g. a seed and a model) would make a name selector ambiguous.
    throw new InputError(`cannot write the DAG: ${what} would pick ${extra.length} nodes outside the layer (${extra.slice(0, 3).join(', ')}) and miss ${missing.length} (${missing.slice(0, 3).join(', ')}); give those nodes unique names`);
  }
}
