/**
 * One table row for a benchmark case run several times (`npm run bench -- --repeat N`): the run
 * with the median time (the suite's `rankBy` figure, else `seconds`; of an even number of runs,
 * the faster middle one), plus how many runs there were and the fastest and slowest.
 * Every figure of the row comes from that one run, so they stay consistent with each other.
 * @param {Array<Record<string, number | string>>} runs
 * @param {string} [rankBy] the figure that times a run
 * @returns {Record<string, number | string>}
 */
export function summariseRuns(runs, rankBy = 'seconds') {
  if (runs.length === 1) return runs[0];
  // Ranking by any other figure would pick an arbitrary run and call it the median
  if (typeof runs[0][rankBy] !== 'number') throw new Error(`the suite's runs have no '${rankBy}' figure to rank them by (set the suite's rankBy)`);
  const sorted = [...runs].sort((a, b) => Number(a[rankBy]) - Number(b[rankBy]));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return { ...median, runs: runs.length, [`${rankBy}_min`]: sorted[0][rankBy], [`${rankBy}_max`]: sorted[sorted.length - 1][rankBy] };
}
