import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDB, type DuckDBEngine } from '../duckdb/index.ts';
import { incrementalConfig } from './config.ts';
import { StatementLog } from './execute.ts';
import { materializeIncremental, MaterializationError } from './incremental.ts';
import { createTableAs, tableOptions } from './sql.ts';
import { materializeTable, materializeView } from './table.ts';
import type { Dialect } from '../dialect.ts';

let engine: DuckDBEngine;
const target = { schema: 'marts', name: 'orders' };
const log = () => new StatementLog(engine);
const rows = (sql: string) => engine.query(sql);

beforeEach(async () => {
  engine = await openDuckDB(':memory:');
  await engine.ensureSchema('marts');
  await engine.execute(`CREATE TABLE marts.src AS SELECT * FROM (VALUES (1, 'a', 10), (2, 'b', 20)) t(id, status, amount)`);
});
afterEach(() => engine.close());

describe('table', () => {
  it('builds, rebuilds, and replaces a view of the same name', async () => {
    const first = await materializeTable(log(), target, 'SELECT * FROM marts.src');
    expect(first.rowsAffected).toBe(2);
    await engine.execute(`INSERT INTO marts.src VALUES (3, 'c', 30)`);
    expect((await materializeTable(log(), target, 'SELECT * FROM marts.src -- trailing comment')).rowsAffected).toBe(3);
    await engine.execute('DROP TABLE marts.orders');
    await engine.execute('CREATE VIEW marts.orders AS SELECT 1 AS x');
    await materializeTable(log(), target, 'SELECT id FROM marts.src;');
    expect(await engine.listRelations('marts')).toContainEqual({ schema: 'marts', name: 'orders', kind: 'table' });
    expect(await rows('SELECT count(*) AS n FROM marts.orders')).toEqual([{ n: 3 }]);
  });

  it('leaves the previous table intact when the SQL fails, and no scratch table behind', async () => {
    await materializeTable(log(), target, 'SELECT * FROM marts.src');
    await expect(materializeTable(log(), target, 'SELECT no_such_column FROM marts.src')).rejects.toThrow(/no_such_column/);
    expect(await rows('SELECT id, status FROM marts.orders ORDER BY id')).toEqual([
      { id: 1, status: 'a' },
      { id: 2, status: 'b' },
    ]);
    expect((await engine.listRelations('marts')).map((r) => r.name).sort()).toEqual(['orders', 'src']);
  });
});

describe('view', () => {
  it('creates a view, replaces a table by a view, and keeps the old relation when the SQL fails', async () => {
    await materializeTable(log(), target, 'SELECT * FROM marts.src');
    await materializeView(log(), target, 'SELECT id FROM marts.src WHERE amount > 10');
    expect(await engine.listRelations('marts')).toContainEqual({ schema: 'marts', name: 'orders', kind: 'view' });
    expect(await rows('SELECT * FROM marts.orders')).toEqual([{ id: 2 }]);
    await expect(materializeView(log(), target, 'SELECT nope FROM marts.src')).rejects.toThrow(/nope/);
    expect(await rows('SELECT * FROM marts.orders')).toEqual([{ id: 2 }]);
  });
});

