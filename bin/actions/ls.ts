import { InputError } from '../../contract/errors.ts';
import { allGraphNodes, RESOURCE_TYPES, selectNodes } from '../../warehouse/dag/select.ts';
import { loadProject } from '../../warehouse/project/load.ts';
import { parseVarsFlag, resolveProjectDir } from '../../warehouse/project/locate.ts';
import type { GraphNode, Project, ResourceType } from '../../warehouse/project/types.ts';
import type { LsFlags } from '../commands/ls.ts';

/** `sim ls` */
export async function lsCommand(flags: LsFlags): Promise<void> {
  const out = await listNodes(flags);
  // Like dbt: an empty selection is worth a word on stderr, not an error.
  if (!out) process.stderr.write('no nodes selected\n');
  process.stdout.write(out);
}

export async function listNodes(flags: LsFlags, cwd = process.cwd()): Promise<string> {
  const given = (flags.resourceType ?? []).map((t) => (t === 'unit-test' ? 'unit_test' : t));
  const types = given.includes('all') ? [...RESOURCE_TYPES] : given;
  for (const t of types) {
    if (!(RESOURCE_TYPES as readonly string[]).includes(t)) throw new InputError(`--resource-type ${t}: not one of ${RESOURCE_TYPES.join(', ')}, all`);
  }
  const project = await loadProject(resolveProjectDir(flags.projectDir, cwd), { vars: parseVarsFlag(flags.vars) });
  const ids = selectNodes(project, {
    select: flags.select,
    exclude: flags.exclude,
    resourceTypes: types.length ? (types as ResourceType[]) : [...RESOURCE_TYPES],
  });
  const all = allGraphNodes(project);
  const lines = ids.map((id) => format(project, all.get(id)!, flags));
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function format(project: Project, node: GraphNode, flags: LsFlags): string {
  switch (flags.output) {
    case 'name':
      return node.resourceType === 'source' ? `${node.sourceName}.${node.name}` : node.name;
    case 'path':
      return node.originalFilePath;
    case 'json': {
      const full = jsonOf(project, node);
      const keys = flags.outputKeys;
      return JSON.stringify(keys?.length ? Object.fromEntries(keys.map((k) => [k, full[k] ?? null])) : full);
    }
    default:
      return selectorOf(node);
  }
}

/** dbt ls's default output: `source:pkg.source.table`, `unit_test:pkg.fqn`, else the fqn joined by dots. */
function selectorOf(node: GraphNode): string {
  if (node.resourceType === 'source') return `source:${node.fqn[0]}.${node.sourceName}.${node.name}`;
  if (node.resourceType === 'unit_test') return `unit_test:${node.fqn.join('.')}`;
  return node.fqn.join('.');
}

function jsonOf(project: Project, node: GraphNode): Record<string, unknown> {
  const base = {
    name: node.name,
    resource_type: node.resourceType,
    package_name: node.packageName,
    original_file_path: node.originalFilePath,
    unique_id: node.uniqueId,
    alias: node.name,
  };
  if (node.resourceType === 'source') return { ...base, source_name: node.sourceName, tags: node.tags, config: { enabled: true }, depends_on: { nodes: [] } };
  if (node.resourceType === 'unit_test') return { ...base, tags: node.config.tags, config: node.config, depends_on: node.dependsOn };
  return { ...base, alias: (node.config.alias as string | undefined) ?? node.name, tags: node.config.tags, config: node.config, depends_on: node.dependsOn, ...(project ? {} : {}) };
}
