/**
 * One table row for a benchmark case run several times (`npm run bench -- --repeat N`): the run
 * with the median `seconds` (the first numeric figure if a suite has none; of an even number of
 * runs, the faster middle one), plus how many runs there were and the fastest and slowest.
 * Every figure of the row comes from that one run, so they stay consistent with each other.
 * @param {Array<Record<string, number | string>>} runs
 * @returns {Record<string, number | string>}
 */
export function summariseRuns(runs) {
  if (runs.length === 1) return runs[0];
  const key = 'seconds' in runs[0] ? 'seconds' : Object.keys(runs[0]).find((k) => typeof runs[0][k] === 'number');
  if (key === undefined) return { ...runs[0], runs: runs.length };
  const sorted = [...runs].sort((a, b) => Number(a[key]) - Number(b[key]));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return { ...median, runs: runs.length, [`${key}_min`]: sorted[0][key], [`${key}_max`]: sorted[sorted.length - 1][key] };
}
