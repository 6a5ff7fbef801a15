import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summariseRuns } from './bench-summary.mjs';

describe('npm run bench -- --repeat N', () => {
  it('shows the run with the median time, whole, with the run count and the fastest and slowest', () => {
    const runs = [
      { case: 'large', seconds: 21.3, rows_per_s: 1_700_000, peak_rss_mib: 990 },
      { case: 'large', seconds: 18.4, rows_per_s: 1_970_000, peak_rss_mib: 1010 },
      { case: 'large', seconds: 19.5, rows_per_s: 1_860_000, peak_rss_mib: 950 },
    ];
    expect(summariseRuns(runs)).toEqual({ case: 'large', seconds: 19.5, rows_per_s: 1_860_000, peak_rss_mib: 950, runs: 3, seconds_min: 18.4, seconds_max: 21.3 });
    // of an even number, the faster middle run; a single run is shown as it is
    expect(summariseRuns(runs.slice(0, 2)).seconds).toBe(18.4);
    expect(summariseRuns([runs[0]])).toEqual(runs[0]);
    // a suite names the figure that times it (sim build: build_s, not the first number, the order count)
    const builds = [
      { case: 'large', orders: 10, overhead_s: 0.1, build_s: 61 },
      { case: 'large', orders: 10, overhead_s: 0.2, build_s: 57 },
      { case: 'large', orders: 10, overhead_s: 0.1, build_s: 59 },
    ];
    expect(summariseRuns(builds, 'build_s')).toEqual({ ...builds[2], runs: 3, build_s_min: 57, build_s_max: 61 });
    expect(() => summariseRuns(builds)).toThrow(/no 'seconds' figure to rank them by/);
  });

  it('refuses a run count that is not a whole number from 1 to 50, before running anything', () => {
    for (const bad of ['0', 'x', '2.5', '51']) {
      const run = spawnSync(process.execPath, [path.resolve(import.meta.dirname, 'bench.mjs'), 'land', '--repeat', bad], { encoding: 'utf8' });
      expect(run.status, bad).toBe(2);
      expect(run.stderr).toContain(`--repeat takes a whole number of runs from 1 to 50, got "${bad}"`);
      expect(run.stdout).toBe('');
    }
  });
});
