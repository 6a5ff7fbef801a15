import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const SIM = resolve(import.meta.dirname, '../../bin/sim.mjs');

export interface SimResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `sim` CLI as a user would, in a child process, without blocking the test's event loop
 * (a loopback server in the test process must keep answering). The environment is the test's
 * minus every GEMINI_*, GOOGLE_* and SIM_* variable, plus `env`: a developer's own settings never
 * leak into a test.
 */
export function runSim(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<SimResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GEMINI_|GOOGLE_|SIM_)/.test(k)));
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [SIM, ...args], { cwd: options.cwd, env: { ...base, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}
