import { cumulative } from '../rng/choice.ts';
import type { Scenario } from '../scenario/types.ts';

/**
 * The demand calendar of a world: one weight per day of the horizon (weekday x month x holiday
 * multipliers, normalised to mean 1) and a within-day hourly profile, both as cumulative tables.
 * `exposure(t)` is the cumulative demand up to time t (in "average days"), and `timeAt(c)` is its
 * inverse, so sorted uniform draws of exposure map to sorted order times that follow every
 * profile at once.
 */

export const DAY_SEC = 86_400;

/** Epoch seconds of 00:00 UTC of a YYYY-MM-DD date (parsing input, never the wall clock). */
export function dateToSec(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 1000;
}

/** Monday = 0 ... Sunday = 6, for epoch seconds. */
export function weekdayOf(sec: number): number {
  const day = Math.floor(sec / DAY_SEC);
  return (day + 3) % 7; // 1970-01-01 was a Thursday
}

/** Black Friday (the day after the fourth Thursday of November) as epoch seconds of its 00:00. */
export function blackFriday(year: number): number {
  const nov1 = Date.UTC(year, 10, 1) / 1000;
  const wd = weekdayOf(nov1); // Monday = 0, Thursday = 3
  const firstThursday = 1 + ((3 - wd + 7) % 7);
  return Date.UTC(year, 10, firstThursday + 21 + 1) / 1000;
}

export class Calendar {
  readonly startSec: number;
  readonly days: number;
  /** Exclusive end of the world: 00:00 of the day after end_date. */
  readonly horizonEndSec: number;
  /** Exclusive end of visibility: 00:00 of the day after as_of. */
  readonly asOfEndSec: number;
  /** Demand weight per day (mean 1 over the horizon). */
  readonly weight: Float64Array;
  /** cum[d] = weight[0] + ... + weight[d-1]; length days + 1. */
  readonly cum: Float64Array;
  /** Month (0..11) of each day. */
  readonly month: Uint8Array;
  /** Cumulative hourly profile, hourCum[0] = 0, hourCum[24] = 1. */
  readonly hourCum: Float64Array;

  constructor(scenario: Scenario) {
    this.startSec = dateToSec(scenario.start_date);
    this.horizonEndSec = dateToSec(scenario.end_date) + DAY_SEC;
    this.asOfEndSec = dateToSec(scenario.as_of) + DAY_SEC;
    this.days = Math.round((this.horizonEndSec - this.startSec) / DAY_SEC);
    const { day_of_week, month_of_year, hour_of_day, holidays } = scenario.demand;

    this.weight = new Float64Array(this.days);
    this.month = new Uint8Array(this.days);
    const special = new Map<number, number>();
    const firstYear = new Date(this.startSec * 1000).getUTCFullYear();
    const lastYear = new Date((this.horizonEndSec - 1) * 1000).getUTCFullYear();
    for (let y = firstYear; y <= lastYear; y++) {
      const bf = blackFriday(y);
      special.set(bf, holidays.black_friday);
      special.set(bf + 3 * DAY_SEC, holidays.cyber_monday);
      for (let k = 1; k <= holidays.pre_christmas_days; k++) special.set(Date.UTC(y, 11, 24 - k) / 1000, holidays.pre_christmas);
      special.set(Date.UTC(y, 11, 25) / 1000, holidays.christmas_day);
    }
    let total = 0;
    for (let d = 0; d < this.days; d++) {
      const sec = this.startSec + d * DAY_SEC;
      const m = new Date(sec * 1000).getUTCMonth();
      this.month[d] = m;
      const w = day_of_week[weekdayOf(sec)] * month_of_year[m] * (special.get(sec) ?? 1);
      this.weight[d] = w;
      total += w;
    }
    // A profile of zeros everywhere in a short horizon would leave no demand; fall back to flat.
    if (!(total > 0)) {
      this.weight.fill(1);
      total = this.days;
    }
    const mean = total / this.days;
    for (let d = 0; d < this.days; d++) this.weight[d] /= mean;
    this.cum = new Float64Array(this.days + 1);
    this.cum.set(cumulative(this.weight), 1);

    const hours = cumulative(hour_of_day);
    this.hourCum = new Float64Array(25);
    for (let h = 0; h < 24; h++) this.hourCum[h + 1] = hours[h] / hours[23];
  }

  /** Fraction of the day's demand that falls before time-of-day x (a fraction of 24 h). */
  hourCdf(x: number): number {
    const hx = x * 24;
    const h = Math.min(23, Math.floor(hx));
    return this.hourCum[h] + (hx - h) * (this.hourCum[h + 1] - this.hourCum[h]);
  }

  /** Inverse of hourCdf: the time of day (fraction of 24 h) at which `f` of the day's demand has passed. */
  hourInv(f: number): number {
    const hc = this.hourCum;
    // the hour h with hc[h] <= f < hc[h + 1]: the last h with hc[h] <= f (hc[24] = 1 > f)
    let lo = 0;
    let hi = 23;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (hc[mid] <= f) lo = mid;
      else hi = mid - 1;
    }
    const h = lo;
    const span = hc[h + 1] - hc[h];
    const within = span > 0 ? (f - hc[h]) / span : 0;
    return (h + Math.min(within, 0.999999)) / 24;
  }

  /** Cumulative demand (in average days) from the start of the horizon to epoch second t. */
  exposure(t: number): number {
    const rel = (t - this.startSec) / DAY_SEC;
    if (rel <= 0) return 0;
    if (rel >= this.days) return this.cum[this.days];
    const d = Math.floor(rel);
    return this.cum[d] + this.weight[d] * this.hourCdf(rel - d);
  }

  /** The epoch second (fractional) at which cumulative demand reaches c: the inverse of exposure. */
  timeAt(c: number): number {
    const cum = this.cum;
    if (c <= 0) return this.startSec;
    if (c >= cum[this.days]) return this.horizonEndSec;
    let lo = 0;
    let hi = this.days - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (cum[mid] <= c) lo = mid;
      else hi = mid - 1;
    }
    const w = this.weight[lo];
    const f = w > 0 ? (c - cum[lo]) / w : 0;
    return this.startSec + (lo + this.hourInv(Math.min(f, 0.9999999))) * DAY_SEC;
  }

  /** Day index (0-based from start_date) of epoch second t, clamped to the horizon. */
  dayIndex(t: number): number {
    const d = Math.floor((t - this.startSec) / DAY_SEC);
    return d < 0 ? 0 : d >= this.days ? this.days - 1 : d;
  }
}
