import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The CLI end to end, as a user runs it: `node bin/sim.mjs ...` in a fresh folder.
const SIM = path.resolve(import.meta.dirname, '../sim.mjs');
const HOLD_LOCK = path.resolve(import.meta.dirname, '../../warehouse/duckdb/test-helpers/hold-lock.ts');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function sim(...args: string[]) {
  const run = spawnSync(process.execPath, [SIM, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, SIM_SCENARIO: '', SIM_SEED: '', SIM_SCALE: '' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function fingerprint(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') + fs.statSync(file).mtimeMs;
}

interface Report {
  runId: string;
  status: string;
  exitCode: number;
  landing: { rows: number; tables: Array<{ name: string; rows: number; digest: string }> };
  steps: Array<{ id: string; status: string; nodes: Array<{ status: string }> }>;
  skipped: unknown[];
}

describe('sim (the pipeline command)', () => {
  it('generates, lands, builds and tests at --scale tiny, and prints the summary', () => {
    const run = sim('--seed', '42', '--scale', 'tiny', '--warehouse', 'full.duckdb');
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^run \d{4}: ok in [\d.]+ s \(duckdb: full\.duckdb\)$/m);
    for (const table of ['customers', 'products', 'product_prices', 'orders', 'order_items']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${table} +[\\d,]+  [0-9a-f]{16}$`, 'm'));
    }
    for (const step of ['staging:build', 'staging:test', 'marts:build', 'marts:test', 'consumption:build', 'consumption:test']) {
      expect(run.stdout).toMatch(new RegExp(`^${step} +success `, 'm'));
    }
    expect(fs.existsSync(path.join(dir, 'target/run_results.json'))).toBe(true);
  });

  it('prints the same summary as JSON with --json, and the same digests on a second run', () => {
    const first = sim('run', '--seed', '42', '--scale', 'tiny', '--select', 'none', '--json', '--warehouse', 'land.duckdb');
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout) as Report;
    expect(a).toMatchObject({ status: 'success', exitCode: 0, skipped: [] });
    expect(a.runId).toMatch(/^\d{4}$/);
    expect(a.landing.tables.map((t) => t.name)).toEqual(['customers', 'products', 'product_prices', 'orders', 'order_items']);
    for (const t of a.landing.tables) {
      expect(t.rows).toBeGreaterThan(0);
      expect(t.digest).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(a.landing.rows).toBe(a.landing.tables.reduce((n, t) => n + t.rows, 0));
    expect(a.steps.map((s) => s.id)).toEqual(['generate+land']);

    const b = JSON.parse(sim('--seed', '42', '--scale', 'tiny', '--select', 'none', '--json', '--warehouse', 'land.duckdb').stdout) as Report;
    expect(Number(b.runId)).toBe(Number(a.runId) + 1);
    expect(b.landing.tables).toEqual(a.landing.tables);
    const other = JSON.parse(sim('--seed', '43', '--scale', 'tiny', '--select', 'none', '--json', '--warehouse', 'land.duckdb').stdout) as Report;
    expect(other.landing.tables.find((t) => t.name === 'orders')!.digest).not.toBe(a.landing.tables.find((t) => t.name === 'orders')!.digest);
  });

  describe('bad input: one line, exit 2, warehouse unchanged', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['a bad flag value', ['--batch-size', 'lots'], /--batch-size must be an integer from 1000 to 1048576/],
      ['an unknown flag', ['--bogus'], /unknown option '--bogus'/],
      ['an unknown scale', ['--scale', 'huge'], /scale.*accepted: one of tiny, small, medium, large/],
      ['an end date before the start date', ['--start-date', '2025-01-01', '--end-date', '2024-01-01'], /end_date|start_date/],
      ['an unknown target', ['--target', 'snowflake'], /--target.*snowflake/],
    ];
    it.each(cases)('%s', (_name, args, message) => {
      const file = path.join(dir, 'land.duckdb');
      const before = fingerprint(file);
      const run = sim('--seed', '42', '--scale', 'tiny', '--warehouse', 'land.duckdb', ...args);
      expect(run.code).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[0]).toMatch(message);
      expect(lines.filter((l) => l.startsWith('error')).length).toBe(1);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(run.stdout).toBe('');
      expect(fingerprint(file)).toBe(before);
    });

    it('an unwritable --warehouse path', () => {
      fs.writeFileSync(path.join(dir, 'not-a-dir'), 'x');
      for (const target of ['not-a-dir/w.duckdb', 'missing/dir/w.duckdb', '.']) {
        const run = sim('--seed', '42', '--scale', 'tiny', '--warehouse', target);
        expect(run.code, target).toBe(2);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        expect(run.stderr).toMatch(new RegExp(`^error: --warehouse ${target.replace('.', '\\.')}`));
      }
      expect(fs.existsSync(path.join(dir, 'missing'))).toBe(false);
    });
  });

  it('says in one line that the warehouse is locked by another process (exit 3)', async () => {
    const file = path.join(dir, 'land.duckdb');
    const holder: ChildProcess = spawn(process.execPath, ['--import', 'tsx', HOLD_LOCK, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => holder.stdout!.on('data', (d) => String(d).includes('holding') && resolve()));
      const run = sim('--seed', '42', '--scale', 'tiny', '--select', 'none', '--warehouse', 'land.duckdb');
      expect(run.code).toBe(3);
      expect(run.stderr.split('\n')[0]).toBe(
        `error: warehouse land.duckdb is locked by process ${holder.pid} (${process.execPath}); close that process (another sim run or a DuckDB shell) and try again`,
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
