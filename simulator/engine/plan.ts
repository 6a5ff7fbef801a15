import { launchedBy } from '../world/products.ts';
import { keyBase } from '../rng/hash.ts';
import { emptyProfile, type World } from '../world/world.ts';

/**
 * The plan of a run: customers are generated in blocks, and each block must know how many
 * orders and order lines the world holds before it (order ids are sequential in customer order,
 * line ids in order-id order). A cheap pre-pass computes these prefix counts: order counts per
 * customer come from the latent profile alone, line counts from the order id alone. The plan is
 * a few numbers per block, so memory stays flat as the scale grows. Only runs that split the
 * customers between several generators need it: a single generator walks the customers in
 * order and counts as it goes.
 */
export interface Plan {
  /** Blocks (of BLOCK_SIZE customers) holding the customers visible as of as_of. */
  blocks: number;
  /** orderStart[b]: orders of all customers before block b; length blocks + 1. */
  orderStart: Float64Array;
  /** itemStart[b]: order lines of those orders; length blocks + 1. */
  itemStart: Float64Array;
  /** Rows per landing table: exact, except orders and lines (of visible customers: an upper bound of what lands). */
  rows: Record<string, number>;
}

/** Customers per generator block: the unit of work of a generator and of the plan. */
export const BLOCK_SIZE = 2048;

/** One customer in ESTIMATE_STRIDE is profiled for the row estimate. */
const ESTIMATE_STRIDE = 64;

/**
 * Rows per landing table without the pre-pass, for progress bars: customers, products and
 * prices are exact (signup time ascends with the customer index, so the visible customers are
 * found by bisection); orders and lines are scaled up from one customer (and order) in 64, within
 * about 1% at the larger scales. Costs milliseconds where the plan costs seconds.
 */
export function estimateRows(world: World): Record<string, number> {
  const asOfEnd = world.calendar.asOfEndSec;
  let lo = 0;
  let hi = world.scenario.customers;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (world.signupSec(mid, keyBase(world.customerBase, mid)) < asOfEnd) lo = mid + 1;
    else hi = mid;
  }
  const visible = lo;
  const profile = emptyProfile();
  let sampledOrders = 0;
  let sampled = 0;
  for (let i = 0; i < visible; i += ESTIMATE_STRIDE) {
    sampledOrders += world.profile(i, profile).orders;
    sampled++;
  }
  const orders = sampled ? Math.round((sampledOrders / sampled) * visible) : 0;
  let sampledLines = 0;
  let sampledIds = 0;
  for (let id = 1; id <= orders; id += ESTIMATE_STRIDE) {
    sampledLines += world.itemsInOrder(id);
    sampledIds++;
  }
  const lines = sampledIds ? Math.round((sampledLines / sampledIds) * orders) : 0;
  return { customers: visible, ...productRows(world), orders, order_items: lines };
}

/** Products launched and price rows in force on or before as_of (exact; a pass over the products). */
function productRows(world: World): { products: number; product_prices: number } {
  const asOfEnd = world.calendar.asOfEndSec;
  const pr = world.products;
  const launched = launchedBy(pr, asOfEnd - 1);
  let prices = 0;
  for (let p = 0; p < launched; p++) for (let k = pr.priceStart[p]; k < pr.priceStart[p + 1] && pr.prices[2 * k] < asOfEnd; k++) prices++;
  return { products: launched, product_prices: prices };
}

export function buildPlan(world: World): Plan {
  const blockSize = BLOCK_SIZE;
  const asOfEnd = world.calendar.asOfEndSec;
  const profile = emptyProfile();
  const orderCounts: number[] = [0];
  let visible = 0;
  let orders = 0;
  for (let i = 0; i < world.scenario.customers; i++) {
    world.profile(i, profile);
    if (profile.signupSec >= asOfEnd) break;
    visible++;
    orders += profile.orders;
    if (visible % blockSize === 0) orderCounts.push(orders);
  }
  if (visible % blockSize !== 0) orderCounts.push(orders);
  const blocks = orderCounts.length - 1;
  const orderStart = Float64Array.from(orderCounts);
  const itemStart = new Float64Array(blocks + 1);
  let items = 0;
  let orderId = 0;
  for (let blk = 0; blk < blocks; blk++) {
    itemStart[blk] = items;
    const end = orderStart[blk + 1];
    while (orderId < end) items += world.itemsInOrder(++orderId);
  }
  itemStart[blocks] = items;
  return {
    blocks,
    orderStart,
    itemStart,
    rows: { customers: visible, ...productRows(world), orders, order_items: items },
  };
}
