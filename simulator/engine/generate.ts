import { reserveUtf8, type Utf8Column } from '../../contract/batch.ts';
import { customers, orderItems, orders, productPrices, products } from '../../contract/landing.ts';
import { DAY_SEC } from '../calendar/calendar.ts';
import { exponential, logNormal, unit } from '../rng/distributions.ts';
import { fieldHash, keyBase } from '../rng/hash.ts';
import type { FaultKind } from '../scenario/types.ts';
import { launchedBy, pickProduct, priceAt } from '../world/products.ts';
import type { NamePool } from '../world/names.ts';
import { upper, writeDecimal, type PackedStrings } from '../world/packed-strings.ts';
import { CF, emptyProfile, IF, OF, World, type CustomerProfile } from '../world/world.ts';
import { columnIndex, type TableSink } from './sink.ts';

/**
 * Row generation: writes the visible rows of a world straight into the batch typed arrays
 * (no per-row objects, no Date, timestamps as numbers). Every value comes from the counter hash
 * keyed by the row's world id, so a block of customers yields the same rows whichever process,
 * batch or order it is generated in.
 */

export interface Sinks {
  customers: TableSink;
  products: TableSink;
  product_prices: TableSink;
  orders: TableSink;
  order_items: TableSink;
}

export type FaultCounts = Record<FaultKind, number>;

export function emptyFaultCounts(): FaultCounts {
  return { duplicate_rows: 0, null_emails: 0, mixed_case_emails: 0, negative_prices: 0, orphan_product_ids: 0, late_rows: 0 };
}

const US = 1_000_000;

const C = {
  id: columnIndex(customers, 'customer_id'),
  first: columnIndex(customers, 'first_name'),
  last: columnIndex(customers, 'last_name'),
  email: columnIndex(customers, 'email'),
  country: columnIndex(customers, 'country_code'),
  acquisition: columnIndex(customers, 'acquisition_channel'),
  created: columnIndex(customers, 'created_at'),
};
const P = {
  id: columnIndex(products, 'product_id'),
  name: columnIndex(products, 'product_name'),
  category: columnIndex(products, 'category'),
  subcategory: columnIndex(products, 'subcategory'),
  brand: columnIndex(products, 'brand'),
  description: columnIndex(products, 'description'),
  price: columnIndex(products, 'price'),
  cost: columnIndex(products, 'cost'),
  launched: columnIndex(products, 'launched_at'),
  created: columnIndex(products, 'created_at'),
  updated: columnIndex(products, 'updated_at'),
};
const PP = { id: columnIndex(productPrices, 'product_id'), price: columnIndex(productPrices, 'price'), validFrom: columnIndex(productPrices, 'valid_from') };
const O = {
  id: columnIndex(orders, 'order_id'),
  customer: columnIndex(orders, 'customer_id'),
  status: columnIndex(orders, 'order_status'),
  channel: columnIndex(orders, 'order_channel'),
  ts: columnIndex(orders, 'order_ts'),
  shipped: columnIndex(orders, 'shipped_at'),
  delivered: columnIndex(orders, 'delivered_at'),
  cancelled: columnIndex(orders, 'cancelled_at'),
  returned: columnIndex(orders, 'returned_at'),
  total: columnIndex(orders, 'order_total'),
  created: columnIndex(orders, 'created_at'),
  updated: columnIndex(orders, 'updated_at'),
};
const I = {
  id: columnIndex(orderItems, 'order_item_id'),
  order: columnIndex(orderItems, 'order_id'),
  product: columnIndex(orderItems, 'product_id'),
  quantity: columnIndex(orderItems, 'quantity'),
  price: columnIndex(orderItems, 'unit_price'),
  updated: columnIndex(orderItems, 'updated_at'),
};
// Codes of contract ORDER_STATUSES.
const PLACED = 0, SHIPPED = 1, DELIVERED = 2, CANCELLED = 3, RETURNED = 4;

