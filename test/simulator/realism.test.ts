import { beforeAll, describe, expect, it } from 'vitest';
import { Calendar, weekdayOf, blackFriday } from '../../simulator/calendar/calendar.ts';
import { builtinCatalog, simulate } from '../../simulator/index.ts';
import { emptyProfile, World } from '../../simulator/world/world.ts';
import { land, scenarioOf, type Landed, MICROS_PER_DAY } from './helpers.ts';

/**
 * Realism as statistics with tolerances, on a 40,000-customer world (about 90,000 orders,
 * well under a second to generate). Tolerances are a few standard errors wide.
 */
const scenario = scenarioOf({ seed: 11, customers: 40_000, products: 800 });
let landed: Landed;

beforeAll(async () => {
  landed = await land(scenario);
});

const micros = (v: unknown) => v as number;

/** Orders on Black Friday 2025 over the daily mean of the 14 days before it. */
function blackFridayRatio(l: Landed): number {
  const bf = blackFriday(2025) * 1e6;
  let onBf = 0;
  let before = 0;
  for (const o of l.tables.orders) {
    const t = micros(o.order_ts);
    if (t >= bf && t < bf + MICROS_PER_DAY) onBf++;
    else if (t >= bf - 14 * MICROS_PER_DAY && t < bf) before++;
  }
  return onBf / (before / 14);
}

describe('demand profiles', () => {
  it('weekend/weekday order ratio follows the day-of-week profile (within 4%, outside the holiday season)', () => {
    // Per weekday: orders per calendar day of that weekday, January to October (November and
    // December carry Black Friday, Cyber Monday and Christmas, which sit on fixed weekdays).
    const inSeason = (sec: number) => new Date(sec * 1000).getUTCMonth() < 10;
    const orders = new Array(7).fill(0);
    for (const o of landed.tables.orders) {
      const sec = micros(o.order_ts) / 1e6;
      if (inSeason(sec)) orders[weekdayOf(sec)]++;
    }
    const days = new Array(7).fill(0);
    const cal = new Calendar(scenario);
    for (let d = 0; d < cal.days; d++) {
      const sec = cal.startSec + d * 86_400;
      if (inSeason(sec)) days[weekdayOf(sec)]++;
    }
    const perDay = orders.map((n, i) => n / days[i]);
    const weekend = (perDay[5] + perDay[6]) / 2;
    const weekday = (perDay[0] + perDay[1] + perDay[2] + perDay[3] + perDay[4]) / 5;
    const p = scenario.demand.day_of_week;
    const configured = (p[5] + p[6]) / 2 / ((p[0] + p[1] + p[2] + p[3] + p[4]) / 5);
    expect(weekend / weekday / configured).toBeGreaterThan(0.96);
    expect(weekend / weekday / configured).toBeLessThan(1.04);
  });

  it('hour-of-day shares follow the hourly profile (each within 0.6 percentage points)', () => {
    const perHour = new Array(24).fill(0);
    const orders = landed.tables.orders;
    for (const o of orders) perHour[Math.floor((micros(o.order_ts) / 3.6e9) % 24)]++;
    const p = scenario.demand.hour_of_day;
    const total = p.reduce((a, b) => a + b, 0);
    for (let h = 0; h < 24; h++) expect(Math.abs(perHour[h] / orders.length - p[h] / total), `hour ${h}`).toBeLessThan(0.006);
    // evening peak vs night trough, as configured (about 15x)
    expect(perHour[20] / perHour[4]).toBeGreaterThan(8);
  });

  it('Black Friday spikes against the two weeks before it', () => {
    const ratio = blackFridayRatio(landed);
    // configured 3.2x (November also carries the month multiplier on both sides)
    expect(ratio).toBeGreaterThan(2.4);
    expect(ratio).toBeLessThan(4.2);
  });

  it('the spike is configuration, not hard-coded: black_friday 1 removes it', async () => {
    const flat = await land(scenarioOf({ seed: 11, customers: 8_000, products: 200, demand: { holidays: { black_friday: 1, cyber_monday: 1 } } }));
    expect(blackFridayRatio(flat)).toBeLessThan(1.8);
  });
});

