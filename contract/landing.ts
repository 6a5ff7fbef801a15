import type { TableContract } from './types.ts';

/**
 * The landing contract: the raw tables the simulator produces and every engine loads, declared
 * once. The loader (DDL and bulk load), the BigQuery load-job schema, the ZetaSQL catalog, the
 * docs site and `models/sources.yml` all derive from this file. Column names stay compatible
 * with the seed project (customer_id, first_name, ..., order_ts, unit_price).
 *
 * Keys are INT64 (measured: string keys cost 4-6x at load and about 2x in the models); labels
 * with a closed set of values carry `enumValues` (DuckDB ENUM, BigQuery STRING).
 */

export const ORDER_STATUSES = ['placed', 'shipped', 'delivered', 'cancelled', 'returned'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ACQUISITION_CHANNELS = ['organic', 'paid_search', 'social', 'email', 'referral', 'affiliate'] as const;
export const ORDER_CHANNELS = ['web', 'app', 'marketplace'] as const;

export const customers: TableContract = {
  name: 'customers',
  description: 'One row per customer who signed up on or before as_of.',
  primaryKey: ['customer_id'],
  columns: [
    { name: 'customer_id', type: 'INT64', nullable: false, description: 'Surrogate key, ascending with signup time.' },
    { name: 'first_name', type: 'STRING', nullable: false, description: 'Given name (Faker vocabulary picked by the seeded RNG).' },
    { name: 'last_name', type: 'STRING', nullable: false, description: 'Family name (Faker vocabulary picked by the seeded RNG).' },
    { name: 'email', type: 'STRING', nullable: false, faultNullable: true, description: 'Login email, unique in clean data; may be NULL or mixed-case with faults.' },
    { name: 'country_code', type: 'STRING', nullable: false, description: 'ISO 3166-1 alpha-2 country of the customer.' },
    { name: 'acquisition_channel', type: 'STRING', nullable: false, enumValues: ACQUISITION_CHANNELS, description: 'Marketing channel of the signup.' },
    { name: 'created_at', type: 'TIMESTAMP', nullable: false, description: 'Signup time (UTC).' },
  ],
};

export const products: TableContract = {
  name: 'products',
  description: 'One row per product launched on or before as_of, with its price as of as_of.',
  primaryKey: ['product_id'],
  columns: [
    { name: 'product_id', type: 'INT64', nullable: false, description: 'Surrogate key.' },
    { name: 'product_name', type: 'STRING', nullable: false, description: 'Display name (built-in vocabulary, or Gemini enrichment).' },
    { name: 'category', type: 'STRING', nullable: false, description: 'Top-level category.' },
    { name: 'subcategory', type: 'STRING', nullable: false, description: 'Sub-category within the category.' },
    { name: 'brand', type: 'STRING', nullable: false, description: 'Brand name.' },
    { name: 'description', type: 'STRING', nullable: true, description: 'Marketing description; NULL when none was generated.' },
    { name: 'price', type: 'NUMERIC', scale: 2, nullable: false, description: 'List price as of as_of (latest row of product_prices); negative only with faults.' },
    { name: 'cost', type: 'NUMERIC', scale: 2, nullable: false, description: 'Unit cost to the shop.' },
    { name: 'launched_at', type: 'TIMESTAMP', nullable: false, description: 'When the product became available to order.' },
    { name: 'created_at', type: 'TIMESTAMP', nullable: false, description: 'When the product row was created (its launch).' },
    { name: 'updated_at', type: 'TIMESTAMP', nullable: false, description: 'Last change to the row (latest price change on or before as_of).' },
  ],
};

export const productPrices: TableContract = {
  name: 'product_prices',
  description: 'Price change log: one row per product per price change on or before as_of (the first row is the launch price).',
  primaryKey: ['product_id', 'valid_from'],
  columns: [
    { name: 'product_id', type: 'INT64', nullable: false, description: 'Product whose price changed.' },
    { name: 'price', type: 'NUMERIC', scale: 2, nullable: false, description: 'New list price.' },
    { name: 'valid_from', type: 'TIMESTAMP', nullable: false, description: 'When this price took effect.' },
  ],
};

export const orders: TableContract = {
  name: 'orders',
  description: 'One row per order placed on or before as_of, showing its status as of as_of.',
  primaryKey: ['order_id'],
  columns: [
    { name: 'order_id', type: 'INT64', nullable: false, description: 'Surrogate key.' },
    { name: 'customer_id', type: 'INT64', nullable: false, description: 'Customer who placed the order.' },
    { name: 'order_status', type: 'STRING', nullable: false, enumValues: ORDER_STATUSES, description: 'Status as of as_of: placed, shipped, delivered, cancelled or returned.' },
    { name: 'order_channel', type: 'STRING', nullable: false, enumValues: ORDER_CHANNELS, description: 'Where the order was placed.' },
    { name: 'order_ts', type: 'TIMESTAMP', nullable: false, description: 'When the order was placed (UTC).' },
    { name: 'shipped_at', type: 'TIMESTAMP', nullable: true, description: 'When it shipped; NULL if not (yet) shipped.' },
    { name: 'delivered_at', type: 'TIMESTAMP', nullable: true, description: 'When it was delivered; NULL if not (yet) delivered.' },
    { name: 'cancelled_at', type: 'TIMESTAMP', nullable: true, description: 'When it was cancelled; NULL if not cancelled.' },
    { name: 'returned_at', type: 'TIMESTAMP', nullable: true, description: 'When it was returned; NULL if not returned.' },
    { name: 'order_total', type: 'NUMERIC', scale: 2, nullable: false, description: 'Sum of quantity * unit_price over the order items.' },
    { name: 'created_at', type: 'TIMESTAMP', nullable: false, description: 'When the row was first landed (equals order_ts, later for late rows).' },
    { name: 'updated_at', type: 'TIMESTAMP', nullable: false, description: 'Last status change on or before as_of.' },
  ],
};

export const orderItems: TableContract = {
  name: 'order_items',
  description: 'One row per order line of the orders above.',
  primaryKey: ['order_item_id'],
  columns: [
    { name: 'order_item_id', type: 'INT64', nullable: false, description: 'Surrogate key.' },
    { name: 'order_id', type: 'INT64', nullable: false, description: 'Order the line belongs to.' },
    { name: 'product_id', type: 'INT64', nullable: false, description: 'Product ordered; may be an orphan id with faults.' },
    { name: 'quantity', type: 'INT64', nullable: false, description: 'Units ordered (>= 1 in clean data).' },
    { name: 'unit_price', type: 'NUMERIC', scale: 2, nullable: false, description: 'Price per unit at purchase time; negative only with faults.' },
    { name: 'updated_at', type: 'TIMESTAMP', nullable: false, description: "The order's updated_at, so incremental models can pick up late status changes." },
  ],
};

/** Every landing table, in load order (parents first). */
export const LANDING_TABLES: readonly TableContract[] = [customers, products, productPrices, orders, orderItems];

export const LANDING_SCHEMA = 'landing';

export function landingTable(name: string): TableContract {
  const table = LANDING_TABLES.find((t) => t.name === name);
  if (!table) throw new Error(`unknown landing table '${name}' (known: ${LANDING_TABLES.map((t) => t.name).join(', ')})`);
  return table;
}

/**
 * Run metadata landed with (and atomically beside) the data tables: the effective scenario of
 * the landing, as key/value strings (seed, start_date, end_date, as_of, scale, digests as JSON).
 * `sim build` reads it so that models see the scenario's dates (`var('as_of')`) without the
 * scenario flags being repeated, and never the wall clock.
 */
export const landingMeta: TableContract = {
  name: '_sim_meta',
  description: 'Scenario and digests of the current landing (key/value).',
  primaryKey: ['key'],
  columns: [
    { name: 'key', type: 'STRING', nullable: false, description: 'Setting name, e.g. as_of.' },
    { name: 'value', type: 'STRING', nullable: false, description: 'Setting value as text (JSON for structured values).' },
  ],
};
