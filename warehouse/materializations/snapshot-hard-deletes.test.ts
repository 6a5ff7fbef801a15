import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDB, type DuckDBEngine } from '../duckdb/index.ts';
import { loadProject } from '../project/load.ts';
import { build } from '../runner/build.ts';
import { StatementLog } from './execute.ts';
import { materializeSnapshot, snapshotSettings } from './snapshot.ts';

/**
 * hard_deletes over three runs, as dbt 1.9 writes them: keys a, b, c; then b deleted from the
 * source; then b back. Each run's snapshot time is the scenario's as_of (end of that day).
 */
let engine: DuckDBEngine;
beforeEach(async () => {
  engine = await openDuckDB(':memory:');
  await engine.ensureSchema('snapshots');
  await engine.ensureSchema('staging');
  await engine.execute(`create table staging.items as select * from (values
    ('a', 1, timestamp '2024-01-01'), ('b', 2, timestamp '2024-01-01'), ('c', 3, timestamp '2024-01-01')) t(item, qty, updated_at)`);
});
afterEach(() => engine.close());

const target = { schema: 'snapshots', name: 'snap_items' };
const snap = (config: Record<string, unknown>, asOf: string) =>
  materializeSnapshot(new StatementLog(engine), target, 'select * from staging.items', snapshotSettings(config, 'snapshots/snap_items.sql'), { vars: { as_of: asOf } });
const day = (c: string) => `strftime(${c}, '%Y-%m-%d %H:%M:%S')`;
const history = (extra = '') =>
  engine.query(`select item, qty, ${day('dbt_valid_from')} as valid_from, ${day('dbt_valid_to')} as valid_to${extra} from snapshots.snap_items order by item, dbt_valid_from, dbt_valid_to nulls last`);
const deleteB = () => engine.execute(`delete from staging.items where item = 'b'`);
const bringBackB = (updatedAt = '2024-01-01') => engine.execute(`insert into staging.items values ('b', 2, timestamp '${updatedAt}')`);
const END = (d: string) => `${d} 23:59:59`;

