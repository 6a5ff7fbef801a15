import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../bin/cli.ts';
import { openDuckDB } from '../duckdb/index.ts';
import { addFailingUnitTest, MINI_RAW_SQL, writeMiniProject } from './test-project.ts';

/** `sim build` / `sim test` / `sim show` through the CLI: exit codes, messages, artifacts. */
let dir: string;
let warehouse: string;
let out: string;
let err: string;

beforeEach(async () => {
  dir = writeMiniProject();
  warehouse = path.join(dir, 'warehouse.duckdb');
  const engine = await openDuckDB(warehouse);
  await engine.execute(MINI_RAW_SQL);
  await engine.close();
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const sim = (...args: string[]) => main(['node', 'sim', ...args, '--project-dir', dir, '--warehouse', warehouse]);
const query = async (sql: string) => {
  const engine = await openDuckDB(warehouse);
  try {
    return await engine.query(sql);
  } finally {
    await engine.close();
  }
};

describe('sim build', () => {
  it('exits 0, prints dbt-style lines and the summary, writes target/run_results.json', async () => {
    expect(await sim('build', '--threads', '2')).toBe(0);
    expect(err).toMatch(/\d+ of \d+ OK model marts\.fct_orders \[CREATE TABLE \(3 rows\) in \d+\.\d\ds\]/);
    expect(out).toMatch(/PASS=\d+ WARN=1 ERROR=0 SKIP=0 TOTAL=\d+/);
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8'));
    expect(results.results.length).toBeGreaterThan(5);
  });

  it('exits 1 when a test fails and names the skipped models', async () => {
    await sim('build');
    const engine = await openDuckDB(warehouse);
    await engine.execute(`insert into raw.orders values (3, 9, 'placed', 2.00)`);
    await engine.close();
    expect(await sim('build')).toBe(1);
    expect(err).toContain('SKIP model marts.customer_totals [SKIP] (upstream test unique_stg_orders_order_id failed)');
    expect(err).toMatch(/error: 1 test\(s\) failed/);
  });

  it('exits 2 on a model SQL error with file:line, and keeps the previous table', async () => {
    await sim('build');
    fs.writeFileSync(path.join(dir, 'models/marts/fct_orders.sql'), 'select order_id,\n  broken_col\nfrom {{ ref("stg_orders") }}\n');
    expect(await sim('build')).toBe(2);
    expect(out).toContain('Database Error in model fct_orders (models/marts/fct_orders.sql:2)');
    expect(await query('select count(*) as n from marts.fct_orders')).toEqual([{ n: 3 }]);
  });

  it('exits 2 on bad flags and on a missing warehouse, touching nothing', async () => {
    expect(await sim('build', '--threads', '0')).toBe(2);
    expect(err).toContain('--threads must be an integer from 1 to 64');
    expect(await main(['node', 'sim', 'build', '--project-dir', dir, '--warehouse', path.join(dir, 'nope.duckdb')])).toBe(2);
    expect(err).toContain('nope.duckdb does not exist');
    expect(fs.existsSync(path.join(dir, 'nope.duckdb'))).toBe(false);
    expect(await sim('build', '--vars', '[1, 2]')).toBe(2);
    expect(err).toContain("--vars: expected a mapping like '{as_of: 2024-06-30}'");
  });

  it('--no-tests runs models only', async () => {
    expect(await sim('build', '--no-tests')).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8'));
    expect(results.results.every((r: { unique_id: string }) => r.unique_id.startsWith('model.'))).toBe(true);
  });
});

describe('sim test', () => {
  it('runs data tests and unit tests; a failing unit test prints its diff and exits 1', async () => {
    await sim('build', '--no-tests');
    expect(await sim('test')).toBe(0);
    addFailingUnitTest(dir);
    expect(await sim('test')).toBe(1);
    expect(err).toMatch(/PASS unit_test totals_sum_per_customer/);
    expect(err).toMatch(/FAIL 1 unit_test totals_wrong_on_purpose/);
    expect(out).toContain('- | 8           | 5      | NULL  |');
    expect(await sim('test', '--select', 'fct_orders')).toBe(0); // customer_totals' unit tests are not selected
  });
});

describe('sim show', () => {
  it('prints a model preview with a limit, without building it', async () => {
    await sim('build', '--no-tests', '--select', '+fct_orders');
    out = '';
    expect(await sim('show', 'customer_totals', '--limit', '1')).toBe(0);
    expect(out).toContain("Previewing node 'customer_totals'");
    expect(out.trim().split('\n')).toHaveLength(4);
    expect(await sim('show', 'nope')).toBe(2);
    expect(err).toContain("show: no model, seed or snapshot named 'nope'");
  });
});