/** products and product_prices: the rows visible as of as_of. */
export function generateProductTables(world: World, sinks: Sinks, faults: FaultCounts): void {
  const pr = world.products;
  const asOfEnd = world.calendar.asOfEndSec;
  const cats = world.scenario.categories;
  const negRate = world.fault.negative_prices;
  for (let p = 0; p < pr.count; p++) {
    const launch = pr.launchSec[p];
    if (launch >= asOfEnd) break; // ids ascend with launch
    let last = pr.priceStart[p];
    for (let k = pr.priceStart[p]; k < pr.priceStart[p + 1] && pr.prices[2 * k] < asOfEnd; k++) {
      last = k;
      const s = sinks.product_prices;
      const r = s.next();
      s.num[PP.id][r] = p + 1;
      s.num[PP.price][r] = pr.prices[2 * k + 1];
      s.num[PP.validFrom][r] = pr.prices[2 * k] * US;
    }
    let price = pr.prices[2 * last + 1];
    if (negRate > 0 && unit(keyBase(world.productFaultBase, p), 0) < negRate) {
      price = -price;
      faults.negative_prices++;
    }
    const s = sinks.products;
    const r = s.next();
    s.num[P.id][r] = p + 1;
    s.strs[P.name][r] = pr.name[p];
    s.strs[P.category][r] = cats[pr.category[p]].name;
    s.strs[P.subcategory][r] = pr.subcategory[p];
    s.strs[P.brand][r] = pr.brand[p];
    s.strs[P.description][r] = pr.description[p];
    s.num[P.price][r] = price;
    s.num[P.cost][r] = pr.costCents[p];
    s.num[P.launched][r] = launch * US;
    s.num[P.created][r] = launch * US;
    s.num[P.updated][r] = pr.prices[2 * last] * US;
  }
}

// Slots of BlockScratch.reg: doubles handed between the row functions without boxing them.
const R_SHIPPED = 0, R_DELIVERED = 1, R_CANCELLED = 2, R_RETURNED = 3, R_LAST = 4, R_TOTAL = 5, R_RETURN_FACTOR = 6;

/** Reusable per-generator scratch space. */
export class BlockScratch {
  times = new Float64Array(64);
  /** The lines of the current order (at most 20): product index, quantity, unit price in cents. */
  lineProducts = new Int32Array(20);
  lineQuantity = new Int32Array(20);
  linePrice = new Float64Array(20);
  readonly reg = new Float64Array(8);
  readonly profile = emptyProfile();
  ensure(n: number): void {
    if (this.times.length < n + 1) this.times = new Float64Array(Math.max(n + 1, this.times.length * 2));
  }
}

/*
 * The row functions below are deliberately small: V8 inlines small helpers (the hash, unit,
 * distributions) only up to a budget per optimised function, and a helper that is not inlined
 * returns its double boxed on the heap. Small functions keep the helpers inlined and the
 * generator free of per-value allocations.
 */

/**
 * Where a generator stands in the world's id sequences: the orders and order lines of every
 * customer before the next one to generate (order ids are sequential in customer order, line
 * ids in order-id order). A generator that walks the customers in order just carries it along;
 * one that starts in the middle takes it from the plan's prefix counts.
 */
export interface IdCursor {
  orders: number;
  lines: number;
}

/**
 * Generates customers [from, to) with their orders and order lines (without the customer rows
 * when `withCustomerRows` is false), starting at `cursor` and advancing it past the block's
 * orders and lines. Returns false once a customer signed up after as_of (every later one did too).
 */
export function generateCustomerBlock(
  world: World,
  from: number,
  to: number,
  cursor: IdCursor,
  sinks: Sinks,
  faults: FaultCounts,
  scratch: BlockScratch,
  withCustomerRows = true,
): boolean {
  const asOfEnd = world.calendar.asOfEndSec;
  let orderIndex = cursor.orders;
  let itemIndex = cursor.lines;
  const profile = scratch.profile;
  let visible = true;
  for (let i = from; i < to; i++) {
    const pr = world.profile(i, profile);
    if (pr.signupSec >= asOfEnd) {
      visible = false;
      break;
    }
    if (withCustomerRows) writeCustomer(world, i, pr.signupSec, sinks, faults);
    const n = pr.orders;
    if (n === 0) continue;
    orderTimes(world, i, pr, scratch);
    const times = scratch.times;
    for (let o = 0; o < n; o++) {
      const orderId = ++orderIndex;
      const nItems = world.itemsInOrder(orderId);
      writeOrder(world, orderId, itemIndex + 1, nItems, i + 1, times[o], sinks, faults, scratch);
      itemIndex += nItems;
    }
  }
  cursor.orders = orderIndex;
  cursor.lines = itemIndex;
  return visible;
}

/**
 * Only the customer rows of customers [from, to) (signup time needs no latent profile). Worker
 * runs generate customers on the consuming thread: string columns would otherwise be copied
 * between threads, which costs more than building them.
 */
export function generateCustomerRows(world: World, from: number, to: number, sinks: Sinks, faults: FaultCounts): boolean {
  const asOfEnd = world.calendar.asOfEndSec;
  for (let i = from; i < to; i++) {
    const signup = world.signupSec(i, keyBase(world.customerBase, i));
    if (signup >= asOfEnd) return false;
    writeCustomer(world, i, signup, sinks, faults);
  }
  return true;
}

