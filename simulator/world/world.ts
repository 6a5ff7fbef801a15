import { ACQUISITION_CHANNELS, ORDER_CHANNELS } from '../../contract/landing.ts';
import { Calendar, DAY_SEC } from '../calendar/calendar.ts';
import type { ProductCatalog } from '../catalog/types.ts';
import { AliasTable } from '../rng/choice.ts';
import { atLeastOneLogQ, countAtLeastOne, exponential, gamma, poisson, unit } from '../rng/distributions.ts';
import { keyBase, streamBase } from '../rng/hash.ts';
import type { FaultKind, Scenario } from '../scenario/types.ts';
import { namePool, type NamePool } from './names.ts';
import { PackedStrings } from './packed-strings.ts';
import { buildProducts, type ProductRange } from './products.ts';

/**
 * The world of one scenario: everything that is small and shared (calendar, products, name
 * pools, choice tables) is built once here; everything per customer, order and line is a pure
 * function of (seed, stream, key, field) computed on demand by the generator. The world is fixed
 * by the seed, the date horizon and the behaviour; `as_of` only filters what is visible.
 */

// Field numbers of the 'customer' stream (key = customer index).
export const CF = {
  signup: 0, lifetime: 1, firstCoin: 2, firstDelay: 3, repeat: 4, first: 5, last: 6, emailPattern: 7, domain: 8,
  country: 9, acquisition: 10, nullEmail: 11, mixedCase: 12, duplicate: 13, sex: 14, rate: 20 /* uses 20..83 */, spacing: 100,
} as const;
// Field numbers of the 'order' stream (key = order_id).
export const OF = {
  items: 0, channel: 1, cancelCoin: 2, cancelDelay: 3, shipDelay: 4, deliveryDelay: 5, returnCoin: 6, returnDelay: 7,
  lateCoin: 8, lateDelay: 9, duplicate: 10,
} as const;
// Field numbers of the 'item' stream (key = order_item_id).
export const IF = { product: 0, quantity: 1, retry: 2 /* 2..4 */, orphanCoin: 5, orphanId: 6, negativeCoin: 7 } as const;

/** Quantity per order line: cumulative probabilities of 1, 2, 3, 4, 5 units. */
const QUANTITY_CUM = [0.78, 0.92, 0.97, 0.99, 1];

export interface CustomerProfile {
  signupSec: number;
  /** End of the customer's activity (churn), capped at the horizon end. */
  activeEndSec: number;
  /** 1 if the customer orders right at signup, else 0. */
  firstOrders: number;
  firstOrderSec: number;
  /** Purchase rate, orders per year at average demand. */
  rate: number;
  /** Demand exposure (average days) of the repeat-order window. */
  exposure: number;
  repeatOrders: number;
  /** firstOrders + repeatOrders: orders over the whole horizon. */
  orders: number;
}

export function emptyProfile(): CustomerProfile {
  return { signupSec: 0, activeEndSec: 0, firstOrders: 0, firstOrderSec: 0, rate: 0, exposure: 0, repeatOrders: 0, orders: 0 };
}

export class World {
  readonly calendar: Calendar;
  readonly products: ProductRange;
  /** Per country (index into `countries`): the name pool of its locale and its email-domain table. */
  readonly namePools: NamePool[];
  readonly domainAliases: AliasTable[];
  readonly customerBase: number;
  readonly orderBase: number;
  readonly itemBase: number;
  /** Stream of per-product faults (kept apart from the product stream so faults never move a clean value). */
  readonly productFaultBase: number;
  readonly countries: string[];
  /** `countries` packed as UTF-8 (the customers' country_code column). */
  readonly countryCodes: PackedStrings;
  readonly countryAlias: AliasTable;
  readonly acquisitionAlias: AliasTable;
  readonly orderChannelAlias: AliasTable;
  /** Per category index: how much more (or less) often orders with it are returned. */
  readonly returnFactor: Float64Array;
  /** Per fault kind: probability per eligible row (0 when disabled). */
  readonly fault: Record<FaultKind, number>;
  /** Cumulative signup weight per day: growth(d) x demand(d); length days + 1. */
  private readonly signupCum: Float64Array;
  /** `atLeastOneLogQ` of the lines-per-order mean. */
  private readonly itemsLogQ: number;

