import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonical, land, scenarioOf, type Landed } from './helpers.ts';

const TABLES = ['customers', 'products', 'product_prices', 'orders', 'order_items'];

function sameContent(a: Landed, b: Landed): void {
  for (const t of TABLES) {
    expect(a.tables[t].length, t).toBe(b.tables[t].length);
    expect(canonical(a.tables[t]), t).toEqual(canonical(b.tables[t]));
  }
  expect(a.summary).toEqual(b.summary);
}

describe('determinism', () => {
  it('the same seed gives identical rows and digests; another seed gives different data', async () => {
    const a = await land(scenarioOf({ seed: 42, scale: 'tiny' }));
    const b = await land(scenarioOf({ seed: 42, scale: 'tiny' }));
    sameContent(a, b);
    const c = await land(scenarioOf({ seed: 43, scale: 'tiny' }));
    for (const t of TABLES) expect(c.summary.tables[t].digest, t).not.toBe(a.summary.tables[t].digest);
    expect(canonical(c.tables.customers)).not.toEqual(canonical(a.tables.customers));
  });

  it('batch size and worker threads do not change a single row (faults on, so every code path runs)', async () => {
    const scenario = scenarioOf({ seed: 7, scale: 'tiny', faults: 0.05 });
    const reference = await land(scenario);
    const smallBatches = await land(scenario, { batchSize: 97 });
    expect(smallBatches.batches).toBeGreaterThan(reference.batches);
    sameContent(reference, smallBatches);
    const threaded = await land(scenario, { workers: 2, batchSize: 500 });
    sameContent(reference, threaded);
  });

  it('one worker (walking the blocks in order) and three (sharing them by the plan) land the same rows', async () => {
    // 9,000 customers are five generator blocks, so three workers each take several.
    const scenario = scenarioOf({ seed: 5, customers: 9_000, products: 300, faults: 0.02 });
    const reference = await land(scenario, {}, true);
    sameContent(reference, await land(scenario, { workers: 1 }));
    sameContent(reference, await land(scenario, { workers: 3, batchSize: 4_000 }));
  });

  it('a lone worker starts with the simulation, yet one never read does not keep the process alive', () => {
    // e.g. `sim` stops at a landing error after simulate(): the process must still exit
    const script = [
      `import { simulate } from ${JSON.stringify(path.resolve(import.meta.dirname, '../../simulator/index.ts'))};`,
      `import { resolveScenario } from ${JSON.stringify(path.resolve(import.meta.dirname, '../../simulator/scenario/resolve.ts'))};`,
      `const sim = simulate(resolveScenario({ overrides: { seed: 1, scale: 'medium' } }), { workers: 1 });`,
      `console.log(sim.estimatedRows.orders > 0 ? 'estimated' : 'none');`,
    ].join('\n');
    // a file, not -e: node -e exits without waiting for a worker thread
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-unread-'));
    try {
      fs.writeFileSync(path.join(dir, 'unread.mjs'), script);
      const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, 'unread.mjs')], { encoding: 'utf8', timeout: 30_000 });
      expect(run.error, 'the process did not exit').toBeUndefined();
      expect(run.stdout.trim()).toBe('estimated');
      expect(run.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('batches handed back and reused carry nothing over: same rows as batches kept', async () => {
    // Small batches, so every table's arrays go round many times, in process and in a worker.
    const scenario = scenarioOf({ seed: 8, customers: 6_000, products: 200, faults: 0.05 });
    const kept = await land(scenario, { batchSize: 700 }, true);
    const reused = await land(scenario, { batchSize: 700 });
    sameContent(kept, reused);
    sameContent(kept, await land(scenario, { batchSize: 700, workers: 1 }));
  });

  it('digests are order-independent sums: any changed row changes them', async () => {
    const a = await land(scenarioOf({ seed: 42, scale: 'tiny', products: 81 }));
    const b = await land(scenarioOf({ seed: 42, scale: 'tiny' }));
    // one more product: the product tables differ, customers do not
    expect(a.summary.tables.products.digest).not.toBe(b.summary.tables.products.digest);
    expect(a.summary.tables.customers.digest).toBe(b.summary.tables.customers.digest);
  });

  it('stepping: as_of D-7 then D equals a fresh D, and later as_of moves orders forward', async () => {
    const before = await land(scenarioOf({ seed: 42, scale: 'tiny', as_of: '2025-06-23' }));
    const fresh = await land(scenarioOf({ seed: 42, scale: 'tiny', as_of: '2025-06-30' }));
    const again = await land(scenarioOf({ seed: 42, scale: 'tiny', as_of: '2025-06-30' }));
    sameContent(fresh, again);

    const later = new Map(fresh.tables.orders.map((o) => [o.order_id, o]));
    const rank: Record<string, number> = { placed: 0, shipped: 1, cancelled: 1, delivered: 2, returned: 3 };
    let moved = 0;
    for (const o of before.tables.orders) {
      const now = later.get(o.order_id);
      expect(now, `order ${o.order_id} visible at D-7 must stay visible at D`).toBeDefined();
      // the world is fixed: placement, customer, total and channel never change
      for (const k of ['customer_id', 'order_ts', 'order_total', 'order_channel', 'created_at']) expect(now![k]).toBe(o[k]);
      expect(rank[now!.order_status as string]).toBeGreaterThanOrEqual(rank[o.order_status as string]);
      expect(now!.updated_at as number).toBeGreaterThanOrEqual(o.updated_at as number);
      if (now!.order_status !== o.order_status) moved++;
    }
    expect(moved).toBeGreaterThan(0); // late-arriving updates
    expect(fresh.tables.orders.length).toBeGreaterThan(before.tables.orders.length);
    // customers and price history only grow
    expect(canonical(fresh.tables.customers)).toEqual(expect.arrayContaining(canonical(before.tables.customers)));
    expect(canonical(fresh.tables.product_prices)).toEqual(expect.arrayContaining(canonical(before.tables.product_prices)));
    // nothing after as_of is visible
    const asOfEnd = Date.UTC(2025, 5, 24) * 1000;
    for (const o of before.tables.orders) {
      for (const k of ['created_at', 'updated_at', 'shipped_at', 'delivered_at', 'cancelled_at', 'returned_at']) if (o[k] !== null) expect(o[k] as number).toBeLessThan(asOfEnd);
    }
  });
});

const GOLDEN = path.resolve(import.meta.dirname, '../../fixtures/golden/landing-seed42-tiny.json');

describe('golden digests (seed 42, tiny)', () => {
  // Regenerate deliberately (and say why in the commit): npm run fixtures:update:landing
  it('matches fixtures/golden/landing-seed42-tiny.json', async () => {
    const { summary } = await land(scenarioOf({ seed: 42, scale: 'tiny' }));
    const current = { scenario: { seed: 42, scale: 'tiny' }, tables: summary.tables };
    if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN, `${JSON.stringify(current, null, 2)}\n`);
    const golden = JSON.parse(fs.readFileSync(GOLDEN, 'utf8'));
    expect(current).toEqual(golden);
  });
});