function writeCustomer(world: World, i: number, signupSec: number, sinks: Sinks, faults: FaultCounts): void {
  const f = world.fault;
  const kb = keyBase(world.customerBase, i);
  const customerId = i + 1;
  // Names come from the customer's country's locale; the sex picks the (sexed) name lists.
  const ci = world.countryAlias.pick(unit(kb, CF.country));
  const pool = world.namePools[ci];
  const sex = fieldHash(kb, CF.sex) & 1;
  const fi = Math.floor(unit(kb, CF.first) * pool.first[sex].length);
  const li = Math.floor(unit(kb, CF.last) * pool.last[sex].length);
  let hasEmail = true;
  let mixed = false;
  let pattern = 0;
  let domain = 0;
  if (f.null_emails > 0 && unit(kb, CF.nullEmail) < f.null_emails) {
    hasEmail = false;
    faults.null_emails++;
  } else {
    mixed = f.mixed_case_emails > 0 && unit(kb, CF.mixedCase) < f.mixed_case_emails;
    domain = world.domainAliases[ci].pick(unit(kb, CF.domain));
    pattern = fieldHash(kb, CF.emailPattern) & 3;
    if (mixed) faults.mixed_case_emails++;
  }
  const acquisition = world.acquisitionAlias.pick(unit(kb, CF.acquisition));
  const copies = f.duplicate_rows > 0 && unit(kb, CF.duplicate) < f.duplicate_rows ? 2 : 1;
  if (copies === 2) faults.duplicate_rows++;
  for (let c = 0; c < copies; c++) {
    const s = sinks.customers;
    const r = s.next();
    s.num[C.id][r] = customerId;
    putString(s.utf8[C.first], r, pool.first[sex], fi);
    putString(s.utf8[C.last], r, pool.last[sex], li);
    if (hasEmail) putEmail(s.utf8[C.email], r, pool, sex, fi, li, pattern, domain, mixed, customerId);
    else putNull(s.utf8[C.email], r);
    putString(s.utf8[C.country], r, world.countryCodes, ci);
    s.enums[C.acquisition][r] = acquisition;
    s.num[C.created][r] = signupSec * US;
  }
}

/** Row r of a packed string column: string i of `list`. */
function putString(col: Utf8Column, r: number, list: PackedStrings, i: number): void {
  const at = col.offsets[r];
  reserveUtf8(col, at, list.maxLength);
  col.offsets[r + 1] = list.copy(i, col.bytes, at);
  col.nulls[r] = 0;
}

function putNull(col: Utf8Column, r: number): void {
  col.offsets[r + 1] = col.offsets[r];
  col.nulls[r] = 1;
}

const DOT = 0x2e, UNDERSCORE = 0x5f, AT = 0x40;

/**
 * The email of a customer, written as bytes: one of four local-part patterns of the ASCII name
 * forms, then the customer id (so clean emails are unique: names contain no digits), '@' and the
 * domain. The mixed-case fault capitalises both names and upper-cases the domain.
 */
function putEmail(col: Utf8Column, r: number, pool: NamePool, sex: number, fi: number, li: number, pattern: number, domain: number, mixed: boolean, customerId: number): void {
  const fe = pool.firstEmail[sex];
  const le = pool.lastEmail[sex];
  const at = col.offsets[r];
  reserveUtf8(col, at, fe.maxLength + le.maxLength + 2 + 20 + pool.emailDomains.maxLength);
  const out = col.bytes;
  let o = at;
  if (pattern === 0 || pattern === 2) {
    o = mixed ? fe.copyCapitalised(fi, out, o) : fe.copy(fi, out, o);
    out[o++] = pattern === 0 ? DOT : UNDERSCORE;
    o = mixed ? le.copyCapitalised(li, out, o) : le.copy(li, out, o);
  } else if (pattern === 1) {
    const initial = fe.firstByte(fi);
    out[o++] = mixed ? upper(initial) : initial;
    o = mixed ? le.copyCapitalised(li, out, o) : le.copy(li, out, o);
  } else {
    o = mixed ? le.copyCapitalised(li, out, o) : le.copy(li, out, o);
    out[o++] = DOT;
    o = mixed ? fe.copyCapitalised(fi, out, o) : fe.copy(fi, out, o);
  }
  o = writeDecimal(customerId, out, o);
  out[o++] = AT;
  o = mixed ? pool.emailDomains.copyUpper(domain, out, o) : pool.emailDomains.copy(domain, out, o);
  col.offsets[r + 1] = o;
  col.nulls[r] = 0;
}

