import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runSim } from './run-sim.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('the sim CLI shell', () => {
  it('prints its version', async () => {
    const result = await runSim(['--version'], { cwd: tmpdir() });
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('refuses an unknown flag in one line, exit 2', async () => {
    const result = await runSim(['--seed', '42', '--bogus'], { cwd: tmpdir() });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(["error: unknown option '--bogus'"]);
  });

  it('lists every command with examples in --help', async () => {
    const result = await runSim(['--help'], { cwd: tmpdir() });
    expect(result.code).toBe(0);
    for (const command of ['run', 'build', 'test', 'compile', 'ls', 'show', 'check', 'reconcile', 'scenario', 'step', 'retry', 'history', 'airflow', 'init', 'docs']) {
      expect(result.stdout).toMatch(new RegExp(`\\n  ${command}[ |]`));
    }
    expect(result.stdout).toContain('sim --seed 42');
  });
});
