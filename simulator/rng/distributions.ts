import { fieldHash, unit } from './hash.ts';

/**
 * Distributions drawn from the counter hash. Each takes the entity's key base `kb` and the
 * first field number it may use; samplers that need several uniforms (gamma's rejection loop)
 * use consecutive fields from there, documented per function, so callers space their fields.
 */

export { unit };

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalInv(p: number): number {
  const a1 = -39.69683028665376, a2 = 220.9460984245205, a3 = -275.9285104469687;
  const a4 = 138.357751867269, a5 = -30.66479806614716, a6 = 2.506628277459239;
  const b1 = -54.47609879822406, b2 = 161.5858368580409, b3 = -155.6989798598866;
  const b4 = 66.80131188771972, b5 = -13.28068155288572;
  const c1 = -0.007784894002430293, c2 = -0.3223964580411365, c3 = -2.400758277161838;
  const c4 = -2.549732539343734, c5 = 4.374664141464968, c6 = 2.938163982698783;
  const d1 = 0.007784695709041462, d2 = 0.3224671290700398, d3 = 2.445134137142996, d4 = 3.754408661907416;
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  }
  if (p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) * q) / (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1);
}

/** Standard normal from one field. */
export function normal(kb: number, field: number): number {
  return normalInv(unit(kb, field));
}

/** Exponential with the given mean, one field. */
export function exponential(kb: number, field: number, mean: number): number {
  return -Math.log(unit(kb, field)) * mean;
}

/** Log-normal with the given median and sigma (of the log), one field. */
export function logNormal(kb: number, field: number, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(kb, field));
}

/**
 * Gamma(shape, scale) by Marsaglia–Tsang with counters: attempt k uses fields
 * field + 2k (normal) and field + 2k + 1 (uniform); shape < 1 boosts with one more uniform at
 * field + 63. Uses fields [field, field + 63].
 */
export function gamma(kb: number, field: number, shape: number, scale: number): number {
  let boost = 1;
  let a = shape;
  if (a < 1) {
    boost = Math.pow(unit(kb, field + 63), 1 / a);
    a += 1;
  }
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (let k = 0; k < 31; k++) {
    const x = normal(kb, field + 2 * k);
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = unit(kb, field + 2 * k + 1);
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale * boost;
  }
  return d * scale * boost; // the acceptance rate is > 95%: 31 rejections in a row never happen in practice
}

/**
 * Poisson(mean) from one uniform: inversion for small means, a continuity-corrected normal
 * approximation above 40 (the error there is far below the model's own uncertainty).
 */
export function poisson(kb: number, field: number, mean: number): number {
  if (mean <= 0) return 0;
  const u = unit(kb, field);
  if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normalInv(u)));
  let p = Math.exp(-mean);
  let cdf = p;
  let k = 0;
  while (u > cdf && k < 1000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/**
 * The constant of `countAtLeastOne` for a mean: log(1 - 1/mean), or -Infinity for a mean of 1 or
 * less (every count is then 1). Computed once per mean: a second logarithm per draw cost about
 * as much as the draw.
 */
export function atLeastOneLogQ(mean: number): number {
  return mean <= 1 ? -Infinity : Math.log(1 - 1 / mean);
}

/** 1 + Geometric: counts >= 1 with the mean whose `atLeastOneLogQ` is `logQ`, capped; one field. */
export function countAtLeastOne(kb: number, field: number, logQ: number, cap: number): number {
  const k = 1 + Math.floor(Math.log(unit(kb, field)) / logQ);
  return k > cap ? cap : k;
}

/** An integer in [0, n) from one field (n < 2^32). */
export function intBelow(kb: number, field: number, n: number): number {
  return Math.floor((fieldHash(kb, field) / 4294967296) * n);
}
