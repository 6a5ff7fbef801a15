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

  it('follows the column changes of on_schema_change: sync_all_columns adds and drops, the MERGE writes the new set', async () => {
    const target = { schema: 'marts', name: 'orders_synced' };
    const render = (isIncremental: boolean) =>
      `SELECT order_id, ${isIncremental ? 'order_status' : 'customer_id'} FROM \`landing\`.\`orders\``;
    const config = { unique_key: ['order_id'], incremental_strategy: 'merge' as const, on_schema_change: 'sync_all_columns' as const };
    await materializeIncremental(new StatementLog(engine), target, render, config, false);
    const second = await materializeIncremental(new StatementLog(engine), target, render, config, false);
    expect(second.statements.filter((s) => s.startsWith('ALTER TABLE'))).toEqual([
      'ALTER TABLE `marts`.`orders_synced` ADD COLUMN `order_status` STRING',
      'ALTER TABLE `marts`.`orders_synced` DROP COLUMN `customer_id`',
    ]);
    expect(await engine.listColumns('marts', 'orders_synced')).toEqual([
      { name: 'order_id', dataType: 'INT64' },
      { name: 'order_status', dataType: 'STRING' },
    ]);
  });

  it('applies every ALTER TABLE action that changes names or types, and accepts the others', async () => {
    await engine.execute('CREATE TABLE `marts`.`altered` AS SELECT order_id, customer_id, order_ts FROM `landing`.`orders`');
    await engine.execute('ALTER TABLE `marts`.`altered` ADD COLUMN IF NOT EXISTS `ORDER_ID` STRING, ADD COLUMN `note` STRING');
    await engine.execute('ALTER TABLE `marts`.`altered` RENAME COLUMN `customer_id` TO `buyer_id`');
    await engine.execute('ALTER TABLE `marts`.`altered` ALTER COLUMN `order_id` SET DATA TYPE NUMERIC');
    await engine.execute('ALTER TABLE `marts`.`altered` DROP COLUMN IF EXISTS `missing`, DROP COLUMN `order_ts`');
    await engine.execute("ALTER TABLE `marts`.`altered` SET OPTIONS (description = 'kept as is')");
    await engine.execute('ALTER TABLE IF EXISTS `marts`.`never_built` ADD COLUMN `x` INT64');
    // The statement after the ALTERs sees what they made.
    await engine.query('SELECT buyer_id, note FROM `marts`.`altered` WHERE order_id > 1.5');
    expect(await engine.listColumns('marts', 'altered')).toEqual([
      { name: 'order_id', dataType: 'NUMERIC' },
      { name: 'buyer_id', dataType: 'INT64' },
      { name: 'note', dataType: 'STRING' },
    ]);
    await engine.execute('ALTER TABLE `marts`.`altered` RENAME TO `renamed`');
    expect((await engine.listRelations('marts')).map((r) => r.name)).toContain('renamed');
    expect(engine.analyzer.catalog.has('marts', 'altered')).toBe(false);
    expect(engine.analyzer.catalog.has('marts', 'never_built')).toBe(false);
    await expect(engine.query('SELECT buyer_id FROM `marts`.`altered`')).rejects.toThrow(/Table not found: .*altered/);
  });

  it('adds a CREATE TABLE with a column list, and leaves an existing table alone under IF NOT EXISTS', async () => {
    await engine.execute('CREATE TABLE IF NOT EXISTS `audit`.`log` (test_name STRING, failures INT64)');
    await engine.execute('CREATE TABLE IF NOT EXISTS `audit`.`log` (other STRING)');
    await engine.execute("DELETE FROM `audit`.`log` WHERE test_name = 'x'");
    expect(await engine.listColumns('audit', 'log')).toEqual([
      { name: 'test_name', dataType: 'STRING' },
      { name: 'failures', dataType: 'INT64' },
    ]);
  });

  it('keeps ARRAY and STRUCT columns whole: children read into them, append_new_columns adds one as BigQuery spells it', async () => {
    const target = { schema: 'marts', name: 'orders_nested' };
    const render = (isIncremental: boolean) =>
      `SELECT order_id, [STRUCT(order_status AS status, updated_at AS changed_at)] AS history${isIncremental ? ', [order_channel] AS channels' : ''} FROM \`landing\`.\`orders\``;
    const config = { unique_key: ['order_id'], incremental_strategy: 'merge' as const, on_schema_change: 'append_new_columns' as const };
    await materializeIncremental(new StatementLog(engine), target, render, config, false);
    await engine.query('SELECT order_id, history[OFFSET(0)].status FROM `marts`.`orders_nested`');
    const second = await materializeIncremental(new StatementLog(engine), target, render, config, false);
    expect(second.statements.filter((s) => s.startsWith('ALTER TABLE'))).toEqual(['ALTER TABLE `marts`.`orders_nested` ADD COLUMN `channels` ARRAY<STRING>']);
    expect(await engine.listColumns('marts', 'orders_nested')).toEqual([
      { name: 'order_id', dataType: 'INT64' },
      { name: 'history', dataType: 'ARRAY<STRUCT<`status` STRING, `changed_at` TIMESTAMP>>' },
      { name: 'channels', dataType: 'ARRAY<STRING>' },
    ]);
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
