import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateBatch, type LandingBatch } from '../../../contract/batch.ts';
import { LANDING_SCHEMA, orders } from '../../../contract/landing.ts';
import type { Engine } from '../../engine.ts';
import { openDuckDB } from '../../duckdb/index.ts';
import { StatementLog } from '../../materializations/execute.ts';
import { materializeTable, materializeView } from '../../materializations/table.ts';
import { compareResults } from './compare.ts';
import { ZetaSqlEvaluatorEngine } from './evaluator-engine.ts';
import { startZetaSql, type ZetaSqlServer } from './server.ts';
import { skipWithoutZetaSql } from './testing.ts';

/** Three hand-made orders; one of them placed on a Sunday just before midnight UTC. */
function ordersBatch(): LandingBatch {
  const batch = allocateBatch(orders, 3);
  const micros = (iso: string) => Date.parse(iso) * 1000;
  const rows = [
    [1, 10, 0, 0, micros('2024-03-03T23:59:59Z'), 1999], // a Sunday
    [2, 10, 2, 1, micros('2024-03-04T00:00:00Z'), 550],
    [3, 11, 3, 2, micros('2024-02-29T12:30:00.250Z'), 1],
  ];
  const col = (name: string) => orders.columns.findIndex((c) => c.name === name);
  rows.forEach(([id, customer, status, channel, ts, cents], r) => {
    (batch.columns[col('order_id')] as Float64Array)[r] = id;
    (batch.columns[col('customer_id')] as Float64Array)[r] = customer;
    (batch.columns[col('order_status')] as Uint8Array)[r] = status;
    (batch.columns[col('order_channel')] as Uint8Array)[r] = channel;
    for (const c of ['order_ts', 'created_at', 'updated_at']) (batch.columns[col(c)] as Float64Array)[r] = ts;
    for (const c of ['shipped_at', 'delivered_at', 'cancelled_at', 'returned_at']) (batch.columns[col(c)] as Float64Array)[r] = NaN;
    (batch.columns[col('order_total')] as Float64Array)[r] = cents;
  });
  batch.rowCount = rows.length;
  return batch;
}

async function land(engine: Engine, batch: LandingBatch): Promise<void> {
  const writer = await engine.openLanding(LANDING_SCHEMA, [orders]);
  await writer.append(batch);
  await writer.commit();
}

describe.skipIf(skipWithoutZetaSql)('ZetaSQL evaluator engine against DuckDB', () => {
  let server: ZetaSqlServer;
  let bigquery: ZetaSqlEvaluatorEngine;
  let duckdb: Engine;

  beforeAll(async () => {
    server = await startZetaSql();
    bigquery = new ZetaSqlEvaluatorEngine(server);
    duckdb = await openDuckDB(':memory:');
    await land(bigquery, ordersBatch());
    await land(duckdb, ordersBatch());
  });
  afterAll(async () => {
    await duckdb?.close();
    await server?.stop();
  });

  /** Builds the same model with the model engine's materializations on both engines and compares. */
  async function both(name: string, sql: (engine: Engine) => string, ordered = false) {
    for (const engine of [bigquery, duckdb]) {
      await engine.ensureSchema('marts');
      await materializeTable(new StatementLog(engine), { schema: 'marts', name }, sql(engine));
    }
    const rows = await duckdb.query(`select * from ${duckdb.dialect.relation('marts', name)}`);
    return compareResults(name, bigquery.relation('marts', name)!, rows, { ordered });
  }

  it('builds views and tables on BigQuery semantics, through the same materializations', async () => {
    await materializeView(new StatementLog(bigquery), { schema: 'staging', name: 'v' }, `select order_id, order_total from ${bigquery.dialect.relation(LANDING_SCHEMA, 'orders')}`);
    expect(await bigquery.listRelations('staging')).toEqual([{ schema: 'staging', name: 'v', kind: 'view' }]);
    expect(await bigquery.query('select sum(order_total) as total, count(*) as n from `staging.v`')).toEqual([{ total: 25.5, n: 3 }]);
  });

  it('finds the same answers where the SQL means the same on both engines', async () => {
    const result = await both('revenue', (e) =>
      [
        'select customer_id, sum(order_total) as revenue, count(*) as orders,',
        '       min(order_ts) as first_order_ts, max(cast(order_ts as date)) as last_order_date,',
        '       max(cast(order_status as string)) as last_status',
        `from ${e.dialect.relation(LANDING_SCHEMA, 'orders')}`,
        'group by customer_id',
      ].join('\n'),
    );
    expect(result.differences).toEqual([]);
    expect(result.rows).toEqual({ bigquery: 2, duckdb: 2 });
  });

  it('catches a semantic difference: day-of-week numbering (Sunday is 1 in BigQuery, 0 in DuckDB)', async () => {
    const result = await both('weekday', (e) => `select order_id, extract(dayofweek from order_ts) as dow from ${e.dialect.relation(LANDING_SCHEMA, 'orders')}`);
    expect(result.differences.join('\n')).toMatch(/dow: BigQuery "1" vs DuckDB "0"/);
  });

  it('catches a semantic difference: an ENUM label in DuckDB sorts by declaration, a STRING in BigQuery by text', async () => {
    const result = await both('status', (e) => `select customer_id, max(order_status) as last_status from ${e.dialect.relation(LANDING_SCHEMA, 'orders')} group by customer_id`);
    expect(result.differences.join('\n')).toMatch(/last_status: BigQuery "placed" vs DuckDB "delivered"/);
  });

  it('compares position by position when the model orders its rows', async () => {
    const sql = (e: Engine) => `select order_id from ${e.dialect.relation(LANDING_SCHEMA, 'orders')} order by order_id`;
    expect((await both('ordered', sql, true)).differences).toEqual([]);
    const reversed = (e: Engine) => (e === duckdb ? `${sql(e)} desc` : sql(e));
    expect((await both('reversed', reversed, true)).differences.length).toBeGreaterThan(0);
    expect((await both('reversed_unordered', reversed, false)).differences).toEqual([]);
  });
});
