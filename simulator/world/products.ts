import { AliasTable, searchCumulative } from '../rng/choice.ts';
import { exponential, logNormal, normal, poisson, unit } from '../rng/distributions.ts';
import { keyBase, streamBase } from '../rng/hash.ts';
import { DAY_SEC, type Calendar } from '../calendar/calendar.ts';
import type { ProductCatalog } from '../catalog/types.ts';
import type { Scenario } from '../scenario/types.ts';

/**
 * The product range of a world, held in memory (it is small: at most a few tens of thousands of
 * products): launch times, categories, names, cost, the full price history, and per month a
 * cumulative popularity table used to draw order lines.
 *
 * product_id = index + 1, ascending with launch time, so "products launched by t" is a prefix of
 * the id range and a draw among them is a binary search in a prefix of a cumulative table.
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
  /** Price history: entries [priceStart[p], priceStart[p+1]) of priceSec/priceCents, ascending in time. */
  priceStart: Uint32Array;
  priceSec: Float64Array;
  priceCents: Float64Array;
  /** monthCum[m][p]: cumulative (popularity x category season of month m) over products 0..p. */
  monthCum: Float64Array[];
  /** monthGuide[m][k]: the first product p with monthCum[m][p] > k/GUIDE_BUCKETS of the total (narrows the search). */
  monthGuide: Uint32Array[];
  /** launchedByDayEnd[d]: products launched before the end of horizon day d (a starting point for launchedBy). */
  launchedByDayEnd: Uint32Array;
  /** Epoch second of the horizon's first day, for launchedByDayEnd. */
  startSec: number;
}

const GUIDE_BUCKETS = 1024;

/**
 * Draws a product among those launched (ids 0..launched-1) with weight popularity x season of
 * month m, from one uniform u: the inverse CDF over the prefix of the month's cumulative table.
 * The guide table narrows the binary search to a bucket (widened by one on each side against
 * rounding), which keeps it in cache for large ranges; the result equals a full binary search.
 */
export function pickProduct(range: ProductRange, m: number, launched: number, u: number): number {
  const cum = range.monthCum[m];
  const guide = range.monthGuide[m];
  const target = u * cum[launched - 1];
  const k = Math.floor((target / cum[range.count - 1]) * GUIDE_BUCKETS);
  let lo = guide[k > 0 ? k - 1 : 0];
  let hi = k + 2 <= GUIDE_BUCKETS ? guide[k + 2] + 1 : launched;
  if (hi > launched) hi = launched;
  if (lo >= hi) lo = 0;
  return searchCumulative(cum, target, lo, hi);
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

  const monthCum: Float64Array[] = [];
  for (let m = 0; m < 12; m++) {
    const cum = new Float64Array(n);
    let s = 0;
    for (let p = 0; p < n; p++) {
      s += Math.pow(rank[p] + 1, -b.popularity_zipf) * cats[category[p]].season[m] + 1e-12;
      cum[p] = s;
    }
    monthCum.push(cum);
  }
  const monthGuide = monthCum.map((cum) => {
    const guide = new Uint32Array(GUIDE_BUCKETS + 1);
    const total = cum[n - 1];
    let p = 0;
    for (let k = 0; k <= GUIDE_BUCKETS; k++) {
      const edge = (k / GUIDE_BUCKETS) * total;
      while (p < n - 1 && cum[p] <= edge) p++;
      guide[k] = p;
    }
    return guide;
  });

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
    priceSec: Float64Array.from(secs),
    priceCents: Float64Array.from(cents),
    monthCum,
    monthGuide,
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
  const end = range.priceStart[p + 1];
  let i = range.priceStart[p];
  while (i + 1 < end && range.priceSec[i + 1] <= t) i++;
  return range.priceCents[i];
}

