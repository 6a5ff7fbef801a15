/** See bench-summary.mjs. */
export function summariseRuns(runs: Array<Record<string, number | string>>, rankBy?: string): Record<string, number | string>;
