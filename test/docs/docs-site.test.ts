import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB, type DuckDBEngine } from '../../warehouse/duckdb/index.ts';
import { generateDocs } from '../../warehouse/docs/generate.ts';
import { browserAvailable, collectPageErrors, launchBrowser, openFromLineage } from './browser.ts';
import { fixtureManifest } from './fixture-site.ts';

describe('docs site from a dbt-shaped manifest', () => {
  let engine: DuckDBEngine;
  let target: string;

  beforeAll(async () => {
    target = mkdtempSync(join(tmpdir(), 'docs-site-'));
    writeFileSync(join(target, 'manifest.json'), JSON.stringify(fixtureManifest()));
    writeFileSync(join(target, 'run_results.json'), JSON.stringify({
      elapsed_time: 1.5,
      results: [
        { unique_id: 'model.shop.stg_orders', status: 'success', execution_time: 0.1 },
        { unique_id: 'test.shop.unique_stg_orders_order_id', status: 'fail', failures: 3, message: 'Got 3 results, configured to fail if != 0' },
        { unique_id: 'model.shop.daily_revenue_by_date', status: 'skipped', message: 'skipped: upstream test unique_stg_orders_order_id failed' },
      ],
    }));
    mkdirSync(join(target, 'compiled', 'bigquery', 'models', 'staging'), { recursive: true });
    writeFileSync(join(target, 'compiled', 'bigquery', 'models', 'staging', 'stg_orders.sql'), 'select order_id from `landing`.`orders`');
    engine = await openDuckDB(':memory:');
    for (const schema of ['landing', 'staging', 'consumption']) await engine.execute(`create schema if not exists ${schema}`);
    await engine.execute(`create table landing._sim_meta as select * from (values ('as_of', '2024-12-31'), ('seed', '42'), ('digests', '{"orders":{"rows":3,"digest":"abc123"}}')) t(key, value)`);
    await engine.execute(`create table staging.stg_orders as select 1::bigint as order_id, timestamp '2024-01-01 10:00:00' as order_ts`);
    await engine.execute(`create table consumption.daily_revenue_by_date as select * from (values (date '2024-12-01', 1234.56::decimal(18,2)), (date '2024-12-02', 987.65::decimal(18,2))) t(date_day, recognized_revenue)`);
    await engine.execute(`create table consumption.monthly_revenue_by_category as select * from (values (date '2024-11-01', 'Footwear', 300.25::decimal(18,2)), (date '2024-12-01', 'Outdoor', 410.00::decimal(18,2))) t(month_start_date, category, recognized_revenue)`);
    await generateDocs({ targetDir: target, engine });
  });

  afterAll(async () => {
    await engine?.close();
    rmSync(target, { recursive: true, force: true });
  });

  it('writes an overview with the scenario, digests and last run', () => {
    const html = readFileSync(join(target, 'docs', 'index.html'), 'utf8');
    expect(html).toContain('2024-12-31');
    expect(html).toContain('abc123');
    expect(html).toMatch(/ERROR: .*1 fail/);
    expect(html).toContain('skipped: upstream test unique_stg_orders_order_id failed');
  });

  it('writes a page per model with columns, tests, neighbours, row count and compiled SQL', () => {
    const html = readFileSync(join(target, 'docs', 'models', 'stg_orders.html'), 'utf8');
    expect(html).toContain('Orders, cleaned.');
    expect(html).toContain('the order_id');
    expect(html).toContain('unique');
    expect(html).toMatch(/id="row-count">1</);
    expect(html).toContain('Compiled SQL · bigquery');
    expect(html).toContain('daily_revenue_by_date');
    expect(existsSync(join(target, 'docs', 'sources', 'landing.orders.html'))).toBe(true);
  });

  it('draws the KPI charts from the consumption tables', () => {
    const html = readFileSync(join(target, 'docs', 'kpis.html'), 'utf8');
    expect(html).toContain('1234.56');
    expect(html).toContain('Footwear');
    expect(html).toContain('top_products_90d'); // reported missing, not silently dropped
  });

  it('is byte-identical when generated twice from the same inputs', async () => {
    const first = readFileSync(join(target, 'docs', 'kpis.html'), 'utf8') + readFileSync(join(target, 'docs', 'lineage.html'), 'utf8');
    await generateDocs({ targetDir: target, engine });
    const second = readFileSync(join(target, 'docs', 'kpis.html'), 'utf8') + readFileSync(join(target, 'docs', 'lineage.html'), 'utf8');
    expect(second).toBe(first);
  });

  it.runIf(browserAvailable())('loads in headless Chromium without errors; clicking a lineage node opens its page', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = collectPageErrors(page);
      for (const file of ['index.html', 'kpis.html', 'models/stg_orders.html']) {
        await page.goto(pathToFileURL(join(target, 'docs', file)).href);
      }
      await page.goto(pathToFileURL(join(target, 'docs', 'lineage.html')).href);
      const names = await page.locator('[data-variant="models"] .node').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
      expect(names.sort()).toEqual(['daily_revenue_by_date', 'landing.orders', 'monthly_revenue_by_category', 'stg_orders']);
      await page.fill('#focus', 'stg_orders');
      expect(await page.locator('[data-variant="models"] .node.near').count()).toBe(4);
      expect(await openFromLineage(page, 'daily_revenue_by_date')).toBe('daily_revenue_by_date');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