/** Fills scratch.times[0..orders) with the customer's order times, ascending. */
function orderTimes(world: World, i: number, pr: CustomerProfile, scratch: BlockScratch): void {
  scratch.ensure(pr.orders);
  const times = scratch.times;
  let k = 0;
  if (pr.firstOrders) times[k++] = pr.firstOrderSec;
  const repeats = pr.repeatOrders;
  if (repeats === 0) return;
  const cal = world.calendar;
  const kb = keyBase(world.customerBase, i);
  const fromSec = pr.firstOrders ? pr.firstOrderSec : pr.signupSec;
  const c0 = cal.exposure(fromSec);
  const span = pr.exposure;
  // Repeat orders are uniform in demand exposure over the active window; exponential spacings
  // give the order statistics of uniforms without sorting.
  let total = 0;
  for (let j = 0; j <= repeats; j++) {
    total += -Math.log(unit(kb, CF.spacing + j));
    times[k + j] = total;
  }
  const lastSec = pr.activeEndSec - 1;
  for (let j = 0; j < repeats; j++) {
    let t = Math.floor(cal.timeAt(c0 + (times[k + j] / total) * span));
    if (t < fromSec) t = fromSec;
    if (t > lastSec) t = Math.floor(lastSec);
    times[k + j] = t;
  }
}

/**
 * The status lifecycle of an order over the world, as of as_of: returns the status code and
 * leaves the step times (NaN = not yet or never) and the last visible step in scratch.reg.
 */
function orderLifecycle(world: World, okb: number, ts: number, reg: Float64Array): number {
  const b = world.scenario.behaviour;
  const asOfEnd = world.calendar.asOfEndSec;
  let status = PLACED;
  reg[R_SHIPPED] = NaN;
  reg[R_DELIVERED] = NaN;
  reg[R_CANCELLED] = NaN;
  reg[R_RETURNED] = NaN;
  reg[R_LAST] = ts;
  if (unit(okb, OF.cancelCoin) < b.cancel_rate) {
    const t = Math.floor(ts + 300 + exponential(okb, OF.cancelDelay, 6 * 3600));
    if (t < asOfEnd) {
      reg[R_CANCELLED] = t;
      reg[R_LAST] = t;
      status = CANCELLED;
    }
    return status;
  }
  const ts1 = Math.floor(ts + Math.max(3600, logNormal(okb, OF.shipDelay, b.ship_days_mean * 0.8825, 0.5) * DAY_SEC));
  if (ts1 >= asOfEnd) return status;
  reg[R_SHIPPED] = ts1;
  reg[R_LAST] = ts1;
  status = SHIPPED;
  const ts2 = Math.floor(ts1 + Math.max(3600, logNormal(okb, OF.deliveryDelay, b.delivery_days_mean * 0.8825, 0.5) * DAY_SEC));
  if (ts2 >= asOfEnd) return status;
  reg[R_DELIVERED] = ts2;
  reg[R_LAST] = ts2;
  status = DELIVERED;
  // The order's lines decide how returnable it is (clothing more than books): reg[R_RETURN_FACTOR].
  if (unit(okb, OF.returnCoin) < b.return_rate * reg[R_RETURN_FACTOR]) {
    const ts3 = Math.floor(ts2 + DAY_SEC + exponential(okb, OF.returnDelay, b.return_days_mean * DAY_SEC));
    if (ts3 < asOfEnd) {
      reg[R_RETURNED] = ts3;
      reg[R_LAST] = ts3;
      status = RETURNED;
    }
  }
  return status;
}

