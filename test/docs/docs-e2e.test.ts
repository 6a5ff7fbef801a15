import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB, type DuckDBEngine } from '../../warehouse/duckdb/index.ts';
import type { Row } from '../../warehouse/engine.ts';
import { browserAvailable, collectPageErrors, launchBrowser, openFromLineage } from './browser.ts';

const SIM = resolve('bin/sim.mjs');
/** Screenshots are test artefacts; UPDATE_SCREENSHOTS=1 refreshes the copies the README shows. */
const SHOTS = process.env.UPDATE_SCREENSHOTS ? resolve('docs/screenshots') : resolve('target/test-artifacts/screenshots');

/** How vega prints a number in a mark's aria-label (no grouping, no trailing zeros). */
const shown = (value: unknown) => String(Number(value));

describe('sim docs generate on a built seed-42 warehouse', () => {
  let dir: string;
  let site: string;
  let engine: DuckDBEngine;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'docs-e2e-'));
    execFileSync(process.execPath, [SIM, '--seed', '42', '--scale', 'tiny', '--warehouse', 'w.duckdb', '--quiet'], { cwd: dir, stdio: 'pipe' });
    execFileSync(process.execPath, [SIM, 'docs', 'generate', '--warehouse', 'w.duckdb'], { cwd: dir, stdio: 'pipe' });
    site = join(dir, 'target', 'docs');
  });

  afterAll(async () => {
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function query(sql: string): Promise<Row[]> {
    engine ??= await openDuckDB(join(dir, 'w.duckdb'));
    return engine.query(sql);
  }

  it('shows the landed scenario, and each landing table with its row count and digest', async () => {
    const index = readFileSync(join(site, 'index.html'), 'utf8');
    const meta = Object.fromEntries((await query('select key, value from landing._sim_meta')).map((r) => [r.key, r.value]));
    expect(index).toContain(`<th>as_of</th><td><code>${meta.as_of}</code>`);
    for (const [table, digest] of Object.entries(JSON.parse(String(meta.digests)) as Record<string, string>)) {
      const [{ n }] = await query(`select count(*) as n from landing.${table}`);
      expect(index).toContain(`<tr><td>${table}</td><td class="n">${n}</td><td><code>${digest}</code></td></tr>`);
    }
  });

  it('draws the numbers of the consumption tables', async () => {
    const kpis = readFileSync(join(site, 'kpis.html'), 'utf8');
    const [top] = await query('select product_name, gross_sales from consumption.top_products_90d order by sales_rank, product_name limit 1');
    expect(kpis).toContain(`${shown(top.gross_sales)}; product_name: ${top.product_name}`);
    const [day] = await query('select date_day, recognized_revenue from consumption.daily_revenue_by_date order by recognized_revenue desc, date_day limit 1');
    expect(kpis).toContain(`Day: ${day.date_day}; Revenue: ${shown(day.recognized_revenue)}`);
    const [month] = await query("select category, recognized_revenue from consumption.monthly_revenue_by_category order by recognized_revenue desc limit 1");
    expect(kpis).toContain(`Revenue: ${shown(month.recognized_revenue)}; Category: ${String(month.category).replace(/&/g, '&amp;')}`);
    const [cell] = await query('select cohort_month, retention_rate from consumption.cohort_retention_monthly where months_since_first_order = 1 order by cohort_month limit 1');
    const cohort = new Date(`${cell.cohort_month}T00:00:00Z`).toLocaleString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
    expect(kpis).toContain(`Months since first order: 1; Cohort: ${cohort}; Retention: ${shown(cell.retention_rate)}`);
  });

  it.runIf(browserAvailable())('loads every main page in Chromium without console errors, shows every model in the lineage, and opens a node on click', async () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'));
    const models = Object.values(manifest.nodes as Record<string, { resource_type: string; name: string }>).filter((n) => n.resource_type === 'model').map((n) => n.name);
    const browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors = collectPageErrors(page);
      for (const [file, shot] of [['index.html', 'overview'], ['kpis.html', 'kpis'], ['models/fact_orders.html', 'model-page']] as const) {
        await page.goto(pathToFileURL(join(site, file)).href);
        await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: shot === 'kpis' });
      }
      await page.goto(pathToFileURL(join(site, 'lineage.html')).href);
      const shownNames = await page.locator('[data-variant="models"] .node.model').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
      expect(shownNames.sort()).toEqual([...models].sort());
      await page.fill('#focus', 'fact_orders');
      await page.screenshot({ path: join(SHOTS, 'lineage.png') });
      expect(await page.locator('[data-variant="models"] .node.focus').getAttribute('data-name')).toBe('fact_orders');
      // With every test shown the graph is far taller than the view: focusing brings the node into it, readable.
      await page.check('#show-tests');
      const graph = (await page.locator('#graph').boundingBox())!;
      const focused = (await page.locator('[data-variant="tests"] .node.focus rect').boundingBox())!;
      expect(focused.x).toBeGreaterThanOrEqual(graph.x);
      expect(focused.y).toBeGreaterThanOrEqual(graph.y);
      expect(focused.x + focused.width).toBeLessThanOrEqual(graph.x + graph.width);
      expect(focused.y + focused.height).toBeLessThanOrEqual(graph.y + graph.height);
      expect(focused.height).toBeGreaterThanOrEqual(20); // drawn at about 1 px per unit: 28 px tall, text readable
      await page.screenshot({ path: join(SHOTS, 'lineage-tests.png') });
      await page.uncheck('#show-tests');
      expect(await openFromLineage(page, 'daily_revenue_by_date')).toBe('daily_revenue_by_date');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
