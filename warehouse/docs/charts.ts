import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Row } from '../engine.ts';

/**
 * The KPI dashboard's charts: vega-lite specs rendered to SVG at build time, so the site needs
 * no script and no network to show them. Each mark carries an aria-label with its values
 * (vega's default), which is also what the browser tests read back.
 */
export interface Chart {
  id: string;
  title: string;
  description: string;
  svg: string;
}

const WIDTH = 640;

async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Dates arrive as 'YYYY-MM-DD' strings; UTC scales keep axis labels independent of the machine's time zone. */
const utcTime = (field: string, title: string) => ({ field, type: 'temporal' as const, title, scale: { type: 'utc' as const }, axis: { format: '%Y-%m-%d' } });

/** A single-view chart (mark + encoding), without what every chart shares. */
type ChartBody = Omit<Extract<TopLevelSpec, { mark: unknown }>, 'data' | '$schema'>;

/** The part every chart shares: the schema, the default width and the rows. */
function withData(rows: Row[], chart: ChartBody): TopLevelSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', width: WIDTH, data: { values: rows }, ...chart };
}

export function dailyRevenueSpec(rows: Row[], x: string, y: string): TopLevelSpec {
  return withData(rows, {
    height: 220,
    // Small points give every day its own mark (and aria-label), so each value can be read back.
    mark: { type: 'line', strokeWidth: 1.2, point: { size: 6, filled: true } },
    encoding: { x: utcTime(x, 'Day'), y: { field: y, type: 'quantitative', title: 'Revenue' } },
  });
}

export function monthlyByCategorySpec(rows: Row[], x: string, y: string, color: string): TopLevelSpec {
  return withData(rows, {
    height: 240,
    mark: 'bar',
    encoding: {
      x: { field: x, type: 'ordinal', title: 'Month', timeUnit: 'utcyearmonth' },
      y: { field: y, type: 'quantitative', title: 'Revenue', stack: 'zero' },
      color: { field: color, type: 'nominal', title: 'Category' },
    },
  });
}

export function topProductsSpec(rows: Row[], label: string, value: string): TopLevelSpec {
  return withData(rows, {
    width: WIDTH - 200,
    mark: 'bar',
    encoding: {
      y: { field: label, type: 'nominal', sort: '-x', title: null, axis: { labelLimit: 260 } },
      x: { field: value, type: 'quantitative', title: 'Revenue, last 90 days' },
    },
  });
}

export function histogramSpec(rows: Row[], value: string, title: string): TopLevelSpec {
  return withData(rows, {
    height: 220,
    mark: 'bar',
    encoding: {
      x: { field: value, type: 'quantitative', bin: { maxbins: 40 }, title },
      y: { aggregate: 'count', type: 'quantitative', title: 'Customers' },
    },
  });
}

export function heatmapSpec(rows: Row[], x: string, y: string, value: string): TopLevelSpec {
  return withData(rows, {
    mark: 'rect',
    encoding: {
      x: { field: x, type: 'ordinal', title: 'Months since first order' },
      y: { field: y, type: 'ordinal', title: 'Cohort', timeUnit: 'utcyearmonth' },
      color: { field: value, type: 'quantitative', title: 'Retention', scale: { scheme: 'blues' } },
    },
  });
}

export async function renderChart(id: string, title: string, description: string, spec: TopLevelSpec): Promise<Chart> {
  return { id, title, description, svg: await toSvg(spec) };
}
