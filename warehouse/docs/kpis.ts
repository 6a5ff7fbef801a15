import type { Engine, Row } from '../engine.ts';
import { dailyRevenueSpec, heatmapSpec, histogramSpec, monthlyByCategorySpec, renderChart, topProductsSpec, type Chart } from './charts.ts';
import type { TopLevelSpec } from 'vega-lite';

/**
 * The KPI dashboard, as data: each chart names the consumption model it reads, the columns it
 * needs and the vega-lite spec that draws them. A chart whose table or columns are missing is
 * reported on the page instead of failing the whole site.
 */
interface KpiChart {
  id: string;
  title: string;
  description: string;
  model: string;
  columns: string[];
  /** ORDER BY for a stable query (the site must be byte-identical for the same warehouse). */
  orderBy: string;
  limit?: number;
  spec: (rows: Row[]) => TopLevelSpec;
}

export const KPI_CHARTS: KpiChart[] = [
  {
    id: 'daily-revenue', title: 'Daily revenue', model: 'daily_revenue_by_date',
    description: 'Recognised revenue per day (delivered orders, net of returns).',
    columns: ['date_day', 'recognized_revenue'], orderBy: 'date_day',
    spec: (rows) => dailyRevenueSpec(rows, 'date_day', 'recognized_revenue'),
  },
  {
    id: 'monthly-category', title: 'Monthly revenue by category', model: 'monthly_revenue_by_category',
    description: 'Recognised revenue per calendar month, stacked by product category.',
    columns: ['month_start_date', 'category', 'recognized_revenue'], orderBy: 'month_start_date, category',
    spec: (rows) => monthlyByCategorySpec(rows, 'month_start_date', 'recognized_revenue', 'category'),
  },
  {
    id: 'top-products', title: 'Top products, last 90 days', model: 'top_products_90d',
    description: 'Products with the highest gross sales in the 90 days up to the scenario date (ties share a rank).',
    columns: ['sales_rank', 'product_name', 'gross_sales'], orderBy: 'sales_rank, product_name', limit: 20,
    spec: (rows) => topProductsSpec(rows, 'product_name', 'gross_sales'),
  },
  {
    id: 'ltv', title: 'Customer LTV, 30-day window', model: 'customer_ltv_30d',
    description: 'Distribution of recognised revenue per customer over the 30-day LTV window of the model.',
    columns: ['revenue_in_window'], orderBy: 'revenue_in_window',
    spec: (rows) => histogramSpec(rows, 'revenue_in_window', 'Recognised revenue in the window'),
  },
  {
    id: 'cohort-retention', title: 'Cohort retention', model: 'cohort_retention_monthly',
    description: 'Share of each monthly signup cohort that orders again N months later.',
    columns: ['cohort_month', 'months_since_first_order', 'retention_rate'], orderBy: 'cohort_month, months_since_first_order',
    spec: (rows) => heatmapSpec(rows, 'months_since_first_order', 'cohort_month', 'retention_rate'),
  },
];

export interface KpiPage {
  charts: Chart[];
  missing: string[];
}

/** Queries each chart's model through the engine and renders it. `relationOf` resolves a model name to its relation. */
export async function buildKpis(engine: Engine, relationOf: (model: string) => string | undefined): Promise<KpiPage> {
  const charts: Chart[] = [];
  const missing: string[] = [];
  for (const kpi of KPI_CHARTS) {
    const relation = relationOf(kpi.model);
    if (!relation) {
      missing.push(`${kpi.title}: model ${kpi.model} is not in the project.`);
      continue;
    }
    let rows: Row[];
    try {
      rows = await engine.query(
        `select ${kpi.columns.join(', ')} from ${relation} order by ${kpi.orderBy}${kpi.limit ? ` limit ${kpi.limit}` : ''}`,
      );
    } catch (error) {
      missing.push(`${kpi.title}: could not read ${kpi.model} (${(error as Error).message.split('\n')[0]}).`);
      continue;
    }
    charts.push(await renderChart(kpi.id, kpi.title, kpi.description, kpi.spec(rows)));
  }
  return { charts, missing };
}
