import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../engine.ts';
import { openDuckDB, type DuckDBEngine } from './engine.ts';
import { versioned, versionedBatch } from './test-helpers/tables.ts';

const HELPERS = path.join(import.meta.dirname, 'test-helpers');
let dir: string;
let file: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duck-atomic-'));
  file = path.join(dir, 'warehouse.duckdb');
});
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function landVersion(engine: DuckDBEngine, version: string, rows: number): Promise<void> {
  const writer = await engine.openLanding('landing', [versioned]);
  await writer.append(versionedBatch(version, 0, rows));
  await writer.commit();
}

async function landingState(engine: DuckDBEngine) {
  const [state] = await engine.query('SELECT count(*) AS n, min(version) AS lo, max(version) AS hi FROM landing.versioned');
  return state;
}

/** Starts a helper script under tsx and resolves once it prints `line`. */
function startHelper(script: string, line: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(HELPERS, script), file], { stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      if (out.includes(line)) resolve(proc);
    });
    proc.stderr!.on('data', (d) => (err += d));
    proc.on('exit', (code) => reject(new Error(`${script} exited with ${code} before '${line}': ${err}`)));
  });
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((resolve) => proc.on('exit', () => resolve()));
}

describe('atomic landing', () => {
  it('keeps the previous landing when a run fails mid-landing, and replaces it on commit', async () => {
    const engine = await openDuckDB(file);
    const before = await engine.query(`SELECT current_setting('memory_limit') AS l`);
    await landVersion(engine, 'v1', 1000);

    const failing = await engine.openLanding('landing', [versioned]);
    await failing.append(versionedBatch('v2', 0, 5000));
    await failing.abort(); // what the orchestrator does when generation throws
    expect(await landingState(engine)).toEqual({ n: 1000, lo: 'v1', hi: 'v1' });
    expect((await engine.listRelations('landing')).map((r) => r.name)).toEqual(['versioned']);

    await landVersion(engine, 'v3', 3000);
    expect(await landingState(engine)).toEqual({ n: 3000, lo: 'v3', hi: 'v3' });
    // the load's memory cap is lifted again for the models
    expect(await engine.query(`SELECT current_setting('memory_limit') AS l`)).toEqual(before);
    await engine.close();
  });

  it('keeps the previous landing when the process is killed mid-landing, and cleans up at the next start', async () => {
    const first = await openDuckDB(file);
    await landVersion(first, 'v1', 1000);
    await first.close();

    const proc = await startHelper('land-forever.ts', 'loading');
    proc.kill('SIGKILL');
    await exited(proc);

    const engine = await openDuckDB(file);
    expect(await landingState(engine)).toEqual({ n: 1000, lo: 'v1', hi: 'v1' });
    await landVersion(engine, 'v2', 2000);
    expect(await landingState(engine)).toEqual({ n: 2000, lo: 'v2', hi: 'v2' });
    const [{ leftovers }] = await engine.query(`SELECT count(*) AS leftovers FROM duckdb_tables() WHERE table_name LIKE '\\_loading\\_%' ESCAPE '\\'`);
    expect(leftovers).toBe(0);
    await engine.close();
  });

  it('reports a warehouse locked by another process in one line', async () => {
    const first = await openDuckDB(file);
    await first.close();
    const proc = await startHelper('hold-lock.ts', 'holding');
    const error = await openDuckDB(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineError);
    const message = (error as Error).message;
    expect(message).toBe(`warehouse ${file} is locked by process ${proc.pid} (${process.execPath}); close that process (another sim run or a DuckDB shell) and try again`);
  });
});
