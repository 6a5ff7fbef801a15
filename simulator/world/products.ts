import { AliasTable, buildAlias, searchCumulative } from '../rng/choice.ts';
import { exponential, logNormal, normal, poisson, unit } from '../rng/distributions.ts';
import { keyBase, mix32, streamBase } from '../rng/hash.ts';
import { DAY_SEC, type Calendar } from '../calendar/calendar.ts';
import type { ProductCatalog } from '../catalog/types.ts';
import type { Scenario } from '../scenario/types.ts';

/**
 * The product range of a world, held in memory (it is small: at most a few tens of thousands of
 * products): launch times, categories, names, cost, the full price history, and per month the
 * popularity weights used to draw order lines (an alias table, and the cumulative table behind
 * its fallback).
 *
 * product_id = index + 1, ascending with launch time, so "products launched by t" is a prefix of
 * the id range.
 */
export interface ProductRange {
  count: number;
  launchSec: Float64Array;
  category: Uint16Array;
  costCents: Float64Array;
  name: string[];
  subcategory: string[];
  brand: string[];
  description: (string | null)[];
  /**
   * Price history: entries [priceStart[p], priceStart[p+1]), ascending in time. Entry k is the
   * pair (epoch second, cents) at prices[2k], prices[2k + 1]: a lookup reads one cache line.
   */
  priceStart: Uint32Array;
  prices: Float64Array;
  /** monthCum[m][p]: cumulative (popularity x category season of month m) over products 0..p. */
  monthCum: Float64Array[];
  /** monthCategory[m]: an alias table over the categories, each weighted by its total popularity x its season in month m. */
  monthCategory: AliasTable[];
  /** Per category, an alias table over its products by popularity (see pickProduct). */
  categoryDraw: ProductAlias;
  /** launchedByDayEnd[d]: products launched before the end of horizon day d (a starting point for launchedBy). */
  launchedByDayEnd: Uint32Array;
  /** Epoch second of the horizon's first day, for launchedByDayEnd. */
  startSec: number;
}

/**
 * One alias table per category over its products, weighted by popularity, all in one buffer:
 * slot i (of the category's range [start[c], start[c] + size[c])) is the record at 3i: the keep
 * probability (float32), the product index kept, and the product index of its alias. A draw
 * reads one record.
 */
export interface ProductAlias {
  start: Uint32Array;
  size: Uint32Array;
  keep: Float32Array;
  product: Uint32Array;
}

function categoryAliases(popularity: Float64Array, category: Uint16Array, categories: number): ProductAlias {
  const members: number[][] = Array.from({ length: categories }, () => []);
  for (let p = 0; p < category.length; p++) members[category[p]].push(p);
  const buffer = new ArrayBuffer(category.length * 12);
  const table: ProductAlias = { start: new Uint32Array(categories), size: new Uint32Array(categories), keep: new Float32Array(buffer), product: new Uint32Array(buffer) };
  let at = 0;
  members.forEach((ids, c) => {
    table.start[c] = at;
    table.size[c] = ids.length;
    if (ids.length === 0) return;
    const { prob, alias } = buildAlias(ids.map((p) => popularity[p]));
    for (let i = 0; i < ids.length; i++) {
      table.keep[3 * (at + i)] = prob[i];
      table.product[3 * (at + i) + 1] = ids[i];
      table.product[3 * (at + i) + 2] = ids[alias[i]];
    }
    at += ids.length;
  });
  return table;
}

/** Alias draws tried before a draw falls back to the binary search (only when few products are launched). */
const MAX_ALIAS_DRAWS = 8;

/**
 * Draws a product among those launched (ids 0..launched-1) with weight popularity x season of
 * month m, from the 32-bit hash h. The weight factors into the category's share in month m (its
 * total popularity x its season) and the product's share of its category (popularity alone),
 * so a draw is a category from a small per-month table, then a product from that category's
 * month-independent table: the tables a line reads stay in cache, where one table over every
 * product per month did not (12 x 8 bytes x products). Rejection sampling: the pair is redrawn
 * (from the rehashed h) while it lands on a product not launched yet, which gives exactly the
 * weights restricted to the launched prefix. After MAX_ALIAS_DRAWS misses (early in a horizon
 * that launches most products late) it inverts the prefix's cumulative weights instead, which
 * draws from the same distribution.
 */