describe('customers', () => {
  it('the top 20% of buying customers bring 55-75% of revenue (Pareto-like; about 62% by default)', () => {
    const revenue = new Map<number, number>();
    for (const o of landed.tables.orders) revenue.set(o.customer_id as number, (revenue.get(o.customer_id as number) ?? 0) + (o.order_total as number));
    const sorted = [...revenue.values()].sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    const top = sorted.slice(0, Math.round(sorted.length * 0.2)).reduce((a, b) => a + b, 0);
    expect(top / total).toBeGreaterThan(0.55);
    expect(top / total).toBeLessThan(0.75);
  });

  it('mean orders per customer and the repeat-purchase rate match the gamma-Poisson (NBD) parameters', () => {
    // Expected values from the closed-form negative binomial over each customer's exposure;
    // the generator instead samples a gamma rate and a Poisson count, so this checks the sampler.
    const world = new World(scenario, builtinCatalog(scenario));
    const b = scenario.behaviour;
    const k = b.purchase_rate_shape;
    const p = b.first_order_probability;
    const profile = emptyProfile();
    let expectedOrders = 0;
    let expectedBuyers = 0;
    let expectedRepeaters = 0;
    for (let i = 0; i < scenario.customers; i++) {
      world.profile(i, profile);
      const theta = (b.purchase_rate_per_year / k) * (profile.exposure / 365);
      const p0 = Math.pow(1 + theta, -k);
      const p1 = k * (theta / (1 + theta)) * p0;
      expectedOrders += p + b.purchase_rate_per_year * (profile.exposure / 365);
      expectedBuyers += 1 - (1 - p) * p0;
      expectedRepeaters += 1 - (1 - p) * p0 - p * p0 - (1 - p) * p1;
    }
    const perCustomer = new Map<number, number>();
    for (const o of landed.tables.orders) perCustomer.set(o.customer_id as number, (perCustomer.get(o.customer_id as number) ?? 0) + 1);
    const buyers = perCustomer.size;
    const repeaters = [...perCustomer.values()].filter((n) => n >= 2).length;
    const meanOrders = landed.tables.orders.length / landed.tables.customers.length;
    expect(meanOrders / (expectedOrders / scenario.customers)).toBeGreaterThan(0.97);
    expect(meanOrders / (expectedOrders / scenario.customers)).toBeLessThan(1.03);
    expect(Math.abs(repeaters / buyers - expectedRepeaters / expectedBuyers)).toBeLessThan(0.015);
    expect(Math.abs(buyers / scenario.customers - expectedBuyers / scenario.customers)).toBeLessThan(0.01);
    // "few buy often, many buy once"
    expect(repeaters / buyers).toBeGreaterThan(0.2);
    expect(repeaters / buyers).toBeLessThan(0.6);
  });

  it('emails are unique in clean data while names from the pools collide', () => {
    const emails = landed.tables.customers.map((c) => c.email);
    expect(emails.every((e) => typeof e === 'string' && /^[a-z._]+\d+@[a-z.]+$/.test(e as string))).toBe(true);
    expect(new Set(emails).size).toBe(emails.length);
    const names = new Set(landed.tables.customers.map((c) => `${c.first_name} ${c.last_name}`));
    expect(names.size).toBeLessThan(emails.length);
  });

  it('customer ids ascend with signup time, along a growing curve', () => {
    const created = landed.tables.customers.map((c) => micros(c.created_at));
    expect(created.filter((t, i) => i > 0 && t < created[i - 1])).toEqual([]);
    const cal = new Calendar(scenario);
    const mid = (cal.startSec + cal.days * 43_200) * 1e6;
    const firstHalf = created.filter((t) => t < mid).length;
    // growth 1.8x per year: the second year brings more signups than the first
    expect(created.length - firstHalf).toBeGreaterThan(firstHalf * 1.3);
  });
});

