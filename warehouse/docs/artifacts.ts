import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The subset of dbt's artifacts (manifest.json v12, run_results.json v6) that the docs site
 * reads. The site depends only on these shapes, so it also renders a project built by dbt.
 */
export interface ManifestColumn {
  name: string;
  description?: string;
  data_type?: string | null;
}

export interface ManifestNode {
  unique_id: string;
  resource_type: 'model' | 'seed' | 'snapshot' | 'test' | 'source' | 'unit_test' | string;
  name: string;
  description?: string;
  schema?: string;
  original_file_path?: string;
  compiled_path?: string | null;
  alias?: string | null;
  path?: string;
  raw_code?: string;
  compiled_code?: string;
  columns?: Record<string, ManifestColumn>;
  depends_on?: { nodes?: string[] };
  config?: { materialized?: string; tags?: string[]; severity?: string; [key: string]: unknown };
  tags?: string[];
  test_metadata?: { name: string; kwargs?: Record<string, unknown> } | null;
  attached_node?: string | null;
  column_name?: string | null;
  /** sources only */
  source_name?: string;
  identifier?: string;
}

export interface Manifest {
  metadata?: { project_name?: string; generated_at?: string; [key: string]: unknown };
  nodes: Record<string, ManifestNode>;
  sources?: Record<string, ManifestNode>;
  unit_tests?: Record<string, ManifestNode>;
  parent_map?: Record<string, string[]>;
  child_map?: Record<string, string[]>;
}

export interface RunResult {
  unique_id: string;
  status: string;
  execution_time?: number;
  message?: string | null;
  failures?: number | null;
  adapter_response?: { rows_affected?: number; [key: string]: unknown };
}

export interface RunResults {
  metadata?: Record<string, unknown>;
  results: RunResult[];
  elapsed_time?: number;
}

export function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function readArtifacts(targetDir: string): { manifest: Manifest; runResults?: RunResults } {
  const manifest = readJson<Manifest>(join(targetDir, 'manifest.json'));
  if (!manifest) throw new Error(`no manifest.json in ${targetDir}`);
  return { manifest, runResults: readJson<RunResults>(join(targetDir, 'run_results.json')) };
}

/** Every node and source in one map, by unique_id. */
export function allNodes(manifest: Manifest): Map<string, ManifestNode> {
  const all = new Map<string, ManifestNode>();
  for (const node of Object.values(manifest.sources ?? {})) all.set(node.unique_id, { ...node, resource_type: 'source' });
  for (const node of Object.values(manifest.nodes)) all.set(node.unique_id, node);
  for (const node of Object.values(manifest.unit_tests ?? {})) all.set(node.unique_id, { ...node, resource_type: 'unit_test' });
  return all;
}

/** Parents of each node: parent_map when present, else depends_on.nodes. */
export function parentsOf(manifest: Manifest, id: string): string[] {
  return manifest.parent_map?.[id] ?? (manifest.nodes[id] ?? manifest.unit_tests?.[id])?.depends_on?.nodes ?? [];
}

export function childMap(manifest: Manifest): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const id of allNodes(manifest).keys()) children.set(id, []);
  for (const id of allNodes(manifest).keys()) {
    for (const parent of parentsOf(manifest, id)) children.get(parent)?.push(id);
  }
  return children;
}