export function pickProduct(range: ProductRange, m: number, launched: number, h: number): number {
  const categories = range.monthCategory[m];
  const table = range.categoryDraw;
  for (let k = 0; k < MAX_ALIAS_DRAWS; k++) {
    const c = categories.pick((h + 0.5) / 4294967296);
    const x = ((mix32((h ^ 0x85ebca6b) >>> 0) + 0.5) / 4294967296) * table.size[c];
    const i = Math.floor(x);
    const slot = 3 * (table.start[c] + i);
    const p = x - i < table.keep[slot] ? table.product[slot + 1] : table.product[slot + 2];
    if (p < launched) return p;
    h = mix32((h + 0x9e3779b9) >>> 0);
  }
  const cum = range.monthCum[m];
  return searchCumulative(cum, ((h + 0.5) / 4294967296) * cum[launched - 1], 0, launched);
}

/** Rounds a price to shop-like endings (x.99, x.49) in cents. */
export function charmCents(price: number): number {
  if (price >= 20) return Math.round(price) * 100 - 1;
  if (price >= 2) return Math.round(price * 2) * 50 - 1;
  return Math.max(49, Math.round(price * 100));
}

// Field numbers of the 'product' stream.
const F_CATEGORY = 0, F_LAUNCH = 1, F_PRICE = 2, F_MARGIN = 3, F_SUB = 4, F_BRAND = 5, F_ADJ = 6, F_NOUN = 7, F_DESC = 8, F_CHANGES = 9, F_SHUFFLE = 10;
const F_CHANGE_GAP = 100, F_CHANGE_FACTOR = 400;

