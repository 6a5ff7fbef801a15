import type { CategoryConfig, Scale, Scenario } from './types.ts';

/**
 * Scale presets: world sizes over the default two-year horizon. Row counts measured with the
 * default behaviour are in README's "Scenario" section.
 */
export const SCALE_PRESETS: Record<Scale, { customers: number; products: number }> = {
  tiny: { customers: 900, products: 80 },
  small: { customers: 10_000, products: 500 },
  medium: { customers: 250_000, products: 5_000 },
  large: { customers: 4_600_000, products: 50_000 },
};


export const DEFAULT_CATEGORIES: CategoryConfig[] = [
  { name: 'Electronics', share: 0.16, price_median: 90, price_sigma: 0.9, margin: 0.22, season: [0.85, 0.8, 0.85, 0.85, 0.9, 0.9, 0.9, 1.0, 1.0, 1.05, 1.45, 1.55], return_factor: 1.2 },
  { name: 'Home & Kitchen', share: 0.16, price_median: 38, price_sigma: 0.75, margin: 0.4, season: [1.0, 0.95, 1.0, 1.0, 1.0, 0.95, 0.95, 0.95, 1.0, 1.05, 1.15, 1.2], return_factor: 0.8 },
  { name: 'Clothing', share: 0.18, price_median: 32, price_sigma: 0.6, margin: 0.55, season: [0.9, 0.85, 1.1, 1.15, 1.05, 0.95, 0.9, 1.0, 1.15, 1.1, 1.05, 1.1], return_factor: 2.2 },
  { name: 'Sports & Outdoors', share: 0.1, price_median: 45, price_sigma: 0.85, margin: 0.38, season: [1.1, 0.9, 1.0, 1.15, 1.3, 1.35, 1.3, 1.1, 0.9, 0.8, 0.8, 0.9], return_factor: 1.0 },
  { name: 'Beauty', share: 0.12, price_median: 19, price_sigma: 0.6, margin: 0.6, season: [0.95, 1.05, 1.0, 0.95, 1.05, 0.95, 0.95, 0.95, 0.95, 1.0, 1.1, 1.3], return_factor: 0.5 },
  { name: 'Toys & Games', share: 0.1, price_median: 26, price_sigma: 0.7, margin: 0.45, season: [0.7, 0.7, 0.75, 0.8, 0.8, 0.8, 0.8, 0.85, 0.9, 1.1, 1.8, 2.3], return_factor: 0.7 },
  { name: 'Books', share: 0.1, price_median: 15, price_sigma: 0.45, margin: 0.3, season: [1.1, 1.0, 0.95, 0.95, 0.95, 1.0, 1.1, 1.1, 1.0, 0.95, 1.05, 1.3], return_factor: 0.35 },
  { name: 'Garden', share: 0.08, price_median: 30, price_sigma: 0.75, margin: 0.45, season: [0.5, 0.6, 1.1, 1.6, 1.7, 1.5, 1.2, 1.0, 0.8, 0.6, 0.5, 0.5], return_factor: 0.6 },
];

/** The defaults layer (lowest precedence). `customers`/`products` come from the scale preset. */
export function defaultScenario(): Scenario {
  return {
    seed: 42,
    scale: 'small',
    start_date: '2024-01-01',
    end_date: '2025-12-31',
    as_of: '2025-12-31',
    customers: SCALE_PRESETS.small.customers,
    products: SCALE_PRESETS.small.products,
    enrich: 'none',
    gemini_model: 'gemini-2.5-flash',
    faults: {
      rate: 0,
      kinds: ['duplicate_rows', 'null_emails', 'mixed_case_emails', 'negative_prices', 'orphan_product_ids', 'late_rows'],
      late_days_max: 7,
    },
    behaviour: {
      signup_growth_per_year: 1.8,
      first_order_probability: 0.8,
      purchase_rate_per_year: 2.5,
      purchase_rate_shape: 0.6,
      lifetime_mean_days: 540,
      items_per_order_mean: 2.1,
      cancel_rate: 0.04,
      return_rate: 0.06,
      ship_days_mean: 1.4,
      delivery_days_mean: 2.8,
      return_days_mean: 12,
      price_changes_per_year: 1.5,
      price_change_sigma: 0.1,
      initial_product_share: 0.6,
      popularity_zipf: 1.0,
    },
    demand: {
      day_of_week: [1.0, 0.97, 0.96, 0.98, 1.02, 1.18, 1.24],
      hour_of_day: [
        0.3, 0.18, 0.12, 0.09, 0.08, 0.12, 0.25, 0.5, 0.75, 0.9, 1.0, 1.05,
        1.12, 1.05, 1.0, 1.0, 1.05, 1.15, 1.3, 1.45, 1.5, 1.35, 0.95, 0.55,
      ],
      month_of_year: [0.88, 0.84, 0.92, 0.95, 0.98, 0.94, 0.92, 0.95, 0.98, 1.03, 1.2, 1.35],
      holidays: { black_friday: 3.2, cyber_monday: 2.6, pre_christmas: 1.45, pre_christmas_days: 14, christmas_day: 0.55 },
    },
    categories: DEFAULT_CATEGORIES.map((c) => ({ ...c, season: [...c.season] })),
    countries: { US: 0.42, GB: 0.12, DE: 0.1, FR: 0.08, CA: 0.07, AU: 0.05, NL: 0.04, ES: 0.04, IT: 0.03, SE: 0.02, IE: 0.015, PL: 0.015 },
    acquisition_channels: { organic: 0.34, paid_search: 0.24, social: 0.16, email: 0.1, referral: 0.09, affiliate: 0.07 },
    order_channels: { web: 0.55, app: 0.36, marketplace: 0.09 },
  };
}