describe("hard_deletes: 'new_record'", () => {
  const check = { strategy: 'check', unique_key: 'item', check_cols: ['qty'], hard_deletes: 'new_record' };

  it('check strategy: closes a deleted key, opens a deletion record, and reopens the key when it comes back', async () => {
    expect((await snap(check, '2024-01-31')).rowsAffected).toBe(3);
    expect(await engine.query(`select column_name, data_type from information_schema.columns where table_name = 'snap_items' and column_name = 'dbt_is_deleted'`)).toEqual([
      { column_name: 'dbt_is_deleted', data_type: 'VARCHAR' },
    ]);
    await deleteB();
    expect((await snap(check, '2024-02-29')).rowsAffected).toBe(1); // the deletion record
    await bringBackB();
    expect((await snap(check, '2024-03-31')).rowsAffected).toBe(1); // b's new version
    expect(await history(', dbt_is_deleted')).toEqual([
      { item: 'a', qty: 1, valid_from: END('2024-01-31'), valid_to: null, dbt_is_deleted: 'False' },
      { item: 'b', qty: 2, valid_from: END('2024-01-31'), valid_to: END('2024-02-29'), dbt_is_deleted: 'False' },
      { item: 'b', qty: 2, valid_from: END('2024-02-29'), valid_to: END('2024-03-31'), dbt_is_deleted: 'True' },
      { item: 'b', qty: 2, valid_from: END('2024-03-31'), valid_to: null, dbt_is_deleted: 'False' },
      { item: 'c', qty: 3, valid_from: END('2024-01-31'), valid_to: null, dbt_is_deleted: 'False' },
    ]);
    // The deletion record is stamped with the snapshot time, and every version has its own id.
    expect(await engine.query(`select ${day('dbt_updated_at')} as updated_at from snapshots.snap_items where dbt_is_deleted = 'True'`)).toEqual([{ updated_at: END('2024-02-29') }]);
    expect(await engine.query('select count(distinct dbt_scd_id) as n from snapshots.snap_items')).toEqual([{ n: 5 }]);
  });

  it('a key that stays deleted gets one deletion record, however many runs follow', async () => {
    await snap(check, '2024-01-31');
    await deleteB();
    await snap(check, '2024-02-29');
    expect((await snap(check, '2024-03-31')).rowsAffected).toBe(0);
    expect(await history(', dbt_is_deleted')).toEqual([
      { item: 'a', qty: 1, valid_from: END('2024-01-31'), valid_to: null, dbt_is_deleted: 'False' },
      { item: 'b', qty: 2, valid_from: END('2024-01-31'), valid_to: END('2024-02-29'), dbt_is_deleted: 'False' },
      { item: 'b', qty: 2, valid_from: END('2024-02-29'), valid_to: null, dbt_is_deleted: 'True' },
      { item: 'c', qty: 3, valid_from: END('2024-01-31'), valid_to: null, dbt_is_deleted: 'False' },
    ]);
  });

  it('timestamp strategy: deletion at the snapshot time, the return at the returning row\'s updated_at', async () => {
    const timestamp = { strategy: 'timestamp', unique_key: ['item'], updated_at: 'updated_at', hard_deletes: 'new_record' };
    await snap(timestamp, '2024-01-31');
    await deleteB();
    await snap(timestamp, '2024-02-29');
    await bringBackB('2024-03-15');
    await snap(timestamp, '2024-03-31');
    expect(await history(', dbt_is_deleted')).toEqual([
      { item: 'a', qty: 1, valid_from: '2024-01-01 00:00:00', valid_to: null, dbt_is_deleted: 'False' },
      { item: 'b', qty: 2, valid_from: '2024-01-01 00:00:00', valid_to: END('2024-02-29'), dbt_is_deleted: 'False' },
      { item: 'b', qty: 2, valid_from: END('2024-02-29'), valid_to: '2024-03-15 00:00:00', dbt_is_deleted: 'True' },
      { item: 'b', qty: 2, valid_from: '2024-03-15 00:00:00', valid_to: null, dbt_is_deleted: 'False' },
      { item: 'c', qty: 3, valid_from: '2024-01-01 00:00:00', valid_to: null, dbt_is_deleted: 'False' },
    ]);
  });

  it('timestamp strategy: a key restored unchanged (updated_at before its deletion) comes back at the snapshot time', async () => {
    const timestamp = { strategy: 'timestamp', unique_key: 'item', updated_at: 'updated_at', hard_deletes: 'new_record' };
    await snap(timestamp, '2024-01-31');
    await deleteB();
    await snap(timestamp, '2024-02-29');
    await bringBackB('2024-01-01');
    expect((await snap(timestamp, '2024-03-31')).rowsAffected).toBe(1);
    expect(await history(', dbt_is_deleted')).toEqual([
      { item: 'a', qty: 1, valid_from: '2024-01-01 00:00:00', valid_to: null, dbt_is_deleted: 'False' },
      { item: 'b', qty: 2, valid_from: '2024-01-01 00:00:00', valid_to: END('2024-02-29'), dbt_is_deleted: 'False' },
      { item: 'b', qty: 2, valid_from: END('2024-02-29'), valid_to: END('2024-03-31'), dbt_is_deleted: 'True' },
      { item: 'b', qty: 2, valid_from: END('2024-03-31'), valid_to: null, dbt_is_deleted: 'False' },
      { item: 'c', qty: 3, valid_from: '2024-01-01 00:00:00', valid_to: null, dbt_is_deleted: 'False' },
    ]);
    // dbt_updated_at stays the source's updated_at; every version keeps its own id.
    expect(await engine.query(`select ${day('dbt_updated_at')} as updated_at from snapshots.snap_items where item = 'b' order by dbt_valid_from`)).toEqual([
      { updated_at: '2024-01-01 00:00:00' },
      { updated_at: END('2024-02-29') },
      { updated_at: '2024-01-01 00:00:00' },
    ]);
    expect(await engine.query('select count(distinct dbt_scd_id) as n from snapshots.snap_items')).toEqual([{ n: 5 }]);
  });

  it('refuses an existing snapshot without dbt_is_deleted, as dbt does, and changes nothing', async () => {
    await snap({ ...check, hard_deletes: 'invalidate' }, '2024-01-31');
    await deleteB();
    const before = await history();
    await expect(snap(check, '2024-02-29')).rejects.toThrow(
      `snapshot table "snapshots"."snap_items" has no dbt_is_deleted column, which hard_deletes 'new_record' needs (dbt refuses it too): add it (ALTER TABLE "snapshots"."snap_items" ADD COLUMN dbt_is_deleted varchar) or drop the table so the next run rebuilds it`,
    );
    expect(await history()).toEqual(before);
    expect(await engine.query(`select count(*) as n from information_schema.tables where table_name like 'snap_items%'`)).toEqual([{ n: 1 }]);
  });

  it('works on a snapshot that got the column by hand (NULL counts as not deleted)', async () => {
    await snap({ ...check, hard_deletes: 'ignore' }, '2024-01-31');
    await engine.execute('alter table snapshots.snap_items add column dbt_is_deleted varchar');
    await deleteB();
    await snap(check, '2024-02-29');
    expect(await history(', dbt_is_deleted')).toEqual([
      { item: 'a', qty: 1, valid_from: END('2024-01-31'), valid_to: null, dbt_is_deleted: null },
      { item: 'b', qty: 2, valid_from: END('2024-01-31'), valid_to: END('2024-02-29'), dbt_is_deleted: null },
      { item: 'b', qty: 2, valid_from: END('2024-02-29'), valid_to: null, dbt_is_deleted: 'True' },
      { item: 'c', qty: 3, valid_from: END('2024-01-31'), valid_to: null, dbt_is_deleted: null },
    ]);
  });
});