export function buildProducts(scenario: Scenario, calendar: Calendar, catalog: ProductCatalog): ProductRange {
  const n = scenario.products;
  const b = scenario.behaviour;
  const base = streamBase(scenario.seed, 'product');
  const cats = scenario.categories;
  const catAlias = new AliasTable(cats.map((c) => c.share));

  // Launches: an initial range spread over the year before start, the rest over the horizon.
  const initial = Math.max(1, Math.round(n * b.initial_product_share));
  const launchSec = new Float64Array(n);
  const preSpan = 365 * DAY_SEC;
  const horizon = calendar.horizonEndSec - calendar.startSec;
  for (let p = 0; p < n; p++) {
    const kb = keyBase(base, p);
    const jitter = unit(kb, F_LAUNCH);
    launchSec[p] =
      p < initial
        ? Math.floor(calendar.startSec - preSpan + ((p + jitter) / initial) * preSpan)
        : Math.floor(calendar.startSec + ((p - initial + jitter) / Math.max(1, n - initial)) * horizon);
  }

  // Zipf popularity: a seeded shuffle of ranks (Fisher–Yates driven by the counter hash).
  const rank = new Uint32Array(n);
  for (let i = 0; i < n; i++) rank[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(unit(keyBase(base, i), F_SHUFFLE) * (i + 1));
    const t = rank[i];
    rank[i] = rank[j];
    rank[j] = t;
  }

  const category = new Uint16Array(n);
  const costCents = new Float64Array(n);
  const name: string[] = new Array(n);
  const subcategory: string[] = new Array(n);
  const brand: string[] = new Array(n);
  const description: (string | null)[] = new Array(n);
  const priceStart = new Uint32Array(n + 1);
  const secs: number[] = [];
  const cents: number[] = [];

  for (let p = 0; p < n; p++) {
    const kb = keyBase(base, p);
    const ci = catAlias.pick(unit(kb, F_CATEGORY));
    const cat = cats[ci];
    category[p] = ci;
    const vocab = catalog.categories[cat.name];
    const sub = vocab.subcategories[Math.floor(unit(kb, F_SUB) * vocab.subcategories.length)];
    const noun = sub.nouns[Math.floor(unit(kb, F_NOUN) * sub.nouns.length)];
    const br = vocab.brands[Math.floor(unit(kb, F_BRAND) * vocab.brands.length)];
    const adj = vocab.adjectives[Math.floor(unit(kb, F_ADJ) * vocab.adjectives.length)];
    const productName = `${br} ${adj} ${noun}`;
    name[p] = productName;
    subcategory[p] = sub.name;
    brand[p] = br;
    description[p] = vocab.descriptions.length
      ? vocab.descriptions[Math.floor(unit(kb, F_DESC) * vocab.descriptions.length)]
          .replaceAll('{name}', productName)
          .replaceAll('{brand}', br)
          .replaceAll('{adjective}', adj)
          .replaceAll('{noun}', noun)
          .replaceAll('{subcategory}', sub.name)
          .replaceAll('{category}', cat.name)
      : null;

    const launchPrice = logNormal(kb, F_PRICE, cat.price_median, cat.price_sigma);
    let current = charmCents(launchPrice);
    const margin = Math.min(0.95, Math.max(0.02, cat.margin + 0.08 * normal(kb, F_MARGIN)));
    costCents[p] = Math.max(1, Math.round(current * (1 - margin)));

    // Price history: the launch price, then changes as a Poisson process up to the horizon end.
    priceStart[p] = secs.length;
    secs.push(launchSec[p]);
    cents.push(current);
    const lifeYears = (calendar.horizonEndSec - launchSec[p]) / (365 * DAY_SEC);
    const changes = poisson(kb, F_CHANGES, b.price_changes_per_year * lifeYears);
    const meanGap = (calendar.horizonEndSec - launchSec[p]) / (changes + 1);
    let t = launchSec[p];
    for (let k = 0; k < changes && k < 250; k++) {
      t += Math.max(DAY_SEC, exponential(kb, F_CHANGE_GAP + k, meanGap));
      if (t >= calendar.horizonEndSec) break;
      // Changes move around the list price but never below cost + 5% (a shop does not sell at a loss).
      const floor = Math.ceil((costCents[p] * 1.05) / 100) * 100 - 1;
      const next = Math.max(floor, charmCents((current / 100) * Math.exp(b.price_change_sigma * normal(kb, F_CHANGE_FACTOR + k))));
      if (next === current) continue;
      current = next;
      secs.push(Math.floor(t));
      cents.push(current);
    }
  }
  priceStart[n] = secs.length;

  // Weights: popularity (Zipf over the shuffled ranks) x the category's season of the month.
  const popularity = new Float64Array(n);
  for (let p = 0; p < n; p++) popularity[p] = Math.pow(rank[p] + 1, -b.popularity_zipf);
  // A season floor of 1e-12 keeps a month in which every category is out of season drawable
  // (by popularity). It goes into the season, not onto each product's weight, so the weights
  // still factor into category x product and both draw paths stay exact.
  const EPSILON = 1e-12;
  const categoryPopularity = new Float64Array(cats.length);
  for (let p = 0; p < n; p++) categoryPopularity[category[p]] += popularity[p];
  const monthCum: Float64Array[] = [];
  const monthCategory: AliasTable[] = [];
  for (let m = 0; m < 12; m++) {
    const cum = new Float64Array(n);
    let s = 0;
    for (let p = 0; p < n; p++) {
      s += popularity[p] * (cats[category[p]].season[m] + EPSILON);
      cum[p] = s;
    }
    monthCum.push(cum);
    monthCategory.push(new AliasTable(cats.map((c, ci) => categoryPopularity[ci] * (c.season[m] + EPSILON))));
  }
  const categoryDraw = categoryAliases(popularity, category, cats.length);

  const launchedByDayEnd = new Uint32Array(calendar.days);
  let launchedCount = 0;
  for (let d = 0; d < calendar.days; d++) {
    const dayEnd = calendar.startSec + (d + 1) * DAY_SEC;
    while (launchedCount < n && launchSec[launchedCount] < dayEnd) launchedCount++;
    launchedByDayEnd[d] = launchedCount;
  }

  return {
    count: n,
    launchedByDayEnd,
    startSec: calendar.startSec,
    launchSec,
    category,
    costCents,
    name,
    subcategory,
    brand,
    description,
    priceStart,
    prices: Float64Array.from(secs.flatMap((sec, k) => [sec, cents[k]])),
    monthCum,
    monthCategory,
    categoryDraw,
  };
}

/** Number of products launched at or before epoch second t (products ascend with launch). */
export function launchedBy(range: ProductRange, t: number): number {
  const a = range.launchSec;
  const day = Math.floor((t - range.startSec) / DAY_SEC);
  if (day >= 0 && day < range.launchedByDayEnd.length) {
    // Start from the day's end count and step back over the (few) launches later that day.
    let n = range.launchedByDayEnd[day];
    while (n > 0 && a[n - 1] > t) n--;
    return n;
  }
  let lo = 0;
  let hi = range.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Price (cents) of product p at epoch second t: the latest history entry at or before t. */
export function priceAt(range: ProductRange, p: number, t: number): number {
  const prices = range.prices;
  const end = range.priceStart[p + 1];
  let i = range.priceStart[p];
  while (i + 1 < end && prices[2 * i + 2] <= t) i++;
  return prices[2 * i + 1];
}

