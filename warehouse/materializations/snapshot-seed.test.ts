import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDB, type DuckDBEngine } from '../duckdb/index.ts';
import { StatementLog } from './execute.ts';
import { materializeSeed } from './seed.ts';
import { materializeSnapshot, snapshotSettings } from './snapshot.ts';

let engine: DuckDBEngine;
beforeEach(async () => {
  engine = await openDuckDB(':memory:');
  await engine.ensureSchema('snapshots');
  await engine.ensureSchema('staging');
});
afterEach(() => engine.close());

const target = { schema: 'snapshots', name: 'snap_products' };
const snap = (config: Record<string, unknown>, asOf: string) =>
  materializeSnapshot(new StatementLog(engine), target, 'select * from staging.products', snapshotSettings(config, 'snapshots/snap.sql'), { vars: { as_of: asOf } });
const history = () =>
  engine.query(`select product_id, price, strftime(dbt_valid_from, '%Y-%m-%d') as valid_from, strftime(dbt_valid_to, '%Y-%m-%d') as valid_to from snapshots.snap_products order by product_id, dbt_valid_from`);

describe('snapshot (SCD2) over two runs', () => {
  beforeEach(async () => {
    await engine.execute(`create table staging.products as select * from (values
      (1, 10.0, timestamp '2024-01-01'), (2, 20.0, timestamp '2024-01-01'), (3, 30.0, timestamp '2024-01-01')) t(product_id, price, updated_at)`);
  });
  const secondLanding = async () => {
    await engine.execute(`update staging.products set price = 12.0, updated_at = timestamp '2024-02-01' where product_id = 1`);
    await engine.execute(`delete from staging.products where product_id = 3`);
    await engine.execute(`insert into staging.products values (4, 40.0, timestamp '2024-02-01')`);
  };

  it('timestamp strategy: closes the old version at the new updated_at and opens a new one', async () => {
    const first = await snap({ strategy: 'timestamp', unique_key: 'product_id', updated_at: 'updated_at' }, '2024-01-31');
    expect(first.rowsAffected).toBe(3);
    await secondLanding();
    const second = await snap({ strategy: 'timestamp', unique_key: 'product_id', updated_at: 'updated_at' }, '2024-02-29');
    expect(second.rowsAffected).toBe(2);
    expect(await history()).toEqual([
      { product_id: 1, price: 10, valid_from: '2024-01-01', valid_to: '2024-02-01' },
      { product_id: 1, price: 12, valid_from: '2024-02-01', valid_to: null },
      { product_id: 2, price: 20, valid_from: '2024-01-01', valid_to: null },
      { product_id: 3, price: 30, valid_from: '2024-01-01', valid_to: null },
      { product_id: 4, price: 40, valid_from: '2024-02-01', valid_to: null },
    ]);
    const ids = await engine.query('select count(distinct dbt_scd_id) as n, count(*) as total from snapshots.snap_products');
    expect(ids).toEqual([{ n: 5, total: 5 }]);
    // a third run with no change adds nothing
    expect((await snap({ strategy: 'timestamp', unique_key: 'product_id', updated_at: 'updated_at' }, '2024-03-31')).rowsAffected).toBe(0);
  });

  it('check strategy with invalidated hard deletes: versions change at the scenario date', async () => {
    const config = { strategy: 'check', unique_key: ['product_id'], check_cols: ['price'], hard_deletes: 'invalidate' };
    await snap(config, '2024-01-31');
    await secondLanding();
    await snap(config, '2024-02-29');
    expect(await history()).toEqual([
      { product_id: 1, price: 10, valid_from: '2024-01-31', valid_to: '2024-02-29' },
      { product_id: 1, price: 12, valid_from: '2024-02-29', valid_to: null },
      { product_id: 2, price: 20, valid_from: '2024-01-31', valid_to: null },
      { product_id: 3, price: 30, valid_from: '2024-01-31', valid_to: '2024-02-29' },
      { product_id: 4, price: 40, valid_from: '2024-02-29', valid_to: null },
    ]);
  });

  it('rejects incomplete configs with the file', () => {
    expect(() => snapshotSettings({ strategy: 'timestamp', unique_key: 'id' }, 'snapshots/snap.sql')).toThrow("snapshots/snap.sql: snapshot strategy 'timestamp' needs updated_at");
    expect(() => snapshotSettings({ strategy: 'latest', unique_key: 'id' }, 'snapshots/snap.sql')).toThrow(/accepted: timestamp, check/);
  });
});

describe('seeds', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads a CSV with inferred and configured types; empty cells are NULL', async () => {
    const file = path.join(dir, 'holidays.csv');
    fs.writeFileSync(file, 'day,name,bonus,code\n2024-12-25,"Christmas, Day",1.5,007\n2024-11-29,Black Friday,,042\n');
    const result = await materializeSeed(new StatementLog(engine), { schema: 'staging', name: 'holidays' }, file, { column_types: { code: 'varchar' }, delimiter: ',' }, 'seeds/holidays.csv');
    expect(result.rowsAffected).toBe(2);
    expect((await engine.listColumns('staging', 'holidays')).map((c) => c.dataType)).toEqual(['DATE', 'VARCHAR', 'DOUBLE', 'VARCHAR']);
    expect(await engine.query(`select name, bonus, code from staging.holidays order by day`)).toEqual([
      { name: 'Black Friday', bonus: null, code: '042' },
      { name: 'Christmas, Day', bonus: 1.5, code: '007' },
    ]);
  });

  it('names a ragged line', async () => {
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, 'a,b\n1,2\n3\n');
    await expect(materializeSeed(new StatementLog(engine), { schema: 'staging', name: 'bad' }, file, { column_types: {}, delimiter: ',' }, 'seeds/bad.csv')).rejects.toThrow('seeds/bad.csv: CSV row 3 has 1 fields, the header has 2');
  });
});