describe('incremental', () => {
  const model = (isIncremental: boolean): string =>
    isIncremental ? `SELECT * FROM marts.src WHERE id > (SELECT coalesce(max(id), 0) - 1 FROM marts.orders)` : 'SELECT * FROM marts.src';
  const build = (config: Record<string, unknown>, fullRefresh = false, render: (inc: boolean) => string = model) =>
    materializeIncremental(log(), target, render, incrementalConfig(config, 'models/orders.sql'), fullRefresh);

  async function twoRuns(config: Record<string, unknown>) {
    await build(config);
    await engine.execute(`UPDATE marts.src SET status = 'B' WHERE id = 2`);
    await engine.execute(`INSERT INTO marts.src VALUES (3, 'c', 30)`);
    const second = await build(config);
    return { second, table: await rows('SELECT id, status FROM marts.orders ORDER BY id, status') };
  }

  it('merge updates matched keys and inserts new ones', async () => {
    const { second, table } = await twoRuns({ unique_key: 'id', incremental_strategy: 'merge' });
    expect(table).toEqual([{ id: 1, status: 'a' }, { id: 2, status: 'B' }, { id: 3, status: 'c' }]);
    expect(second.rowsAffected).toBe(2);
    expect(second.statements.some((s) => s.startsWith('MERGE INTO'))).toBe(true);
  });

  it('delete+insert replaces matched keys', async () => {
    const { table } = await twoRuns({ unique_key: ['id'], incremental_strategy: 'delete+insert' });
    expect(table).toEqual([{ id: 1, status: 'a' }, { id: 2, status: 'B' }, { id: 3, status: 'c' }]);
  });

  it('append keeps every version', async () => {
    const { table } = await twoRuns({ incremental_strategy: 'append' });
    expect(table).toEqual([{ id: 1, status: 'a' }, { id: 2, status: 'B' }, { id: 2, status: 'b' }, { id: 3, status: 'c' }]);
  });

  it('merge without a dialect MERGE falls back to delete+insert with the same result', async () => {
    const noMerge: Dialect = { ...engine.dialect, supports: { ...engine.dialect.supports, merge: false } };
    Object.defineProperty(engine, 'dialect', { value: noMerge });
    const { second, table } = await twoRuns({ unique_key: 'id' });
    expect(table).toEqual([{ id: 1, status: 'a' }, { id: 2, status: 'B' }, { id: 3, status: 'c' }]);
    expect(second.statements.some((s) => s.includes('DELETE FROM'))).toBe(true);
  });

  it('insert_overwrite is refused where the dialect does not support it', async () => {
    await build({ unique_key: 'id' });
    await expect(build({ incremental_strategy: 'insert_overwrite', partition_by: { field: 'id', data_type: 'int64', range: { start: 0, end: 10, interval: 1 } } })).rejects.toThrow(
      /insert_overwrite' is not supported on duckdb/,
    );
  });

  it('full refresh rebuilds from the non-incremental SQL', async () => {
    await build({ unique_key: 'id' });
    await engine.execute('DELETE FROM marts.src WHERE id = 1');
    await build({ unique_key: 'id' }, true);
    expect(await rows('SELECT id FROM marts.orders ORDER BY id')).toEqual([{ id: 2 }]);
  });

  it('a failing increment leaves the table intact', async () => {
    await build({ unique_key: 'id' });
    await expect(build({ unique_key: 'id' }, false, (inc) => (inc ? 'SELECT bad FROM marts.src' : 'SELECT * FROM marts.src'))).rejects.toThrow(/bad/);
    expect(await rows('SELECT count(*) AS n FROM marts.orders')).toEqual([{ n: 2 }]);
    expect((await engine.listRelations('marts')).map((r) => r.name).sort()).toEqual(['orders', 'src']);
  });

  describe('on_schema_change', () => {
    const withNewColumn = (inc: boolean) => (inc ? `SELECT *, amount * 2 AS doubled FROM marts.src WHERE id = 2` : 'SELECT * FROM marts.src');

    it('ignore drops the new column silently', async () => {
      await build({ unique_key: 'id' });
      await build({ unique_key: 'id', on_schema_change: 'ignore' }, false, withNewColumn);
      expect((await engine.listColumns('marts', 'orders')).map((c) => c.name)).toEqual(['id', 'status', 'amount']);
    });

    it('fail names the changed columns and changes nothing', async () => {
      await build({ unique_key: 'id' });
      await expect(build({ unique_key: 'id', on_schema_change: 'fail' }, false, withNewColumn)).rejects.toThrow(MaterializationError);
      await expect(build({ unique_key: 'id', on_schema_change: 'fail' }, false, withNewColumn)).rejects.toThrow(/added: doubled; removed: none/);
      expect((await engine.listColumns('marts', 'orders')).map((c) => c.name)).toEqual(['id', 'status', 'amount']);
    });

    it('append_new_columns adds the column, NULL for old rows', async () => {
      await build({ unique_key: 'id' });
      await build({ unique_key: 'id', on_schema_change: 'append_new_columns' }, false, withNewColumn);
      expect(await rows('SELECT id, doubled FROM marts.orders ORDER BY id')).toEqual([{ id: 1, doubled: null }, { id: 2, doubled: 40 }]);
    });

    it('sync_all_columns also drops removed columns', async () => {
      await build({ unique_key: 'id' });
      await build({ unique_key: 'id', on_schema_change: 'sync_all_columns' }, false, (inc) => (inc ? 'SELECT id, amount FROM marts.src' : 'SELECT * FROM marts.src'));
      expect((await engine.listColumns('marts', 'orders')).map((c) => c.name)).toEqual(['id', 'amount']);
    });
  });

  it('rejects bad config with the file and the accepted values', () => {
    expect(() => incrementalConfig({ incremental_strategy: 'upsert' }, 'models/x.sql')).toThrow(
      "models/x.sql: incremental_strategy 'upsert' is not known (accepted: merge, delete+insert, append, insert_overwrite)",
    );
    expect(() => incrementalConfig({ incremental_strategy: 'delete+insert' }, 'models/x.sql')).toThrow(/needs a unique_key/);
    expect(() => incrementalConfig({ on_schema_change: 'drop' }, 'models/x.sql')).toThrow(/accepted: ignore, fail, append_new_columns, sync_all_columns/);
  });
});

