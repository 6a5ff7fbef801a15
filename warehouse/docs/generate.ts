import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { stringify as stringifyYaml } from 'yaml';
import type { Engine, Row } from '../engine.ts';
import { allNodes, childMap, parentsOf, readArtifacts, type Manifest, type ManifestNode, type RunResult } from './artifacts.ts';
import { nodePageHref } from './html.ts';
import { buildKpis } from './kpis.ts';
import { renderLineageSvg } from './lineage.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface GenerateDocsOptions {
  /** The `target/` folder holding manifest.json, run_results.json and compiled/. */
  targetDir: string;
  /** Where the site goes (default `<targetDir>/docs`). Replaced as a whole. */
  outDir?: string;
  /** The warehouse, for row counts, the scenario and the KPI charts. Optional: without it the site has the project only. */
  engine?: Engine;
  /** Compiled SQL targets to show on model pages, in order (folders under `<targetDir>/compiled/`). */
  compiledTargets?: string[];
}

export interface GeneratedSite {
  outDir: string;
  pages: number;
}

const TEST_TYPES = new Set(['test', 'unit_test']);
const BUILT_TYPES = new Set(['model', 'snapshot', 'seed']);

/** Writes the static docs site: overview, lineage, KPI dashboard, and a page per source, model, snapshot, seed and test. */
export async function generateDocs(options: GenerateDocsOptions): Promise<GeneratedSite> {
  const outDir = options.outDir ?? join(options.targetDir, 'docs');
  const { manifest, runResults } = readArtifacts(options.targetDir);
  const nodes = allNodes(manifest);
  const children = childMap(manifest);
  const results = new Map<string, RunResult>((runResults?.results ?? []).map((r) => [r.unique_id, r]));
  const projectName = manifest.metadata?.project_name ?? 'ecom-sim';
  const relationOf = makeRelationResolver(manifest, options.engine);

  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(HERE, 'templates')), { autoescape: true, throwOnUndefined: false });
  const nav = buildNav(nodes, results);
  let pages = 0;
  const write = (relPath: string, template: string, context: Record<string, unknown>) => {
    const root = '../'.repeat(relPath.split('/').length - 1);
    const file = join(outDir, relPath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, env.render(template, { projectName, nav, root, ...context }));
    pages++;
  };

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'assets'), { recursive: true });
  for (const asset of ['site.css', 'lineage.js']) copyFileSync(join(HERE, 'assets', asset), join(outDir, 'assets', asset));
  const require = createRequire(import.meta.url);
  copyFileSync(require.resolve('svg-pan-zoom/dist/svg-pan-zoom.min.js'), join(outDir, 'assets', 'svg-pan-zoom.min.js'));

  const meta = options.engine ? await readLandingMeta(options.engine) : new Map<string, string>();
  write('index.html', 'index.njk', {
    title: 'Overview',
    counts: countByType(nodes),
    runResults,
    lastRun: summariseRun(runResults?.results ?? [], nodes, runResults?.elapsed_time),
    scenario: [...meta].filter(([, value]) => !/^[[{]/.test(value)).map(([key, value]) => ({ key, value })),
    scenarioYaml: meta.has('scenario') ? stringifyYaml(JSON.parse(meta.get('scenario')!)) : undefined,
    faults: Object.entries(parseJsonObject(meta.get('faults'))).filter(([, n]) => Number(n) > 0),
    digests: await withRowCounts(digestRows(meta), options.engine),
  });

  write('lineage.html', 'lineage.njk', {
    title: 'Lineage',
    nodeNames: [...nodes.values()].filter((n) => !TEST_TYPES.has(n.resource_type)).map(displayName).sort(),
    svgWithoutTests: renderLineageSvg(manifest, { includeTests: false, pathPrefix: '' }),
    svgWithTests: renderLineageSvg(manifest, { includeTests: true, pathPrefix: '' }),
  });

  const kpis = options.engine ? await buildKpis(options.engine, (model) => relationOf(model)) : { charts: [], missing: ['No warehouse given: charts need the built consumption tables.'] };
  write('kpis.html', 'kpis.njk', { title: 'KPIs', charts: kpis.charts, missingCharts: kpis.missing, asOf: meta.get('as_of') });

  const testsOf = testsByAttachedNode(manifest, nodes);
  for (const node of nodes.values()) {
    const rel = nodePageHref(node);
    const root = '../'.repeat(rel.split('/').length - 1);
    const link = (id: string) => {
      const other = nodes.get(id)!;
      return { name: displayName(other), kind: other.resource_type, href: root + nodePageHref(other) };
    };
    const tests = (testsOf.get(node.unique_id) ?? []).map((t) => testSummary(t, results.get(t.unique_id), root));
    const relation = BUILT_TYPES.has(node.resource_type) || node.resource_type === 'source' ? relationOf(node.name, node) : undefined;
    write(rel, 'node.njk', {
      title: displayName(node),
      node,
      displayName: displayName(node),
      relation,
      rowCount: relation && options.engine ? await countRows(options.engine, relation) : null,
      result: results.get(node.unique_id),
      tags: node.tags ?? node.config?.tags ?? [],
      columns: await describeColumns(node, tests, options.engine, relation),
      tests,
      upstream: parentsOf(manifest, node.unique_id).filter((id) => nodes.has(id)).map(link),
      downstream: (children.get(node.unique_id) ?? []).filter((id) => !TEST_TYPES.has(nodes.get(id)!.resource_type)).map(link),
      sqls: compiledSql(node, options.targetDir, options.compiledTargets ?? ['duckdb', 'bigquery']),
    });
  }
  return { outDir, pages };
}

function displayName(node: ManifestNode): string {
  return node.resource_type === 'source' ? `${node.source_name}.${node.name}` : node.name;
}

function countByType(nodes: Map<string, ManifestNode>) {
  const count = (...types: string[]) => [...nodes.values()].filter((n) => types.includes(n.resource_type)).length;
  return { models: count('model'), sources: count('source'), tests: count('test', 'unit_test'), snapshots: count('snapshot'), seeds: count('seed') };
}

/** Sidebar groups: sources, then models by schema (layer), snapshots and seeds. */
function buildNav(nodes: Map<string, ManifestNode>, results: Map<string, RunResult>) {
  const groups = new Map<string, Array<{ name: string; href: string; status?: string }>>();
  const add = (title: string, node: ManifestNode) => {
    if (!groups.has(title)) groups.set(title, []);
    groups.get(title)!.push({ name: displayName(node), href: nodePageHref(node), status: results.get(node.unique_id)?.status });
  };
  const sorted = [...nodes.values()].sort((a, b) => (a.original_file_path ?? a.name).localeCompare(b.original_file_path ?? b.name));
  for (const node of sorted) {
    if (node.resource_type === 'source') add('Sources', node);
    else if (node.resource_type === 'model') add(node.schema ? `Models · ${node.schema}` : 'Models', node);
    else if (node.resource_type === 'snapshot') add('Snapshots', node);
    else if (node.resource_type === 'seed') add('Seeds', node);
  }
  return [...groups].map(([title, entries]) => ({ title, entries }));
}

function summariseRun(results: RunResult[], nodes: Map<string, ManifestNode>, elapsed?: number) {
  if (results.length === 0) return undefined;
  const byStatus: Record<string, number> = {};
  for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const bad = new Set(['error', 'fail', 'runtime error', 'skipped', 'warn']);
  const problems = results.filter((r) => bad.has(r.status)).map((r) => {
    const node = nodes.get(r.unique_id);
    return { name: node ? displayName(node) : r.unique_id, href: node ? nodePageHref(node) : '#', status: r.status, message: r.message ?? '' };
  });
  const overall = results.some((r) => r.status === 'error' || r.status === 'fail' || r.status === 'runtime error') ? 'error' : results.some((r) => r.status === 'warn') ? 'warn' : 'success';
  return { byStatus, problems, overall, elapsed: elapsed === undefined ? undefined : elapsed.toFixed(1) };
}

function testsByAttachedNode(manifest: Manifest, nodes: Map<string, ManifestNode>): Map<string, ManifestNode[]> {
  const byNode = new Map<string, ManifestNode[]>();
  for (const node of nodes.values()) {
    if (!TEST_TYPES.has(node.resource_type)) continue;
    const targets = node.attached_node ? [node.attached_node] : parentsOf(manifest, node.unique_id);
    for (const target of targets) {
      if (!byNode.has(target)) byNode.set(target, []);
      byNode.get(target)!.push(node);
    }
  }
  return byNode;
}

function testSummary(test: ManifestNode, result: RunResult | undefined, root: string) {
  const label = test.test_metadata?.name ?? test.name;
  return {
    id: test.unique_id,
    label,
    column: test.column_name ?? '',
    status: result?.status ?? 'not run',
    failures: result?.failures ?? 0,
    href: root + nodePageHref(test),
  };
}

async function describeColumns(node: ManifestNode, tests: ReturnType<typeof testSummary>[], engine: Engine | undefined, relation: string | undefined) {
  const declared = Object.values(node.columns ?? {});
  let types = new Map<string, string>();
  if (engine && relation && node.schema) {
    try {
      types = new Map((await engine.listColumns(node.schema, node.identifier ?? node.alias ?? node.name)).map((c) => [c.name, c.dataType]));
    } catch {
      // the relation may not be built yet; the declared types still show
    }
  }
  const names = declared.length ? declared.map((c) => c.name) : [...types.keys()];
  return names.map((name) => {
    const col = node.columns?.[name];
    return {
      name,
      type: types.get(name) ?? col?.data_type ?? '',
      description: col?.description ?? '',
      tests: tests.filter((t) => t.column === name),
    };
  });
}

function compiledSql(node: ManifestNode, targetDir: string, targets: string[]) {
  const sqls: Array<{ title: string; code: string }> = [];
  if (node.resource_type === 'source') return sqls;
  // dbt writes target/compiled/<target>/<original path>; generic tests sit under their YAML file's path.
  const rel = node.compiled_path?.replace(/^target[\\/]compiled[\\/][^\\/]+[\\/]/, '') ?? node.original_file_path;
  for (const target of targets) {
    const file = rel ? join(targetDir, 'compiled', target, rel) : undefined;
    if (file && existsSync(file) && statSync(file).isFile()) sqls.push({ title: `Compiled SQL · ${target}`, code: readFileSync(file, 'utf8') });
  }
  if (sqls.length === 0 && node.raw_code) sqls.push({ title: 'Source SQL', code: node.raw_code });
  return sqls;
}

function makeRelationResolver(manifest: Manifest, engine: Engine | undefined) {
  const byName = new Map<string, ManifestNode>();
  for (const node of Object.values(manifest.nodes)) if (BUILT_TYPES.has(node.resource_type)) byName.set(node.name, node);
  return (name: string, node?: ManifestNode): string | undefined => {
    const target = node ?? byName.get(name);
    if (!target?.schema) return undefined;
    const identifier = target.identifier ?? target.alias ?? target.name;
    return engine ? engine.dialect.relation(target.schema, identifier) : `${target.schema}.${identifier}`;
  };
}

async function countRows(engine: Engine, relation: string): Promise<number | null> {
  try {
    const [row] = await engine.query(`select count(*) as n from ${relation}`);
    return Number(row.n);
  } catch {
    return null;
  }
}

async function readLandingMeta(engine: Engine): Promise<Map<string, string>> {
  try {
    const rows: Row[] = await engine.query(`select key, value from ${engine.dialect.relation('landing', '_sim_meta')} order by key`);
    return new Map(rows.map((r) => [String(r.key), String(r.value)]));
  } catch {
    return new Map();
  }
}

/** Digests and row counts, whichever shape the landing wrote them in (JSON objects keyed by table). */
function digestRows(meta: Map<string, string>) {
  const digests = parseJsonObject(meta.get('digests'));
  const rows = parseJsonObject(meta.get('rows'));
  return Object.keys(digests).sort().map((table) => {
    const d = digests[table] as unknown;
    const digest = typeof d === 'object' && d !== null ? String((d as { digest?: unknown }).digest ?? '') : String(d);
    const count = typeof d === 'object' && d !== null ? (d as { rows?: unknown }).rows : rows[table];
    return { table, digest, rows: count ?? '' };
  });
}

function parseJsonObject(text: string | undefined): Record<string, unknown> {
  try {
    const value = JSON.parse(text ?? '{}');
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

/** Fills in each landing table's row count from the warehouse where the metadata has none. */
async function withRowCounts(rows: ReturnType<typeof digestRows>, engine: Engine | undefined) {
  if (!engine) return rows;
  for (const row of rows) {
    if (row.rows === '') row.rows = (await countRows(engine, engine.dialect.relation('landing', row.table))) ?? '';
  }
  return rows;
}