describe('consistency', () => {
  it('no order before its customer signed up, no line before its product launched', () => {
    const signup = new Map(landed.tables.customers.map((c) => [c.customer_id, micros(c.created_at)]));
    const launch = new Map(landed.tables.products.map((p) => [p.product_id, micros(p.launched_at)]));
    const orderTs = new Map(landed.tables.orders.map((o) => [o.order_id, micros(o.order_ts)]));
    const early = landed.tables.orders.filter((o) => micros(o.order_ts) < signup.get(o.customer_id)!);
    expect(early).toEqual([]);
    const unlaunched = landed.tables.order_items.filter((i) => orderTs.get(i.order_id)! < launch.get(i.product_id)!);
    expect(unlaunched).toEqual([]);
  });

  it('every order total equals the sum of its lines, and lines carry the price in force at order time', () => {
    const sums = new Map<unknown, number>();
    for (const i of landed.tables.order_items) sums.set(i.order_id, (sums.get(i.order_id) ?? 0) + (i.quantity as number) * (i.unit_price as number));
    expect(landed.tables.orders.filter((o) => o.order_total !== sums.get(o.order_id))).toEqual([]);
    const history = new Map<unknown, Array<{ from: number; price: number }>>();
    for (const p of landed.tables.product_prices) {
      const list = history.get(p.product_id) ?? [];
      list.push({ from: micros(p.valid_from), price: p.price as number });
      history.set(p.product_id, list);
    }
    const orderTs = new Map(landed.tables.orders.map((o) => [o.order_id, micros(o.order_ts)]));
    for (const line of landed.tables.order_items.slice(0, 5000)) {
      const t = orderTs.get(line.order_id)!;
      const inForce = history.get(line.product_id)!.filter((h) => h.from <= t).sort((a, b) => b.from - a.from)[0];
      expect(line.unit_price).toBe(inForce.price);
    }
  });

  it('status timestamps follow the lifecycle and statuses have plausible shares', () => {
    const counts: Record<string, number> = {};
    const broken = landed.tables.orders.filter((o) => {
      counts[o.order_status as string] = (counts[o.order_status as string] ?? 0) + 1;
      const after = (a: unknown, b: unknown) => a === null || (b !== null && micros(a) > micros(b));
      const steps = { placed: [], shipped: ['shipped_at'], delivered: ['shipped_at', 'delivered_at'], returned: ['shipped_at', 'delivered_at', 'returned_at'], cancelled: ['cancelled_at'] }[o.order_status as string]!;
      const set = ['shipped_at', 'delivered_at', 'returned_at', 'cancelled_at'].filter((k) => o[k] !== null);
      return (
        JSON.stringify(set) !== JSON.stringify(steps) ||
        !after(o.shipped_at, o.order_ts) || !after(o.delivered_at, o.shipped_at) || !after(o.returned_at, o.delivered_at) || !after(o.cancelled_at, o.order_ts) ||
        micros(o.updated_at) < micros(o.created_at)
      );
    });
    expect(broken).toEqual([]);
    const n = landed.tables.orders.length;
    expect(counts.cancelled / n).toBeGreaterThan(scenario.behaviour.cancel_rate * 0.8);
    expect(counts.cancelled / n).toBeLessThan(scenario.behaviour.cancel_rate * 1.2);
    expect(counts.delivered / n).toBeGreaterThan(0.8);
  });

  it('products: prices per category are log-normal around the configured median, cost below price', () => {
    expect(landed.tables.products.filter((p) => (p.cost as number) >= (p.price as number))).toEqual([]);
    const electronics = landed.tables.products.filter((p) => p.category === 'Electronics').map((p) => p.price as number).sort((a, b) => a - b);
    const books = landed.tables.products.filter((p) => p.category === 'Books').map((p) => p.price as number).sort((a, b) => a - b);
    const median = (a: number[]) => a[Math.floor(a.length / 2)];
    expect(median(electronics)).toBeGreaterThan(median(books) * 3);
  });
});

