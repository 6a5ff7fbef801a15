import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../contract/errors.ts';

/** One TaskGroup of the DAG: a layer of the model project, built then tested. */
export interface PipelineStage {
  /** TaskGroup id, from the layer's schema config or its folder ("01_staging" -> "staging"). */
  id: string;
  /** The `--select` argument for `sim build` / `sim test` (e.g. `path:models/01_staging`). */
  select: string;
  description: string;
}

interface ProjectPaths {
  name: string;
  modelPaths: string[];
  excluded: string[];
  folderConfigs: Record<string, unknown>;
}

/**
 * The layers of a model project in run order: one stage per top-level folder of each model path
 * that holds models (macros, tests, seeds and snapshots folders are not layers). Folders are
 * ordered by name, which is how this project (and most dbt projects) number their layers:
 * 01_staging, 02_marts, 03_consumption.
 */
export function stagesFromProject(projectDir: string): PipelineStage[] {
  const paths = readProjectPaths(projectDir);
  const stages: PipelineStage[] = [];
  for (const modelPath of paths.modelPaths) {
    const root = join(projectDir, modelPath);
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root).sort()) {
      const folder = join(root, entry);
      if (!statSync(folder).isDirectory()) continue;
      const rel = relative(projectDir, folder).split(sep).join('/');
      if (paths.excluded.some((ex) => rel === ex || rel.startsWith(`${ex}/`))) continue;
      if (!containsSql(folder)) continue;
      stages.push({
        id: layerId(entry, paths.folderConfigs[entry]),
        select: `path:${rel}`,
        description: `Models in ${rel}/`,
      });
    }
  }
  if (stages.length === 0) {
    throw new InputError(`${join(projectDir, 'dbt_project.yml')}: no model folders with .sql files under ${paths.modelPaths.join(', ')}; the DAG needs at least one layer`);
  }
  const seen = new Set<string>();
  for (const stage of stages) {
    if (seen.has(stage.id)) throw new InputError(`two model folders map to the same layer "${stage.id}"; give them distinct +schema configs in dbt_project.yml`);
    seen.add(stage.id);
  }
  return stages;
}

function readProjectPaths(projectDir: string): ProjectPaths {
  const file = join(projectDir, 'dbt_project.yml');
  if (!existsSync(file)) throw new InputError(`no dbt_project.yml in ${projectDir}; pass --project-dir pointing at a model project`);
  let doc: Record<string, unknown>;
  try {
    doc = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`${file}: invalid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const list = (key: string, fallback: string[]): string[] => {
    const value = doc[key];
    return Array.isArray(value) ? value.map((v) => String(v).replace(/\/+$/, '')) : fallback;
  };
  const name = String(doc.name ?? '');
  const models = (doc.models ?? {}) as Record<string, unknown>;
  const folderConfigs = (models[name] ?? {}) as Record<string, unknown>;
  return {
    name,
    modelPaths: list('model-paths', ['models']),
    excluded: [
      ...list('macro-paths', ['macros']),
      ...list('test-paths', ['tests']),
      ...list('seed-paths', ['seeds']),
      ...list('snapshot-paths', ['snapshots']),
      ...list('analysis-paths', ['analyses']),
    ],
    folderConfigs,
  };
}

/** "01_staging" with `+schema: staging` -> "staging"; without a schema config, the folder minus its number. */
function layerId(folder: string, config: unknown): string {
  const schema = config && typeof config === 'object' ? (config as Record<string, unknown>)['+schema'] : undefined;
  const raw = typeof schema === 'string' && schema !== '' ? schema : folder.replace(/^\d+[_-]/, '');
  return raw.replace(/[^A-Za-z0-9_]/g, '_');
}

function containsSql(folder: string): boolean {
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory() ? containsSql(path) : entry.endsWith('.sql')) return true;
  }
  return false;
}
