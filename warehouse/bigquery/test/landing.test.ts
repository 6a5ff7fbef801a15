import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockedHosts } from './loopback-guard.ts';
import { cellValue } from '../../../contract/batch.ts';
import { InputError } from '../../../contract/errors.ts';
import { customers, orders } from '../../../contract/landing.ts';
import { tableSchema } from '../types.ts';
import { FakeBigQuery } from './fake-bigquery.ts';
import { batchOf, openTestEngine } from './helpers.ts';

const CUSTOMERS = [
  { customer_id: 1, first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', country_code: 'GB', acquisition_channel: 'organic', created_at: '2024-01-01T09:30:00.000Z' },
  { customer_id: 2, first_name: "O'Neil", last_name: 'Smith "Jr"', email: null, country_code: 'US', acquisition_channel: 'paid_search', created_at: '2024-02-29T23:59:59.123Z' },
];
const ORDERS = [
  { order_id: 10, customer_id: 1, order_status: 'delivered', order_channel: 'web', order_ts: '2024-03-01T10:00:00.000Z', shipped_at: '2024-03-02T08:00:00.000Z', delivered_at: '2024-03-04T12:00:00.000Z', cancelled_at: null, returned_at: null, order_total: 1234.5, created_at: '2024-03-01T10:00:00.000Z', updated_at: '2024-03-04T12:00:00.000Z' },
  { order_id: 11, customer_id: 2, order_status: 'cancelled', order_channel: 'app', order_ts: '2024-03-05T00:00:00.000Z', shipped_at: null, delivered_at: null, cancelled_at: '2024-03-05T01:00:00.000Z', returned_at: null, order_total: -0.07, created_at: '2024-03-05T00:00:00.000Z', updated_at: '2024-03-05T01:00:00.000Z' },
];

let fake: FakeBigQuery;
beforeEach(async () => {
  fake = await FakeBigQuery.start();
});
afterEach(async () => {
  await fake.close();
  expect(blockedHosts).toEqual([]);
});

describe('BigQuery datasets', () => {
  it('creates each layer dataset with the sandbox prefix, the location and the tool label, and accepts an existing one', async () => {
    const { engine } = await openTestEngine(fake, { location: 'EU', datasetPrefix: 'dev_alice_', datasets: { marts: 'analytics' } });
    await engine.ensureSchema('landing');
    await engine.ensureSchema('marts');
    await engine.ensureSchema('landing'); // exists: looked up, not created again
    const creates = fake.find('POST', /^\/projects\/test-project\/datasets$/);
    expect(creates.map((r) => r.body.datasetReference.datasetId)).toEqual(['dev_alice_landing', 'dev_alice_analytics']);
    expect(fake.find('GET', /^\/projects\/test-project\/datasets\/dev_alice_landing$/)).toHaveLength(2);
    expect(creates[0].body).toMatchObject({ location: 'EU', datasetReference: { projectId: 'test-project' }, labels: { tool: 'ecom-sim' } });
    expect(creates[0].auth).toBe('Bearer fake-token');
    expect(engine.dialect.relation('marts', 'fct_orders')).toBe('`test-project`.`dev_alice_analytics`.`fct_orders`');
  });

  it('refuses a layer dataset that lives in another location (exit 2) instead of failing every job', async () => {
    await (await openTestEngine(fake, { location: 'EU' })).engine.ensureSchema('landing');
    const { engine } = await openTestEngine(fake, { location: 'US' });
    const error = await engine.ensureSchema('landing').catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('dataset test-project.landing is in EU, not in US: pass --bq-location EU, or a --dataset-prefix for new datasets');
  });
});

describe('BigQuery landing through load jobs', () => {
  it('loads NDJSON with the contract schema under temporary names, then swaps every table in one transaction', async () => {
    const { engine } = await openTestEngine(fake);
    const writer = await engine.openLanding('landing', [customers, orders]);
    const customerBatch = batchOf(customers, CUSTOMERS);
    const orderBatch = batchOf(orders, ORDERS);
    await writer.append(customerBatch);
    await writer.append(orderBatch);
    // Nothing visible under the final names before commit.
    expect(fake.table('landing', 'orders')).toBeUndefined();
    await writer.commit();

    const uploads = fake.find('POST', /^\/upload\/bigquery\/v2\/projects\/test-project\/jobs$/);
    expect(uploads).toHaveLength(2);
    const orderUpload = uploads.find((u) => u.body.configuration.load.destinationTable.tableId.endsWith('_orders'))!;
    expect(orderUpload.query.uploadType).toBe('multipart');
    expect(orderUpload.body.configuration.load).toMatchObject({
      sourceFormat: 'NEWLINE_DELIMITED_JSON',
      writeDisposition: 'WRITE_TRUNCATE',
      destinationTable: { projectId: 'test-project', datasetId: 'landing', tableId: '_ecomsim_load_run42_orders' },
      schema: { fields: tableSchema(orders) },
    });
    expect(orderUpload.body.configuration.labels).toMatchObject({ tool: 'ecom-sim', run_id: 'run42', node: 'land_orders', job_kind: 'load' });
    expect(orderUpload.body.jobReference.jobId).toMatch(/^ecomsim_run42_land_orders_part0_[0-9a-f]{16}$/);

    // The uploaded rows decode back to the batch, cell for cell.
    for (const [upload, batch] of [[orderUpload, orderBatch], [uploads.find((u) => u !== orderUpload)!, customerBatch]] as const) {
      const lines = upload.data!.trimEnd().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(batch.rowCount);
      lines.forEach((line, r) => {
        batch.table.columns.forEach((col, c) => {
          const expected = cellValue(batch, c, r);
          const got = line[col.name];
          if (expected === null) expect(got).toBeUndefined();
          else if (col.type === 'NUMERIC') expect(got).toBe((expected as number / 100).toFixed(2));
          else if (col.type === 'TIMESTAMP') expect(Date.parse(got) * 1000).toBe(expected);
          else expect(got).toBe(expected);
        });
      });
    }
    expect(orderUpload.data).toContain('"order_total":"1234.50"');
    expect(orderUpload.data).toContain('"order_total":"-0.07"');
    expect(orderUpload.data).toContain('"order_ts":"2024-03-01T10:00:00.000000Z"');

    // Temporary tables: created with the schema and an expiry; gone after the swap.
    const tempCreate = fake.find('POST', /\/datasets\/landing\/tables$/).find((r) => r.body.tableReference.tableId === '_ecomsim_load_run42_orders')!;
    expect(tempCreate.body.schema.fields).toEqual(tableSchema(orders));
    expect(Number(tempCreate.body.expirationTime)).toBeGreaterThan(0);
    expect(fake.table('landing', '_ecomsim_load_run42_orders')).toBeUndefined();

    // One transaction swaps both tables.
    const swap = fake.find('POST', /\/jobs$/).filter((r) => r.path.startsWith('/projects')).map((r) => r.body.configuration.query.query);
    expect(swap).toHaveLength(1);
    expect(swap[0]).toMatch(/^BEGIN TRANSACTION;\nTRUNCATE TABLE `test-project`\.`landing`\.`customers`;\nINSERT INTO `test-project`\.`landing`\.`customers`/);
    expect(swap[0]).toMatch(/COMMIT TRANSACTION;$/);
    expect(fake.table('landing', 'orders')!.rows.map((r) => r.order_id)).toEqual([10, 11]);
    expect(fake.table('landing', 'customers')!.rows[1]).toMatchObject({ first_name: "O'Neil", last_name: 'Smith "Jr"' });
    expect(fake.table('landing', 'customers')!.rows[1].email).toBeUndefined();
    // Never streaming inserts.
    expect(fake.requests.filter((r) => r.path.endsWith('/insertAll'))).toEqual([]);
    // The landed tables, as the model engine sees them (temporary tables never show).
    expect(await engine.listRelations()).toEqual([
      { schema: 'landing', name: 'customers', kind: 'table' },
      { schema: 'landing', name: 'orders', kind: 'table' },
    ]);
    expect((await engine.listColumns('landing', 'orders')).slice(0, 3)).toEqual([
      { name: 'order_id', dataType: 'INT64' },
      { name: 'customer_id', dataType: 'INT64' },
      { name: 'order_status', dataType: 'STRING' },
    ]);
    await engine.close();
  });

  it('splits a table into several load jobs when its NDJSON exceeds the chunk size', async () => {
    const { engine } = await openTestEngine(fake, {}, { chunkBytes: 400 });
    const writer = await engine.openLanding('landing', [orders]);
    const many = Array.from({ length: 9 }, (_, i) => ({ ...ORDERS[i % 2], order_id: 100 + i }));
    await writer.append(batchOf(orders, many));
    await writer.commit();
    const loads = fake.find('POST', /^\/upload\//).map((u) => u.body.configuration.load.writeDisposition);
    expect(loads.length).toBeGreaterThan(2);
    expect(loads).toEqual(['WRITE_TRUNCATE', ...Array(loads.length - 1).fill('WRITE_APPEND')]);
    for (const u of fake.find('POST', /^\/upload\//)) expect(Buffer.byteLength(u.data!)).toBeLessThanOrEqual(400);
    expect(fake.table('landing', 'orders')!.rows.map((r) => r.order_id)).toEqual(many.map((o) => o.order_id));
  });

  it('a failed load job leaves the previous landing intact and removes the temporary tables', async () => {
    const { engine } = await openTestEngine(fake);
    const first = await engine.openLanding('landing', [customers, orders]);
    await first.append(batchOf(customers, CUSTOMERS));
    await first.append(batchOf(orders, ORDERS));
    await first.commit();

    const second = await engine.openLanding('landing', [customers, orders]);
    await second.append(batchOf(customers, [CUSTOMERS[0]]));
    // A REQUIRED column missing: BigQuery rejects the load job (DONE with errorResult 'invalid').
    const broken = batchOf(orders, [ORDERS[0]]);
    (broken.columns[orders.columns.findIndex((c) => c.name === 'customer_id')] as Float64Array)[0] = NaN;
    const failed = (async () => {
      await second.append(broken);
      await second.commit();
    })();
    await expect(failed).rejects.toThrow(/BigQuery job ecomsim_run42_land_orders_part0_[0-9a-f]+ \(land_orders\) failed \[invalid\]: .*missing required field: customer_id/);
    expect(fake.table('landing', 'customers')!.rows).toHaveLength(2);
    expect(fake.table('landing', 'orders')!.rows).toHaveLength(2);
    expect([...fake.tables.keys()].filter((k) => k.includes('_ecomsim_load_'))).toEqual([]);
  });

  it('retries an upload that got a 503 under the same job id', async () => {
    const { engine, sleeps } = await openTestEngine(fake);
    fake.fail((r) => r.path.startsWith('/upload/'), { status: 503, reason: 'backendError', times: 1 });
    const writer = await engine.openLanding('landing', [orders]);
    await writer.append(batchOf(orders, ORDERS));
    await writer.commit();
    const uploads = fake.find('POST', /^\/upload\//);
    expect(uploads).toHaveLength(2);
    expect(uploads[0].body.jobReference.jobId).toBe(uploads[1].body.jobReference.jobId);
    expect(sleeps).toEqual([1000]);
    expect(fake.table('landing', 'orders')!.rows).toHaveLength(2);
  });

  it('an upload whose response was lost is sent again under the same job id, and its rows are appended once', async () => {
    const { engine } = await openTestEngine(fake, {}, { chunkBytes: 400 });
    // The second chunk's load job is created (an append), but its answer never arrives.
    fake.failAfter((r) => r.path.startsWith('/upload/') && r.body.configuration.load.writeDisposition === 'WRITE_APPEND', { status: 502, reason: 'backendError' });
    const writer = await engine.openLanding('landing', [orders]);
    const many = Array.from({ length: 9 }, (_, i) => ({ ...ORDERS[i % 2], order_id: 100 + i }));
    await writer.append(batchOf(orders, many));
    await writer.commit();
    const ids = fake.find('POST', /^\/upload\//).map((u) => u.body.jobReference.jobId);
    expect(ids[1]).toBe(ids[2]); // the retry
    expect(new Set(ids).size).toBe(ids.length - 1);
    expect(fake.table('landing', 'orders')!.rows.map((r) => r.order_id)).toEqual(many.map((o) => o.order_id));
  });

  it('--dry-run sends no data and reports what would be loaded', async () => {
    const { engine, report } = await openTestEngine(fake, { dryRun: true });
    const writer = await engine.openLanding('landing', [orders]);
    await writer.append(batchOf(orders, ORDERS));
    await writer.commit();
    expect(fake.find('POST', /./)).toEqual([]);
    expect(report.join('\n')).toMatch(/dry-run {2}load landing\.orders: 2 rows, \d+ B NDJSON, \d+ B in BigQuery/);
    // Per row: order_id, customer_id, order_ts, created_at, updated_at (8 each) and order_total (16);
    // three non-NULL optional timestamps in all; the enum labels as strings (2 + length).
    const logical = 2 * (5 * 8 + 16) + 3 * 8 + (2 + 'delivered'.length) + (2 + 'web'.length) + (2 + 'cancelled'.length) + (2 + 'app'.length);
    expect(report.at(-1)).toBe(`dry-run  landing swap (INSERT ... SELECT of every table) would process about ${logical} B`);
  });
});
