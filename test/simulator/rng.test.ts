import { describe, expect, it } from 'vitest';
import { Calendar } from '../../simulator/calendar/calendar.ts';
import { builtinCatalog } from '../../simulator/index.ts';
import { AliasTable, cumulative, searchCumulative } from '../../simulator/rng/choice.ts';
import { gamma, normalInv, poisson } from '../../simulator/rng/distributions.ts';
import { h32, keyBase, streamBase } from '../../simulator/rng/hash.ts';
import { buildProducts, launchedBy, pickProduct } from '../../simulator/world/products.ts';
import { scenarioOf } from './helpers.ts';

describe('counter-based RNG', () => {
  it('is a pure function of (seed, stream, key, field) and spreads them apart', () => {
    expect(h32(42, 'order', 7, 3)).toBe(h32(42, 'order', 7, 3));
    const values = new Set([h32(42, 'order', 7, 3), h32(43, 'order', 7, 3), h32(42, 'item', 7, 3), h32(42, 'order', 8, 3), h32(42, 'order', 7, 4)]);
    expect(values.size).toBe(5);
  });

  it('distributions have the right moments', () => {
    const base = streamBase(1, 'test');
    const n = 40_000;
    let g = 0;
    let g2 = 0;
    let p = 0;
    for (let i = 0; i < n; i++) {
      const kb = keyBase(base, i);
      const x = gamma(kb, 0, 0.6, 2 / 0.6); // mean 2, variance 0.6 * (2/0.6)^2
      g += x;
      g2 += x * x;
      p += poisson(kb, 100, 3.5);
    }
    expect(g / n).toBeCloseTo(2, 1);
    expect(g2 / n - (g / n) ** 2).toBeGreaterThan(6.67 * 0.9);
    expect(g2 / n - (g / n) ** 2).toBeLessThan(6.67 * 1.1);
    expect(p / n).toBeCloseTo(3.5, 1);
    expect(normalInv(0.975)).toBeCloseTo(1.959964, 5);
  });

  it('alias tables pick in proportion to their weights', () => {
    const table = new AliasTable([1, 0, 3, 6]);
    const counts = [0, 0, 0, 0];
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[table.pick((i + 0.5) / n)]++;
    expect(counts.map((c) => Math.round((c / n) * 10))).toEqual([1, 0, 3, 6]);
  });
});

describe('product draws', () => {
  it('draws among the launched products with their weights (alias draws, redrawn past the launched prefix)', () => {
    const scenario = scenarioOf({ seed: 5, products: 20_000 });
    const range = buildProducts(scenario, new Calendar(scenario), builtinCatalog(scenario));
    // Whole range, most of it, a few hundred (mostly redraws) and three (the binary-search fallback).
    expectDrawsFollowWeights(range, [[0, range.count], [6, 12_000], [11, 300], [3, 3]]);
  });

  it('draws by popularity in a month when every category is out of season', () => {
    const scenario = scenarioOf({ seed: 5, products: 2_000 });
    for (const category of scenario.categories) category.season[0] = 0;
    const range = buildProducts(scenario, new Calendar(scenario), builtinCatalog(scenario));
    const cum = range.monthCum[0];
    // the exact weights are then popularity alone: the draws must follow them on both paths
    expect(cum[range.count - 1]).toBeGreaterThan(0);
    expectDrawsFollowWeights(range, [[0, range.count], [0, 300], [0, 3]]);
  });

  it('launchedBy from the per-day table equals a scan of the launch times', () => {
    const scenario = scenarioOf({ seed: 5, products: 20_000 });
    const range = buildProducts(scenario, new Calendar(scenario), builtinCatalog(scenario));
    // launchedBy from the per-day table equals a scan of the launch times
    const launches = Array.from(range.launchSec);
    for (let t = range.startSec - 86_400 * 30; t < range.startSec + 86_400 * 800; t += 86_400 * 3 + 7919) {
      expect(launchedBy(range, t)).toBe(launches.filter((l) => l <= t).length);
    }
  });

  it('cumulative tables are running sums', () => {
    expect(Array.from(cumulative([1, 2, 3]))).toEqual([1, 3, 6]);
  });
});

/** Draws of pickProduct against the exact weights (monthCum) in 40 bins of equal expected mass. */
function expectDrawsFollowWeights(range: ReturnType<typeof buildProducts>, cases: [number, number][]): void {
  const draws = 200_000;
  for (const [month, launched] of cases) {
    const cum = range.monthCum[month];
    const total = cum[launched - 1];
    const bins = 40;
    const edges = Array.from({ length: bins }, (_, b) => searchCumulative(cum, ((b + 1) / bins) * total, 0, launched));
    const binOf = (p: number) => edges.findIndex((e) => p <= e);
    const counts = new Array(bins).fill(0);
    const expected = new Array(bins).fill(0);
    for (let p = 0; p < launched; p++) expected[binOf(p)] += (cum[p] - (p > 0 ? cum[p - 1] : 0)) / total;
    for (let i = 0; i < draws; i++) {
      const p = pickProduct(range, month, launched, h32(5, 'draw', i, launched));
      if (!(p >= 0 && p < launched)) expect({ launched, p }).toEqual({ launched, p: 'within the launched prefix' });
      counts[binOf(p)]++;
    }
    for (let b = 0; b < bins; b++) {
      const sd = Math.sqrt(draws * expected[b] * (1 - expected[b]));
      expect(Math.abs(counts[b] - draws * expected[b]), `month ${month}, launched ${launched}, bin ${b}`).toBeLessThanOrEqual(5 * sd + 1);
    }
    // a pure function of its inputs
    expect(pickProduct(range, month, launched, 123_456_789)).toBe(pickProduct(range, month, launched, 123_456_789));
  }
}