describe('hard_deletes ignore and invalidate are unchanged by new_record', () => {
  const threeRuns = async (hardDeletes: string) => {
    const config = { strategy: 'check', unique_key: 'item', check_cols: ['qty'], hard_deletes: hardDeletes };
    await snap(config, '2024-01-31');
    await deleteB();
    await snap(config, '2024-02-29');
    await bringBackB();
    await snap(config, '2024-03-31');
    const columns = await engine.listColumns('snapshots', 'snap_items');
    expect(columns.map((c) => c.name)).not.toContain('dbt_is_deleted');
    return history();
  };

  it("'ignore' keeps the deleted key's version open and adds nothing when it comes back", async () => {
    expect(await threeRuns('ignore')).toEqual([
      { item: 'a', qty: 1, valid_from: END('2024-01-31'), valid_to: null },
      { item: 'b', qty: 2, valid_from: END('2024-01-31'), valid_to: null },
      { item: 'c', qty: 3, valid_from: END('2024-01-31'), valid_to: null },
    ]);
  });

  it("'invalidate' closes the deleted key and opens a new version when it comes back", async () => {
    expect(await threeRuns('invalidate')).toEqual([
      { item: 'a', qty: 1, valid_from: END('2024-01-31'), valid_to: null },
      { item: 'b', qty: 2, valid_from: END('2024-01-31'), valid_to: END('2024-02-29') },
      { item: 'b', qty: 2, valid_from: END('2024-03-31'), valid_to: null },
      { item: 'c', qty: 3, valid_from: END('2024-01-31'), valid_to: null },
    ]);
  });

  it('names the accepted values for an unknown hard_deletes', () => {
    expect(() => snapshotSettings({ strategy: 'check', unique_key: 'item', check_cols: 'all', hard_deletes: 'purge' }, 'snapshots/snap_items.sql')).toThrow(
      "snapshots/snap_items.sql: hard_deletes 'purge' is not known (accepted: ignore, invalidate, new_record)",
    );
  });
});

describe("a project's YAML snapshot with hard_deletes: new_record, through the runner", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-new-record-'));
    const files: Record<string, string> = {
      'dbt_project.yml': `name: snapped\nversion: '1.0'\nconfig-version: 2\nsnapshot-paths: [snapshots]\n`,
      'snapshots/schema.yml':
        `version: 2\nsources:\n  - name: app\n    schema: staging\n    tables:\n      - name: items\n` +
        `snapshots:\n  - name: snap_items\n    relation: source('app', 'items')\n    config:\n      schema: snapshots\n` +
        `      unique_key: item\n      strategy: check\n      check_cols: [qty]\n      hard_deletes: new_record\n`,
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the history of a key deleted and restored over three scenario dates', async () => {
    const project = await loadProject(dir);
    const runOn = async (asOf: string) => {
      const results = await build(engine, project, { target: { name: 'dev', type: 'duckdb', schema: 'main' }, vars: { as_of: asOf }, mode: 'run' });
      expect(results.results.map((r) => [r.status, r.message])).toEqual([['success', expect.stringMatching(/^SNAPSHOT/)]]);
      return results.results[0].adapter_response.rows_affected;
    };
    expect(await runOn('2024-01-31')).toBe(3);
    await deleteB();
    expect(await runOn('2024-02-29')).toBe(1);
    await bringBackB();
    expect(await runOn('2024-03-31')).toBe(1);
    const [relation] = (await engine.listRelations()).filter((r) => r.name === 'snap_items');
    expect(
      await engine.query(`select item, ${day('dbt_valid_from')} as valid_from, ${day('dbt_valid_to')} as valid_to, dbt_is_deleted from "${relation.schema}".snap_items order by item, dbt_valid_from`),
    ).toEqual([
      { item: 'a', valid_from: END('2024-01-31'), valid_to: null, dbt_is_deleted: 'False' },
      { item: 'b', valid_from: END('2024-01-31'), valid_to: END('2024-02-29'), dbt_is_deleted: 'False' },
      { item: 'b', valid_from: END('2024-02-29'), valid_to: END('2024-03-31'), dbt_is_deleted: 'True' },
      { item: 'b', valid_from: END('2024-03-31'), valid_to: null, dbt_is_deleted: 'False' },
      { item: 'c', valid_from: END('2024-01-31'), valid_to: null, dbt_is_deleted: 'False' },
    ]);
  });
});
