import { launchedBy } from '../world/products.ts';
import { emptyProfile, type World } from '../world/world.ts';

/**
 * The plan of a run: customers are generated in blocks, and each block must know how many
 * orders and order lines the world holds before it (order ids are sequential in customer order,
 * line ids in order-id order). A cheap pre-pass computes these prefix counts: order counts per
 * customer come from the latent profile alone, line counts from the order id alone. The plan is
 * a few numbers per block, so memory stays flat as the scale grows.
 */
export interface Plan {
  blockSize: number;
  /** Blocks holding the customers visible as of as_of. */
  blocks: number;
  /** Customers visible as of as_of (signed up before its end). */
  customers: number;
  /** orderStart[b]: orders of all customers before block b; length blocks + 1. */
  orderStart: Float64Array;
  /** itemStart[b]: order lines of those orders; length blocks + 1. */
  itemStart: Float64Array;
  estimatedRows: Record<string, number>;
}

export const DEFAULT_BLOCK_SIZE = 2048;

export function buildPlan(world: World, blockSize = DEFAULT_BLOCK_SIZE): Plan {
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

  const pr = world.products;
  const launched = launchedBy(pr, asOfEnd - 1);
  let prices = 0;
  for (let p = 0; p < launched; p++) for (let k = pr.priceStart[p]; k < pr.priceStart[p + 1] && pr.priceSec[k] < asOfEnd; k++) prices++;
  return {
    blockSize,
    blocks,
    customers: visible,
    orderStart,
    itemStart,
    // Orders and lines count the world's orders of visible customers: an upper bound of what lands.
    estimatedRows: { customers: visible, products: launched, product_prices: prices, orders, order_items: items },
  };
}
