import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeRunArtifacts } from './history.ts';
import type { RunReport, StepReport } from './report.ts';
import { planRetry } from './retry.ts';

let target: string;
beforeEach(() => {
  target = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-retry-'));
});
afterEach(() => fs.rmSync(target, { recursive: true, force: true }));

function report(runId: string, status: RunReport['status'], steps: StepReport[], error?: string): RunReport {
  return { runId, command: 'run', status, exitCode: 0, target: 'duckdb', warehouse: 'w.duckdb', startedAt: '', seconds: 1, scenario: { seed: 1 }, steps, skipped: [], ...(error ? { error } : {}) };
}

function runResults(results: Array<[string, string]>): void {
  fs.writeFileSync(path.join(target, 'run_results.json'), JSON.stringify({ results: results.map(([unique_id, status]) => ({ unique_id, status })) }));
}

const landed: StepReport = { id: 'generate+land', status: 'success', seconds: 1, nodes: [] };

describe('planRetry', () => {
  it('re-runs the whole pipeline when the last landing did not commit', () => {
    writeRunArtifacts(target, report('0001', 'success', [landed]));
    writeRunArtifacts(target, report('0002', 'error', [], 'disk full'));
    const plan = planRetry(target);
    expect(plan.kind).toBe('pipeline');
    expect(plan.last.runId).toBe('0002');
  });

  it('re-runs only failed, errored and skipped nodes when the landing committed', () => {
    writeRunArtifacts(target, report('0001', 'failed', [landed]));
    runResults([
      ['model.p.a', 'success'],
      ['test.p.t1', 'pass'],
      ['test.p.t2', 'fail'],
      ['model.p.b', 'error'],
      ['model.p.c', 'skipped'],
      ['test.p.t3', 'warn'],
    ]);
    const plan = planRetry(target);
    expect(plan.kind === 'nodes' && [...plan.ids].sort()).toEqual(['model.p.b', 'model.p.c', 'test.p.t2']);
  });

  it('has nothing to do after a success, and says so without a previous run', () => {
    writeRunArtifacts(target, report('0001', 'success', [landed]));
    expect(planRetry(target).kind).toBe('nothing');
    fs.rmSync(path.join(target, 'runs'), { recursive: true });
    expect(() => planRetry(target)).toThrow(/no previous run in .*runs; run `sim --seed 42` first/);
  });
});
