import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANDING_TABLES } from '../../../contract/landing.ts';
import { StatementLog } from '../../materializations/execute.ts';
import { materializeIncremental } from '../../materializations/incremental.ts';
import { materializeTable, materializeView } from '../../materializations/table.ts';
import { BigQueryAnalyzer } from './analyzer.ts';
import { BigQueryCatalog, relationFromContract } from './catalog.ts';
import { StatementRejectedError, ZetaSqlCheckEngine } from './check-engine.ts';
import { startZetaSql, type ZetaSqlServer } from './server.ts';
import { skipWithoutZetaSql } from './testing.ts';

// The materializations of the model engine, driven against ZetaSQL instead of BigQuery: the
// statements analysed are the ones a real run sends.
describe.skipIf(skipWithoutZetaSql)('ZetaSQL check engine', () => {
  let server: ZetaSqlServer;
  let engine: ZetaSqlCheckEngine;

  beforeAll(async () => {
    server = await startZetaSql();
    const catalog = new BigQueryCatalog();
    for (const table of LANDING_TABLES) catalog.add(relationFromContract('landing', table));
    engine = new ZetaSqlCheckEngine(new BigQueryAnalyzer(server, catalog));
  });
  afterAll(async () => {
    await engine?.analyzer.close();
    await server?.stop();
  });

  it('analyses a view and a partitioned table as BigQuery receives them, and catalogs their columns', async () => {
    await materializeView(new StatementLog(engine), { schema: 'staging', name: 'stg_orders' }, 'SELECT order_id, customer_id, order_ts, order_total FROM `landing`.`orders`');
    const table = await materializeTable(
      new StatementLog(engine),
      { schema: 'marts', name: 'fact_orders' },
      'SELECT order_id, DATE(order_ts) AS order_date, order_total FROM `staging`.`stg_orders`',
      { partition_by: { field: 'order_date', data_type: 'date', granularity: 'month' }, cluster_by: ['order_id'] },
    );
    expect(table.statements[0]).toMatch(/^CREATE OR REPLACE TABLE `marts`.`fact_orders`\nPARTITION BY DATE_TRUNC\(`order_date`, MONTH\)/);
    expect(await engine.listRelations('staging')).toEqual([{ schema: 'staging', name: 'stg_orders', kind: 'view' }]);
    expect(await engine.listColumns('marts', 'fact_orders')).toEqual([
      { name: 'order_id', dataType: 'INT64' },
      { name: 'order_date', dataType: 'DATE' },
      { name: 'order_total', dataType: 'NUMERIC' },
    ]);
  });

  it('analyses both runs of an incremental model: the first CTAS and the MERGE of the increment', async () => {
    const target = { schema: 'marts', name: 'fact_items' };
    const render = (isIncremental: boolean) =>
      'SELECT order_item_id, order_id, quantity * unit_price AS amount, updated_at FROM `landing`.`order_items`' +
      (isIncremental ? '\nWHERE updated_at > (SELECT MAX(updated_at) FROM `marts`.`fact_items`)' : '');
    const config = { unique_key: ['order_item_id'], incremental_strategy: 'merge' as const, on_schema_change: 'ignore' as const };
    const first = await materializeIncremental(new StatementLog(engine), target, render, config, false);
    expect(first.statements.some((s) => s.startsWith('CREATE OR REPLACE TABLE `marts`.`fact_items`'))).toBe(true);
    const second = await materializeIncremental(new StatementLog(engine), target, render, config, false);
    expect(second.statements.some((s) => s.startsWith('MERGE INTO `marts`.`fact_items`'))).toBe(true);
    expect(engine.analyzer.catalog.has('marts', 'fact_items__dbt_tmp')).toBe(false); // dropped after the merge
  });

  it('rejects a statement with the position inside the statement sent', async () => {
    const error = await materializeTable(new StatementLog(engine), { schema: 'marts', name: 'bad' }, 'SELECT\n  order_ts::date AS d\nFROM `landing`.`orders`').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StatementRejectedError);
    const rejected = error as StatementRejectedError;
    expect(rejected.statement.split('\n')[rejected.cause.line! - 1]).toBe('  order_ts::date AS d');
    expect(rejected.cause.column).toBe(11);
  });
});
