/**
 * The scenario: everything that fixes the simulated world (seed, date horizon, sizes, behaviour
 * parameters) plus `as_of`, which only decides what is visible on landing. Field names are
 * snake_case because users write them in YAML scenario files and see them in `sim scenario --print`.
 */

export const SCALES = ['tiny', 'small', 'medium', 'large'] as const;
export type Scale = (typeof SCALES)[number];

export const ENRICH_MODES = ['none', 'gemini'] as const;
export type EnrichMode = (typeof ENRICH_MODES)[number];

export const FAULT_KINDS = [
  'duplicate_rows',
  'null_emails',
  'mixed_case_emails',
  'negative_prices',
  'orphan_product_ids',
  'late_rows',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultConfig {
  /** Probability per eligible row for each enabled fault kind; 0 = clean data. */
  rate: number;
  /** Which kinds are enabled when rate > 0. */
  kinds: FaultKind[];
  /** Late rows land (created_at) up to this many days after order_ts. */
  late_days_max: number;
}

export interface CategoryConfig {
  name: string;
  /** Relative share of the product range. */
  share: number;
  /** Median launch price in currency units (log-normal). */
  price_median: number;
  /** Sigma of log(price). */
  price_sigma: number;
  /** Gross margin: cost = price * (1 - margin). */
  margin: number;
  /** Demand multiplier per month (January first); shapes the product mix of each month. */
  season: number[];
  /**
   * Multiplier on behaviour.return_rate for orders with a product of this category (an order
   * takes its most returnable line's factor); 1 when omitted.
   */
  return_factor?: number;
}

export interface HolidayConfig {
  black_friday: number;
  cyber_monday: number;
  /** Multiplier on the `pre_christmas_days` days up to and including 23 December. */
  pre_christmas: number;
  pre_christmas_days: number;
  christmas_day: number;
}

export interface DemandConfig {
  /** Monday first; relative demand per weekday. */
  day_of_week: number[];
  /** Relative demand per UTC hour, 0..23 (the shop's clock is UTC). */
  hour_of_day: number[];
  /** Relative demand per month, January first (annual seasonality). */
  month_of_year: number[];
  holidays: HolidayConfig;
}

export interface BehaviourConfig {
  /** Daily signups grow by this factor per year (exponential growth curve); 1 = flat. */
  signup_growth_per_year: number;
  /** Probability that a customer places an order right at signup. */
  first_order_probability: number;
  /** Mean of the customers' purchase rates (orders per year at average demand), gamma-distributed. */
  purchase_rate_per_year: number;
  /** Gamma shape of the purchase rate: lower = more unequal customers. */
  purchase_rate_shape: number;
  /** Mean customer lifetime in days (exponential churn); orders stop after it. */
  lifetime_mean_days: number;
  /** Mean order lines per order (1 + geometric). */
  items_per_order_mean: number;
  /** Share of orders cancelled before shipping. */
  cancel_rate: number;
  /** Share of delivered orders returned, for an order whose categories have return_factor 1. */
  return_rate: number;
  /** Mean days from order to shipping. */
  ship_days_mean: number;
  /** Mean days from shipping to delivery. */
  delivery_days_mean: number;
  /** Mean days from delivery to return (returned orders only). */
  return_days_mean: number;
  /** Mean number of price changes per product per year. */
  price_changes_per_year: number;
  /** Sigma of the log of each price change factor. */
  price_change_sigma: number;
  /** Share of products launched in the year before start_date (the initial range). */
  initial_product_share: number;
  /** Zipf exponent of product popularity. */
  popularity_zipf: number;
}

export interface Scenario {
  seed: number;
  scale: Scale;
  /** First day of the world (YYYY-MM-DD, UTC). */
  start_date: string;
  /** Last day of the world, inclusive (the world horizon). */
  end_date: string;
  /** Landing shows the world as of the end of this day; within [start_date, end_date]. */
  as_of: string;
  /** Customers who sign up over the whole horizon (those up to as_of are visible). */
  customers: number;
  /** Products in the range over the whole horizon (launched up to as_of are visible). */
  products: number;
  enrich: EnrichMode;
  /** Gemini model asked for the catalog when enrich is gemini (a pinned id: the cache is keyed by it). */
  gemini_model: string;
  faults: FaultConfig;
  behaviour: BehaviourConfig;
  demand: DemandConfig;
  categories: CategoryConfig[];
  /** ISO country code -> relative share of customers. */
  countries: Record<string, number>;
  /** Acquisition channel -> relative share (keys from contract ACQUISITION_CHANNELS). */
  acquisition_channels: Record<string, number>;
  /** Order channel -> relative share (keys from contract ORDER_CHANNELS). */
  order_channels: Record<string, number>;
}

type DeepPartial<T> = T extends Array<infer U> ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/**
 * A partial scenario layer (flags, a programmatic caller). Scalars may arrive as strings from
 * the command line; `faults` may be a bare rate. Everything is validated by `resolveScenario`.
 */
export type ScenarioOverrides = {
  [K in keyof Scenario]?: K extends 'faults'
    ? number | string | DeepPartial<FaultConfig>
    : Scenario[K] extends number
      ? number | string
      : Scenario[K] extends string
        ? string
        : DeepPartial<Scenario[K]>;
};
