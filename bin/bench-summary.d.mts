/** See bench-summary.mjs. */
export function summariseRuns(runs: Array<Record<string, number | string>>): Record<string, number | string>;
