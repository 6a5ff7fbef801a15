/**
 * Weighted choice tables. `AliasTable` picks in O(1) from one uniform (Vose's alias method);
 * `searchCumulative` picks from a prefix of a cumulative table by binary search (used where the
 * candidate set grows over time, e.g. products launched so far).
 */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Uint32Array;
  readonly size: number;

  constructor(weights: ArrayLike<number>) {
    const { prob, alias } = buildAlias(weights);
    this.size = prob.length;
    this.prob = prob;
    this.alias = alias;
  }

  /** Picks an index from one uniform u in (0, 1). */
  pick(u: number): number {
    const x = u * this.size;
    const i = Math.floor(x);
    return x - i < this.prob[i] ? i : this.alias[i];
  }
}

/**
 * Vose's alias construction: slot i keeps i with probability prob[i] and otherwise gives
 * alias[i], so that a uniform slot and one coin draw index i with probability w[i] / sum(w).
 */
export function buildAlias(weights: ArrayLike<number>): { prob: Float64Array; alias: Uint32Array } {
  const n = weights.length;
  if (n === 0) throw new Error('AliasTable needs at least one weight');
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.max(0, weights[i]);
  if (!(total > 0)) throw new Error('AliasTable needs a positive total weight');
  const prob = new Float64Array(n);
  const alias = new Uint32Array(n);
  const scaled = new Float64Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    scaled[i] = (Math.max(0, weights[i]) * n) / total;
    (scaled[i] < 1 ? small : large).push(i);
  }
  while (small.length && large.length) {
    const s = small.pop()!;
    const l = large.pop()!;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1;
  return { prob, alias };
}

/** Builds the running sum of weights: cum[i] = w[0] + ... + w[i]. */
export function cumulative(weights: ArrayLike<number>): Float64Array {
  const cum = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    s += weights[i];
    cum[i] = s;
  }
  return cum;
}

/**
 * The smallest index i in [from, to) with cum[i] > target (the inverse CDF over a cumulative
 * table); `to - 1` if none (guards rounding at the top end).
 */
export function searchCumulative(cum: Float64Array, target: number, from: number, to: number): number {
  let lo = from;
  let hi = to - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
