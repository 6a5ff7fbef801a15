/**
 * A benchmark suite: a file `bench/<name>.bench.ts` whose default export is a BenchSuite.
 * `npm run bench` finds every such file and runs each case in its own process (so peak RSS is
 * per case and one case's heap never flatters the next), then prints one table per suite.
 * To add a section (e.g. `sim build`), add a file; nothing else needs to change.
 */
export interface BenchSuite {
  /** Title printed above the suite's table. */
  title: string;
  /** The figure that times a run, by which `--repeat N` picks the median run (default `seconds`). */
  rankBy?: string;
  /** Case names in run order (e.g. scales); `--cases a,b` picks some. */
  cases: readonly string[];
  /** Runs one case and returns the figures to print (numbers are formatted with separators). */
  run(caseName: string): Promise<Record<string, number | string>>;
}

export function peakRssMiB(): number {
  // maxRSS is in KiB on Linux
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