  constructor(
    readonly scenario: Scenario,
    readonly catalog: ProductCatalog,
  ) {
    this.calendar = new Calendar(scenario);
    this.products = buildProducts(scenario, this.calendar, catalog);
    this.customerBase = streamBase(scenario.seed, 'customer');
    this.orderBase = streamBase(scenario.seed, 'order');
    this.itemBase = streamBase(scenario.seed, 'item');
    this.productFaultBase = streamBase(scenario.seed, 'product-fault');
    this.returnFactor = Float64Array.from(scenario.categories.map((c) => c.return_factor ?? 1));
    this.countries = Object.keys(scenario.countries);
    this.countryCodes = new PackedStrings(this.countries);
    this.countryAlias = new AliasTable(this.countries.map((c) => scenario.countries[c]));
    this.acquisitionAlias = new AliasTable(ACQUISITION_CHANNELS.map((c) => scenario.acquisition_channels[c] ?? 0));
    this.orderChannelAlias = new AliasTable(ORDER_CHANNELS.map((c) => scenario.order_channels[c] ?? 0));
    this.itemsLogQ = atLeastOneLogQ(scenario.behaviour.items_per_order_mean);
    this.namePools = this.countries.map(namePool);
    this.domainAliases = this.namePools.map((pool) => new AliasTable(pool.emailDomainWeights));
    const kinds = new Set(scenario.faults.kinds);
    this.fault = Object.fromEntries(
      (['duplicate_rows', 'null_emails', 'mixed_case_emails', 'negative_prices', 'orphan_product_ids', 'late_rows'] as FaultKind[]).map((k) => [k, kinds.has(k) ? scenario.faults.rate : 0]),
    ) as Record<FaultKind, number>;
    const growthPerDay = Math.log(scenario.behaviour.signup_growth_per_year) / 365;
    this.signupCum = new Float64Array(this.calendar.days + 1);
    for (let d = 0; d < this.calendar.days; d++) this.signupCum[d + 1] = this.signupCum[d] + Math.exp(growthPerDay * (d + 0.5)) * this.calendar.weight[d];
  }

  /**
   * Signup time of customer i: the (i + jitter)/N quantile of the signup curve (exponential
   * growth x daily demand, so signups also follow weekdays, seasons and holidays); the day's
   * fraction goes through the hourly profile. Monotone in i, so customer_id ascends with signup.
   */
  signupSec(i: number, kb: number): number {
    const cum = this.signupCum;
    const days = this.calendar.days;
    const target = ((i + unit(kb, CF.signup)) / this.scenario.customers) * cum[days];
    let lo = 0;
    let hi = days - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (cum[mid] <= target) lo = mid;
      else hi = mid - 1;
    }
    const span = cum[lo + 1] - cum[lo];
    const frac = span > 0 ? (target - cum[lo]) / span : 0;
    const tod = this.calendar.hourInv(Math.min(0.9999999, Math.max(0, frac)));
    return Math.floor(this.calendar.startSec + (lo + tod) * DAY_SEC);
  }

  /** Fills `out` with customer i's latent profile (no strings; cheap enough for a pre-pass). */
  profile(i: number, out: CustomerProfile): CustomerProfile {
    const b = this.scenario.behaviour;
    const cal = this.calendar;
    const kb = keyBase(this.customerBase, i);
    const signup = this.signupSec(i, kb);
    out.signupSec = signup;
    out.activeEndSec = Math.min(cal.horizonEndSec, signup + exponential(kb, CF.lifetime, b.lifetime_mean_days) * DAY_SEC);
    out.firstOrders = 0;
    out.firstOrderSec = signup;
    if (unit(kb, CF.firstCoin) < b.first_order_probability) {
      // The first order follows the signup within minutes (the checkout that created the account).
      const t = Math.floor(signup + 60 + exponential(kb, CF.firstDelay, 540));
      if (t < cal.horizonEndSec) {
        out.firstOrders = 1;
        out.firstOrderSec = t;
      }
    }
    out.rate = b.purchase_rate_per_year > 0 ? gamma(kb, CF.rate, b.purchase_rate_shape, b.purchase_rate_per_year / b.purchase_rate_shape) : 0;
    const from = out.firstOrders ? out.firstOrderSec : signup;
    out.exposure = out.activeEndSec > from ? cal.exposure(out.activeEndSec) - cal.exposure(from) : 0;
    out.repeatOrders = poisson(kb, CF.repeat, (out.rate / 365) * out.exposure);
    out.orders = out.firstOrders + out.repeatOrders;
    return out;
  }

  /** Order lines of an order (1 + geometric), a function of the order id alone. */
  itemsInOrder(orderId: number): number {
    return countAtLeastOne(keyBase(this.orderBase, orderId), OF.items, this.itemsLogQ, 20);
  }

  /** Quantity of an order line from one uniform. */
  static quantity(u: number): number {
    let q = 0;
    while (u > QUANTITY_CUM[q]) q++;
    return q + 1;
  }
}
