import { describe, expect, it } from 'vitest';
import { land, scenarioOf, type Landed } from './helpers.ts';

/** What each fault kind looks like in the landed data (so the counts are checked, not trusted). */
function observed(l: Landed): Record<string, number> {
  const t = l.tables;
  const distinct = (rows: typeof t.orders, key: string) => new Set(rows.map((r) => r[key])).size;
  const productCount = Math.max(...t.products.map((p) => p.product_id as number));
  return {
    duplicate_rows: t.customers.length - distinct(t.customers, 'customer_id') + (t.orders.length - distinct(t.orders, 'order_id')),
    null_emails: t.customers.filter((c) => c.email === null).length,
    mixed_case_emails: new Set(t.customers.filter((c) => c.email !== null && c.email !== (c.email as string).toLowerCase()).map((c) => c.customer_id)).size,
    negative_prices: t.order_items.filter((i) => (i.unit_price as number) < 0).length + t.products.filter((p) => (p.price as number) < 0).length,
    orphan_product_ids: t.order_items.filter((i) => (i.product_id as number) > productCount).length,
    late_rows: new Set(t.orders.filter((o) => (o.created_at as number) > (o.order_ts as number)).map((o) => o.order_id)).size,
  };
}

describe('seeded data-quality faults', () => {
  it('are off by default: clean data, all counts zero', async () => {
    const clean = await land(scenarioOf({ seed: 3, scale: 'tiny' }));
    expect(Object.values(clean.summary.faults).every((n) => n === 0)).toBe(true);
    expect(observed(clean)).toEqual(clean.summary.faults);
  });

  it('--faults RATE injects every kind, seeded, and the summary counts exactly what landed', async () => {
    const faulty = await land(scenarioOf({ seed: 3, scale: 'tiny', faults: 0.03 }));
    for (const [kind, n] of Object.entries(faulty.summary.faults)) expect(n, kind).toBeGreaterThan(0);
    expect(observed(faulty)).toEqual(faulty.summary.faults);
    // roughly the configured rate of the eligible rows
    expect(faulty.summary.faults.null_emails / faulty.tables.customers.length).toBeGreaterThan(0.01);
    expect(faulty.summary.faults.null_emails / faulty.tables.customers.length).toBeLessThan(0.06);
    const again = await land(scenarioOf({ seed: 3, scale: 'tiny', faults: 0.03 }));
    expect(again.summary).toEqual(faulty.summary);
  });

  it('faults never move a clean value: the clean rows of a faulty run equal the clean run', async () => {
    const clean = await land(scenarioOf({ seed: 3, scale: 'tiny' }));
    const faulty = await land(scenarioOf({ seed: 3, scale: 'tiny', faults: { rate: 0.03, kinds: ['null_emails'] } }));
    expect(faulty.summary.faults.null_emails).toBeGreaterThan(0);
    expect(faulty.summary.faults.duplicate_rows).toBe(0);
    const byId = new Map(clean.tables.customers.map((c) => [c.customer_id, c]));
    for (const c of faulty.tables.customers) expect({ ...c, email: c.email ?? byId.get(c.customer_id)!.email }).toEqual(byId.get(c.customer_id));
    expect(faulty.summary.tables.orders).toEqual(clean.summary.tables.orders);
  });
});