function writeOrder(
  world: World,
  orderId: number,
  firstItemId: number,
  nItems: number,
  customerId: number,
  ts: number,
  sinks: Sinks,
  faults: FaultCounts,
  scratch: BlockScratch,
): void {
  const f = world.fault;
  const okb = keyBase(world.orderBase, orderId);
  let created = ts;
  const late = f.late_rows > 0 && unit(okb, OF.lateCoin) < f.late_rows;
  if (late) created = Math.floor(ts + DAY_SEC * (1 + unit(okb, OF.lateDelay) * (world.scenario.faults.late_days_max - 1)));
  if (created >= world.calendar.asOfEndSec) return;
  if (late) faults.late_rows++;

  const reg = scratch.reg;
  pickLines(world, firstItemId, nItems, ts, scratch);
  const status = orderLifecycle(world, okb, ts, reg);
  const last = reg[R_LAST];
  const updatedSec = last > created ? last : created;
  writeLines(world, orderId, firstItemId, nItems, updatedSec, sinks, faults, scratch);

  const channel = world.orderChannelAlias.pick(unit(okb, OF.channel));
  const copies = f.duplicate_rows > 0 && unit(okb, OF.duplicate) < f.duplicate_rows ? 2 : 1;
  if (copies === 2) faults.duplicate_rows++;
  for (let c = 0; c < copies; c++) {
    const s = sinks.orders;
    const r = s.next();
    const num = s.num;
    num[O.id][r] = orderId;
    num[O.customer][r] = customerId;
    s.enums[O.status][r] = status;
    s.enums[O.channel][r] = channel;
    num[O.ts][r] = ts * US;
    num[O.shipped][r] = reg[R_SHIPPED] * US;
    num[O.delivered][r] = reg[R_DELIVERED] * US;
    num[O.cancelled][r] = reg[R_CANCELLED] * US;
    num[O.returned][r] = reg[R_RETURNED] * US;
    num[O.total][r] = reg[R_TOTAL];
    num[O.created][r] = created * US;
    num[O.updated][r] = updatedSec * US;
  }
}

/**
 * Order lines: products launched by the order time, weighted by popularity x the month's
 * category season; quantities and the prices in force then. Leaves the lines in scratch, the
 * order total in reg[R_TOTAL] and the highest category return factor in reg[R_RETURN_FACTOR].
 */
function pickLines(world: World, firstItemId: number, nItems: number, ts: number, scratch: BlockScratch): void {
  const cal = world.calendar;
  const prods = world.products;
  const launched = launchedBy(prods, ts);
  const month = cal.month[cal.dayIndex(ts)];
  const chosen = scratch.lineProducts;
  const factors = world.returnFactor;
  let orderTotal = 0;
  let returnFactor = 0;
  for (let j = 0; j < nItems; j++) {
    const ikb = keyBase(world.itemBase, firstItemId + j);
    let p = pickProduct(prods, month, launched, fieldHash(ikb, IF.product));
    // Lines of one order are distinct products (a few redraws; small ranges may repeat).
    for (let retry = 0; retry < 3 && contains(chosen, j, p); retry++) p = pickProduct(prods, month, launched, fieldHash(ikb, IF.retry + retry));
    chosen[j] = p;
    const qty = World.quantity(unit(ikb, IF.quantity));
    const price = priceAt(prods, p, ts);
    scratch.lineQuantity[j] = qty;
    scratch.linePrice[j] = price;
    orderTotal += qty * price;
    const factor = factors[prods.category[p]];
    if (factor > returnFactor) returnFactor = factor;
  }
  scratch.reg[R_TOTAL] = orderTotal;
  scratch.reg[R_RETURN_FACTOR] = returnFactor;
}

/** Writes the order lines picked by pickLines, with their faults. */
function writeLines(
  world: World,
  orderId: number,
  firstItemId: number,
  nItems: number,
  updatedSec: number,
  sinks: Sinks,
  faults: FaultCounts,
  scratch: BlockScratch,
): void {
  const f = world.fault;
  const productCount = world.products.count;
  const updated = updatedSec * US;
  for (let j = 0; j < nItems; j++) {
    const itemId = firstItemId + j;
    let productId = scratch.lineProducts[j] + 1;
    let linePrice = scratch.linePrice[j];
    if (f.orphan_product_ids > 0 || f.negative_prices > 0) {
      const ikb = keyBase(world.itemBase, itemId);
      if (f.orphan_product_ids > 0 && unit(ikb, IF.orphanCoin) < f.orphan_product_ids) {
        productId = productCount + 1 + Math.floor(unit(ikb, IF.orphanId) * 1000);
        faults.orphan_product_ids++;
      }
      if (f.negative_prices > 0 && unit(ikb, IF.negativeCoin) < f.negative_prices) {
        linePrice = -linePrice;
        faults.negative_prices++;
      }
    }
    const s = sinks.order_items;
    const r = s.next();
    const num = s.num;
    num[I.id][r] = itemId;
    num[I.order][r] = orderId;
    num[I.product][r] = productId;
    num[I.quantity][r] = scratch.lineQuantity[j];
    num[I.price][r] = linePrice;
    num[I.updated][r] = updated;
  }
}

function contains(values: Int32Array, n: number, v: number): boolean {
  for (let i = 0; i < n; i++) if (values[i] === v) return true;
  return false;
}