describe('partitioning DDL (dialects with supports.partitioning)', () => {
  const bq: Dialect = {
    name: 'bigquery',
    supports: { merge: true, enums: false, transactionalDdl: false, createOrReplaceTable: true, partitioning: true, insertOverwrite: true },
    quoteIdentifier: (n) => `\`${n}\``,
    relation: (s, n) => `\`${s}\`.\`${n}\``,
    physicalType: (t) => t,
    stringLiteral: (v) => `'${v}'`,
  };
  it('renders partition_by and cluster_by in BigQuery form, and nothing for DuckDB', () => {
    const cfg = { partition_by: { field: 'order_ts', data_type: 'timestamp' as const, granularity: 'day' as const }, cluster_by: ['customer_id'] };
    expect(createTableAs(bq, { schema: 'marts', name: 'f' }, 'SELECT 1', cfg, true)).toBe(
      'CREATE OR REPLACE TABLE `marts`.`f`\nPARTITION BY TIMESTAMP_TRUNC(`order_ts`, DAY)\nCLUSTER BY `customer_id`\nAS (\nSELECT 1\n)',
    );
    expect(tableOptions(bq, { partition_by: { field: 'd', data_type: 'date', granularity: 'month' } })).toBe('\nPARTITION BY DATE_TRUNC(`d`, MONTH)');
    expect(tableOptions(engine.dialect, cfg)).toBe('');
  });
});

describe('transaction scripts', () => {
  it('a script failing half-way is rolled back and leaves the connection usable', async () => {
    await materializeTable(log(), target, 'SELECT * FROM marts.src');
    const script = 'BEGIN TRANSACTION;\nDELETE FROM marts.orders;\nINSERT INTO marts.orders SELECT * FROM marts.nope;\nCOMMIT TRANSACTION;';
    await expect(log().execute(script)).rejects.toThrow(/nope/);
    expect(await rows('SELECT count(*) AS n FROM marts.orders')).toEqual([{ n: 2 }]);
    await engine.execute('CREATE TABLE marts.after AS SELECT 1 AS x');
    await engine.execute('ROLLBACK').catch(() => undefined); // would undo marts.after if a transaction were still open
    expect(await engine.listRelations('marts')).toContainEqual({ schema: 'marts', name: 'after', kind: 'table' });
  });
});
