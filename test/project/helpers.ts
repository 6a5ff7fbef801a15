/**
 * Helpers of the model-project tests: run the real `sim` CLI (generate -> land -> build -> test)
 * into a throwaway warehouse, and read back every model as canonical, order-independent text.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDB } from '../../warehouse/duckdb/index.ts';
import type { Row } from '../../warehouse/engine.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** The schemas the project builds into (dbt_project.yml `+schema`), in layer order. */
export const MODEL_SCHEMAS = ['seeds', 'staging', 'marts', 'consumption', 'snapshots'] as const;

export interface SimResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `sim ARGS` as a user would (cwd = a scratch folder, so target/ lands there). */
export function sim(args: string[], cwd: string): SimResult {
  const result = spawnSync(process.execPath, [path.join(REPO, 'bin/sim.mjs'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs sim and throws with its output when the exit code is not the expected one. */
export function simOk(args: string[], cwd: string, expected = 0): SimResult {
  const result = sim(args, cwd);
  if (result.status !== expected) {
    throw new Error(`sim ${args.join(' ')} exited ${result.status} (expected ${expected})\n--- stderr\n${result.stderr}\n--- stdout\n${result.stdout.slice(0, 4000)}`);
  }
  return result;
}

export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `ecom-sim-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TableContents {
  schema: string;
  name: string;
  columns: string[];
  /** Canonical rows (one JSON array per row), sorted: independent of scan order and threads. */
  lines: string[];
}

type Cell = string | number | boolean | null;

/** A value as stable JSON: numbers as shortest round-trip, everything else as returned. */
function canonical(value: Row[string]): Cell {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** Row order for the committed files: column by column, NULL first, numbers numerically. */
function compareRows(a: Cell[], b: Cell[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** Every table and view of the model schemas, with their contents, read from a DuckDB file. */
export async function readModels(warehouse: string): Promise<Map<string, TableContents>> {
  const engine = await openDuckDB(warehouse);
  try {
    const out = new Map<string, TableContents>();
    for (const schema of MODEL_SCHEMAS) {
      const relations = (await engine.listRelations(schema)).sort((a, b) => a.name.localeCompare(b.name));
      for (const relation of relations) {
        const columns = (await engine.listColumns(schema, relation.name)).map((c) => c.name);
        const rows = await engine.query(`select * from ${engine.dialect.relation(schema, relation.name)}`);
        const lines = rows
          .map((row) => columns.map((c) => canonical(row[c])))
          .sort(compareRows)
          .map((cells) => JSON.stringify(cells));
        out.set(`${schema}.${relation.name}`, { schema, name: relation.name, columns, lines });
      }
    }
    return out;
  } finally {
    await engine.close();
  }
}

export function digest(table: TableContents): string {
  return createHash('sha256').update(JSON.stringify(table.columns)).update('\n').update(table.lines.join('\n')).digest('hex').slice(0, 16);
}

/** A table as committed text: the column names, then one JSON row per line, sorted. */
export function tableText(table: TableContents): string {
  return [JSON.stringify(table.columns), ...table.lines].join('\n') + '\n';
}

/** Runs one query against a warehouse file and returns its rows. */
export async function query(warehouse: string, sql: string): Promise<Row[]> {
  const engine = await openDuckDB(warehouse);
  try {
    return await engine.query(sql);
  } finally {
    await engine.close();
  }
}
