import { LANDING_SCHEMA, LANDING_TABLES, landingMeta } from '../../../contract/landing.ts';
import type { Engine, RelationInfo } from '../../engine.ts';
import { metricsFor, profile, type ColumnClass } from './profile.ts';

export type CheckStatus = 'match' | 'differ' | 'missing';

export interface Check {
  relation: string;
  metric: string;
  local: string | null;
  remote: string | null;
  status: CheckStatus;
}

export interface ReconcileReport {
  local: string;
  remote: string;
  relations: number;
  checks: Check[];
  matches: number;
  differences: number;
  ok: boolean;
}

/** Schemas that hold engine internals, never models. */
const SKIPPED_SCHEMAS = new Set(['main', 'information_schema', 'pg_catalog', 'temp']);

/**
 * Compares a local build with a remote one of the same seed: first the landed scenario
 * (`landing._sim_meta`: seed, dates, per-table digests), then the profile of every landing table
 * and model the local build has (`_`-prefixed engine tables aside). A relation missing on either
 * side is a difference; so is any profile value that is not equal after normalisation (floats
 * within a relative 1e-9, everything else exactly).
 */
export async function reconcile(
  local: Engine,
  remote: Engine,
  options: { local?: string; remote?: string; skipSchemas?: readonly string[] } = {},
): Promise<ReconcileReport> {
  const names = { local: options.local ?? 'duckdb', remote: options.remote ?? 'bigquery' };
  const skipped = new Set([...SKIPPED_SCHEMAS, ...(options.skipSchemas ?? [])]);
  const checks: Check[] = [];
  checks.push(...(await compareMeta(local, remote)));

  const localRelations = (await local.listRelations()).filter((r) => !skipped.has(r.schema) && !r.name.startsWith('_'));
  const schemas = [...new Set(localRelations.map((r) => r.schema))];
  const remoteRelations = new Map<string, RelationInfo>();
  for (const schema of schemas) for (const r of await remote.listRelations(schema)) if (!r.name.startsWith('_')) remoteRelations.set(`${r.schema}.${r.name}`, r);

  for (const rel of localRelations) {
    const id = `${rel.schema}.${rel.name}`;
    if (!remoteRelations.delete(id)) {
      checks.push({ relation: id, metric: 'exists', local: rel.kind, remote: null, status: 'missing' });
      continue;
    }
    const declaredKeys = rel.schema === LANDING_SCHEMA ? LANDING_TABLES.find((t) => t.name === rel.name)?.primaryKey : undefined;
    const localColumns = await local.listColumns(rel.schema, rel.name);
    const remoteColumns = new Set((await remote.listColumns(rel.schema, rel.name)).map((c) => c.name));
    const missingColumns = localColumns.filter((c) => !remoteColumns.has(c.name)).map((c) => c.name);
    if (missingColumns.length) checks.push({ relation: id, metric: 'columns', local: missingColumns.join(', '), remote: null, status: 'missing' });
    const metrics = metricsFor(localColumns.filter((c) => remoteColumns.has(c.name)), declaredKeys);
    const [a, b] = await Promise.all([profile(local, rel.schema, rel.name, metrics), profile(remote, rel.schema, rel.name, metrics)]);
    for (const m of metrics) {
      const l = a.values[m.name];
      const r = b.values[m.name];
      checks.push({ relation: id, metric: m.name, local: l, remote: r, status: same(l, r, a.classes[m.name]) ? 'match' : 'differ' });
    }
  }
  for (const id of remoteRelations.keys()) checks.push({ relation: id, metric: 'exists', local: null, remote: 'present', status: 'missing' });

  const differences = checks.filter((c) => c.status !== 'match').length;
  return {
    local: names.local,
    remote: names.remote,
    relations: localRelations.length,
    checks,
    matches: checks.length - differences,
    differences,
    ok: differences === 0,
  };
}

/** The landed scenario must be the same (same seed, dates, digests) for profiles to be comparable at all. */
async function compareMeta(local: Engine, remote: Engine): Promise<Check[]> {
  const [a, b] = await Promise.all([readMeta(local), readMeta(remote)]);
  const relation = `${LANDING_SCHEMA}.${landingMeta.name}`;
  if (!a || !b) return [{ relation, metric: 'exists', local: a ? 'present' : null, remote: b ? 'present' : null, status: 'missing' }];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.map((key) => ({ relation, metric: key, local: a[key] ?? null, remote: b[key] ?? null, status: a[key] === b[key] ? 'match' : 'differ' }));
}

async function readMeta(engine: Engine): Promise<Record<string, string> | undefined> {
  const relations = await engine.listRelations(LANDING_SCHEMA);
  if (!relations.some((r) => r.name === landingMeta.name)) return undefined;
  const rows = await engine.query(`SELECT key, value FROM ${engine.dialect.relation(LANDING_SCHEMA, landingMeta.name)}`, { label: 'reconcile_sim_meta' });
  return Object.fromEntries(rows.map((r) => [String(r.key), String(r.value)]));
}

function same(a: string | null, b: string | null, columnClass?: ColumnClass): boolean {
  if (a === b) return true;
  if (a === null || b === null || columnClass !== 'float') return false;
  const x = Number(a);
  const y = Number(b);
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

/** The report as a fixed-width table (every check, differences marked), then a summary line. */
export function formatReconcile(report: ReconcileReport, options: { onlyDifferences?: boolean } = {}): string {
  const shown = options.onlyDifferences ? report.checks.filter((c) => c.status !== 'match') : report.checks;
  const cell = (v: string | null) => (v === null ? '(none)' : v.length > 40 ? `${v.slice(0, 37)}...` : v);
  const rows = shown.map((c) => [c.relation, c.metric, cell(c.local), cell(c.remote), c.status === 'match' ? 'ok' : c.status.toUpperCase()]);
  const header = ['relation', 'metric', report.local, report.remote, 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((v, i) => (i === 2 || i === 3 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  out.push('');
  out.push(
    report.ok
      ? `reconcile: ${report.relations} relations, ${report.checks.length} checks, all match between ${report.local} and ${report.remote}`
      : `reconcile: ${report.relations} relations, ${report.checks.length} checks, ${report.differences} differ between ${report.local} and ${report.remote}`,
  );
  return `${out.join('\n')}\n`;
}
