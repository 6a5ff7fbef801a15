/**
 * The model project, built for real by `sim` (generate -> land -> build -> test) at seed 42,
 * `tiny` scale:
 * - snapshot regression: every consumption table (full contents) and the row count + digest of
 *   every other model must equal the fixtures in fixtures/snapshots/seed42-tiny/. After a
 *   deliberate change: `npm run fixtures:update`, and say why in the commit message.
 * - incremental proof: build as of D-7, step the landing to D and build again (fact_order_items
 *   runs incrementally), then every table equals a fresh full build as of D.
 * - faults: with seeded faults every staging and mart test passes and no fault reaches the marts.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digest, query, readModels, REPO, scratchDir, simOk, tableText, type TableContents } from './helpers.ts';

const SEED = '42';
const SCALE = 'tiny';
/** D: the default as_of of the scenario; D-7 a week earlier. */
const AS_OF = '2025-12-31';
const AS_OF_WEEK_BEFORE = '2025-12-24';
const FIXTURES = path.join(REPO, 'fixtures/snapshots/seed42-tiny');

const modelNames = (folder: string) =>
  readdirSync(path.join(REPO, 'models', folder))
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.replace(/\.sql$/, ''))
    .sort();
const CONSUMPTION = modelNames('03_consumption');
const ALL_MODELS = [...modelNames('01_staging'), ...modelNames('02_marts'), ...CONSUMPTION].sort();

/** The part of dbt's run_results.json these tests read. */
interface RunResults {
  results: Array<{ unique_id: string; status: string; message?: string | null; compiled_code?: string }>;
}

const scratch = scratchDir('project');
afterAll(() => scratch.remove());

/** One full build as of D, shared by the snapshot and the incremental suites. */
let fullBuild: Promise<Map<string, TableContents>> | undefined;
function buildFullAtD(): Promise<Map<string, TableContents>> {
  fullBuild ??= (async () => {
    const warehouse = path.join(scratch.dir, 'full.duckdb');
    simOk(['--seed', SEED, '--scale', SCALE, '--as-of', AS_OF, '--warehouse', warehouse], scratch.dir);
    return readModels(warehouse);
  })();
  return fullBuild;
}