describe('products and prices', () => {
  it('category seasons shape the product mix: garden sells in spring, toys in December', () => {
    const categoryOf = new Map(landed.tables.products.map((p) => [p.product_id, p.category as string]));
    const orderMonth = new Map(landed.tables.orders.map((o) => [o.order_id, new Date(micros(o.order_ts) / 1000).getUTCMonth()]));
    const share = (category: string, months: number[]) => {
      let inCategory = 0;
      let all = 0;
      for (const line of landed.tables.order_items) {
        if (!months.includes(orderMonth.get(line.order_id)!)) continue;
        all++;
        if (categoryOf.get(line.product_id) === category) inCategory++;
      }
      return inCategory / all;
    };
    expect(share('Garden', [3, 4, 5]) / share('Garden', [10, 11, 0])).toBeGreaterThan(2);
    expect(share('Toys & Games', [11]) / share('Toys & Games', [1, 2, 3, 4, 5, 6])).toBeGreaterThan(1.8);
  });

  it('returns follow the categories: clothing comes back far more often than books', () => {
    const categoryOf = new Map(landed.tables.products.map((p) => [p.product_id, p.category as string]));
    const statusOf = new Map(landed.tables.orders.map((o) => [o.order_id, o.order_status]));
    const rate = (category: string) => {
      let returned = 0;
      let delivered = 0;
      for (const line of landed.tables.order_items) {
        const status = statusOf.get(line.order_id);
        if (categoryOf.get(line.product_id) !== category || (status !== 'delivered' && status !== 'returned')) continue;
        delivered++;
        if (status === 'returned') returned++;
      }
      return returned / delivered;
    };
    expect(rate('Clothing') / rate('Books')).toBeGreaterThan(1.4);
  });

  it('products.price and updated_at are the latest product_prices row; prices do change', () => {
    const latest = new Map<unknown, { price: number; from: number; rows: number }>();
    for (const p of landed.tables.product_prices) {
      const cur = latest.get(p.product_id);
      const from = micros(p.valid_from);
      if (!cur || from > cur.from) latest.set(p.product_id, { price: p.price as number, from, rows: (cur?.rows ?? 0) + 1 });
      else cur.rows++;
    }
    const mismatched = landed.tables.products.filter((p) => {
      const l = latest.get(p.product_id);
      return !l || l.price !== p.price || l.from !== micros(p.updated_at);
    });
    expect(mismatched).toEqual([]);
    const changed = [...latest.values()].filter((l) => l.rows > 1).length;
    expect(changed / latest.size).toBeGreaterThan(0.5);
  });

  it('plannedRows matches what lands (orders and lines are an upper bound)', () => {
    const planned = simulate(scenario).plannedRows();
    for (const t of ['customers', 'products', 'product_prices']) expect(planned[t], t).toBe(landed.summary.tables[t].rows);
    for (const t of ['orders', 'order_items']) {
      expect(planned[t]).toBeGreaterThanOrEqual(landed.summary.tables[t].rows);
      expect(planned[t]).toBeLessThan(landed.summary.tables[t].rows * 1.01);
    }
  });

  it('estimatedRows, for progress bars, is exact for customers and products and close for orders and lines', () => {
    const estimated = simulate(scenario).estimatedRows;
    for (const t of ['customers', 'products', 'product_prices']) expect(estimated[t], t).toBe(landed.summary.tables[t].rows);
    for (const t of ['orders', 'order_items']) {
      expect(estimated[t] / landed.summary.tables[t].rows, t).toBeGreaterThan(0.9);
      expect(estimated[t] / landed.summary.tables[t].rows, t).toBeLessThan(1.1);
    }
  });
});
