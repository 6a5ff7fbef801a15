import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from './cli.ts';

// `sim --help`, `sim <cmd> --help` and a bad flag must not pay for the engines: each command's
// action (and with it DuckDB, BigQuery, Gemini, vega, ZetaSQL, faker, zod, nunjucks) is imported
// only when the command runs. The CLI runs as a user runs it, with a loader hook that records
// every module the process imports (bin/testing/record-imports.mjs).
const ROOT = path.resolve(import.meta.dirname, '..');
const SIM = path.join(ROOT, 'bin/sim.mjs');
const RECORD = path.join(ROOT, 'bin/testing/record-imports.mjs');

/** Packages (and project folders) that only running a command may load. */
const HEAVY = [
  'node_modules/@google-cloud/bigquery/',
  'node_modules/google-auth-library/',
  'node_modules/@google/genai/',
  'node_modules/vega/',
  'node_modules/vega-lite/',
  'node_modules/@duckdb/',
  'node_modules/@fivetrandevelopers/',
  'node_modules/@faker-js/',
  'node_modules/zod/',
  'node_modules/nunjucks/',
  'node_modules/yaml/',
  'node_modules/cli-progress/',
  'bin/actions/',
  'warehouse/bigquery/',
  'warehouse/duckdb/',
  'warehouse/docs/',
  'simulator/engine/',
];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-start-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `sim ARGS` in an empty folder; returns its output and the project-relative paths of every module it imported. */
function simTraced(...args: string[]) {
  const log = path.join(dir, `imports-${args.join('_').replace(/\W/g, '')}.log`);
  fs.rmSync(log, { force: true });
  const run = spawnSync(process.execPath, ['--import', RECORD, SIM, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, SIM_IMPORT_LOG: log, SIM_SCENARIO: '', SIM_SEED: '', SIM_SCALE: '' },
  });
  const urls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  const modules = [...new Set(urls.filter((u) => u.startsWith('file:')).map((u) => path.relative(ROOT, fileURLToPath(u.replace(/\?.*$/, '')))))];
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, modules };
}

const heavyIn = (modules: string[]) => modules.filter((m) => HEAVY.some((h) => m.startsWith(h)));

describe('CLI start: only the command that runs loads its dependencies', () => {
  it('sim --help lists every registered command and loads no engine, SDK or action module', () => {
    const run = simTraced('--help');
    expect(run.code).toBe(0);
    // the recorder works: it saw the CLI, every command definition and a package from node_modules
    expect(run.modules).toContain('bin/cli.ts');
    expect(run.modules).toContain('bin/commands/index.ts');
    expect(run.modules.some((m) => m.startsWith('node_modules/commander/'))).toBe(true);
    expect(heavyIn(run.modules)).toEqual([]);

    const names = buildProgram().commands.map((c) => c.name());
    expect(names.length).toBeGreaterThanOrEqual(15);
    const listed = run.stdout
      .split('\nCommands:\n')[1]
      .split('\n\n')[0]
      .split('\n')
      .filter((line) => /^ {2}\S/.test(line)) // a command's first line; descriptions wrap deeper
      .map((line) => line.trim().split(/[ |]/)[0]);
    expect(listed.filter((n) => n !== 'help').sort()).toEqual([...names].sort());
  });

  it('sim build --help shows every flag of sim build without loading the warehouse', () => {
    const run = simTraced('build', '--help');
    expect(run.code).toBe(0);
    const build = buildProgram().commands.find((c) => c.name() === 'build')!;
    expect(build.options.length).toBeGreaterThan(10);
    for (const option of build.options) expect(run.stdout).toContain(option.flags);
    expect(run.stdout).toContain('Examples:\n  sim build\n');
    expect(heavyIn(run.modules)).toEqual([]);
  });

  it('a bad flag is one line and exit 2 before anything heavy loads', () => {
    const run = simTraced('build', '--threads', '0');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("error: option '--threads <n>' argument '0' is invalid. --threads must be an integer from 1 to 64\n");
    expect(heavyIn(run.modules)).toEqual([]);
  });

  it('a bad scenario flag is one line and exit 2 before the pipeline (simulator, engines, Gemini) loads', () => {
    const run = simTraced('--seed', 'abc');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: invalid scenario field \'seed\' (from --seed): got "abc"; accepted: an integer from 0 to 4294967295\n');
    expect(run.modules).toContain('bin/actions/run.ts');
    expect(run.modules.filter((m) => m === 'bin/actions/pipeline.ts' || (m.startsWith('node_modules/') && !/^node_modules\/(commander|tsx|esbuild|zod|yaml)\//.test(m)))).toEqual([]);
  });

  it('running a command does load its action and what it needs (the check above can fail)', () => {
    const run = simTraced('scenario', '--print', '--scale', 'tiny', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ scale: 'tiny', seed: 42 });
    expect(heavyIn(run.modules)).toEqual(expect.arrayContaining(['bin/actions/scenario.ts', 'bin/actions/scenario-from-options.ts']));
    expect(heavyIn(run.modules).some((m) => m.startsWith('node_modules/zod/'))).toBe(true);
    // printing a scenario needs its schema, not the generator (faker's locales): that is --rows only
    expect(run.modules.filter((m) => m.startsWith('node_modules/@faker-js/') || m.startsWith('simulator/engine/'))).toEqual([]);
  });
});