describe('seed 42 tiny: snapshot regression', () => {
  let models: Map<string, TableContents>;
  beforeAll(async () => {
    models = await buildFullAtD();
  });

  it('builds every model of the project', () => {
    const built = [...models.values()].filter((t) => ['staging', 'marts', 'consumption'].includes(t.schema)).map((t) => t.name).sort();
    expect(built).toEqual(ALL_MODELS);
  });

  it('builds non-empty marts and consumption tables', () => {
    const empty = [...models.values()].filter((t) => (t.schema === 'marts' || t.schema === 'consumption') && t.lines.length === 0).map((t) => t.name);
    expect(empty).toEqual([]);
  });

  for (const name of CONSUMPTION) {
    it(`consumption.${name} equals its fixture`, async () => {
      const table = models.get(`consumption.${name}`);
      expect(table, `consumption.${name} was not built`).toBeDefined();
      await expect(tableText(table!)).toMatchFileSnapshot(path.join(FIXTURES, `${name}.jsonl`));
    });
  }

  it('every other model has the row count and digest of its fixture', async () => {
    const summary: Record<string, { rows: number; digest: string }> = {};
    for (const [key, table] of [...models.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (table.schema === 'consumption') continue;
      summary[key] = { rows: table.lines.length, digest: digest(table) };
    }
    await expect(JSON.stringify(summary, null, 2) + '\n').toMatchFileSnapshot(path.join(FIXTURES, 'digests.json'));
  });
});

describe('incremental proof: as of D-7, stepped to D, equals a full build as of D', () => {
  let incremental: Map<string, TableContents>;
  let full: Map<string, TableContents>;
  let linesBefore: TableContents;
  let incrementalDir: string;
  let secondRun: RunResults;

  beforeAll(async () => {
    incrementalDir = path.join(scratch.dir, 'incremental');
    mkdirSync(incrementalDir, { recursive: true });
    const warehouse = path.join(incrementalDir, 'warehouse.duckdb');
    simOk(['--seed', SEED, '--scale', SCALE, '--as-of', AS_OF_WEEK_BEFORE, '--warehouse', warehouse], incrementalDir);
    linesBefore = (await readModels(warehouse)).get('marts.fact_order_items')!;
    simOk(['--seed', SEED, '--scale', SCALE, '--as-of', AS_OF, '--warehouse', warehouse], incrementalDir);
    secondRun = JSON.parse(readFileSync(path.join(incrementalDir, 'target/run_results.json'), 'utf8')) as RunResults;
    incremental = await readModels(warehouse);
    full = await buildFullAtD();
  });

  it('ran fact_order_items incrementally the second time (its is_incremental() filter, no rebuild)', () => {
    const node = secondRun.results.find((r) => r.unique_id === 'model.ecom_sim.fact_order_items');
    expect(node?.status).toBe('success');
    expect(node?.compiled_code).toMatch(/changed_at >= \(/);
    expect(node?.message ?? '').not.toMatch(/^CREATE/);
  });

  it('has work to do: orders of the first build changed status by D, and new orders arrived', () => {
    const statusOf = (t: TableContents) => {
      const id = t.columns.indexOf('order_item_id');
      const status = t.columns.indexOf('order_status');
      return new Map(t.lines.map((l) => JSON.parse(l) as unknown[]).map((r) => [r[id], r[status]]));
    };
    const before = statusOf(linesBefore);
    const after = statusOf(incremental.get('marts.fact_order_items')!);
    const changed = [...before].filter(([id, status]) => after.get(id) !== status).length;
    const added = [...after.keys()].filter((id) => !before.has(id)).length;
    expect(changed).toBeGreaterThan(0);
    expect(added).toBeGreaterThan(0);
  });

  it('equals the full build, table for table (snapshots excepted: they keep the history of both builds)', () => {
    const names = (m: Map<string, TableContents>) => [...m.keys()].filter((k) => !k.startsWith('snapshots.')).sort();
    expect(names(incremental)).toEqual(names(full));
    for (const key of names(full)) {
      const a = incremental.get(key)!;
      const b = full.get(key)!;
      expect(a.columns, key).toEqual(b.columns);
      expect(a.lines.length, `${key} row count`).toBe(b.lines.length);
      expect(digest(a), `${key} contents`).toBe(digest(b));
    }
  });
});

describe('faults: staging cleans what the simulator breaks', () => {
  const warehouse = () => path.join(scratch.dir, 'faults', 'warehouse.duckdb');

  beforeAll(async () => {
    mkdirSync(path.dirname(warehouse()), { recursive: true });
    // exit 0: every error-severity test passed (the landing's own tests only warn)
    simOk(['--seed', SEED, '--scale', SCALE, '--as-of', AS_OF, '--faults', '0.03', '--warehouse', warehouse()], path.dirname(warehouse()));
  });

  it('the landing really holds every kind of fault', async () => {
    const [landing] = await query(
      warehouse(),
      `select
         (select count(*) - count(distinct order_id) from landing.orders) as duplicate_orders,
         (select count(*) from landing.customers where email is null) as null_emails,
         (select count(*) from landing.customers where email != lower(email)) as mixed_case_emails,
         (select count(*) from landing.order_items where unit_price < 0) as negative_item_prices,
         (select count(*) from landing.order_items where product_id not in (select product_id from landing.products)) as orphan_product_ids,
         (select count(*) from landing.orders where created_at > order_ts + interval 1 day) as late_orders`,
    );
    for (const [kind, count] of Object.entries(landing)) expect(Number(count), kind).toBeGreaterThan(0);
  });

  it('stg_quarantine lists the refused rows by reason', async () => {
    const rows = await query(warehouse(), 'select reason, sum(row_count) as n from staging.stg_quarantine group by reason order by reason');
    const reasons = rows.map((r) => r.reason);
    for (const reason of ['negative_price', 'null_email', 'orphan_product_id']) expect(reasons).toContain(reason);
  });

  it('no fault reaches the marts', async () => {
    const [marts] = await query(
      warehouse(),
      `select
         (select count(*) - count(distinct order_id) from marts.fact_orders) as duplicate_orders,
         (select count(*) - count(distinct order_item_id) from marts.fact_order_items) as duplicate_lines,
         (select count(*) - count(distinct customer_id) from marts.dim_customers) as duplicate_customers,
         (select count(*) from marts.fact_order_items where unit_price < 0 or quantity < 1 or line_amount < 0) as negative_lines,
         (select count(*) from marts.fact_orders where gross_amount < 0 or recognized_revenue < 0) as negative_orders,
         (select count(*) from marts.dim_products where current_price < 0) as negative_prices,
         (select count(*) from marts.fact_order_items where product_id not in (select product_id from marts.dim_products)) as orphan_products,
         (select count(*) from marts.dim_customers where email != lower(trim(email))) as unnormalized_emails`,
    );
    expect(marts).toEqual({
      duplicate_orders: 0,
      duplicate_lines: 0,
      duplicate_customers: 0,
      negative_lines: 0,
      negative_orders: 0,
      negative_prices: 0,
      orphan_products: 0,
      unnormalized_emails: 0,
    });
  });
});
