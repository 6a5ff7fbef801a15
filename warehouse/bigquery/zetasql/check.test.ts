import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithoutZetaSql } from './testing.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs the real CLI, as a user (and CI) does. */
function sim(args: string[], cwd = ROOT) {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/sim.mjs'), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe.skipIf(skipWithoutZetaSql)('sim check --target bigquery', () => {
  it('passes on the whole project: every model, seed, snapshot and test is valid BigQuery SQL', () => {
    const { code, stdout, stderr } = sim(['check', '--target', 'bigquery']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = stdout.match(/(\d+) of (\d+) nodes valid \((.*)\), (\d+) statements analysed/);
    expect(summary, stdout).not.toBeNull();
    expect(summary![1]).toBe(summary![2]);
    expect(summary![3]).toMatch(/\d+ models?.*\d+ tests?/);
  });

  describe('on a project with broken models', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'sim-check-'));
      cpSync(join(ROOT, 'dbt_project.yml'), join(dir, 'dbt_project.yml'));
      cpSync(join(ROOT, 'models'), join(dir, 'models'), { recursive: true });
      // A DuckDB-ism: a `::date` cast, on line 4 of the file.
      writeFileSync(
        join(dir, 'models/02_marts/broken_cast.sql'),
        "{{ config(materialized='table') }}\n-- orders per day, written for DuckDB\nselect\n    ordered_at::date as order_date,\n    count(*) as orders\nfrom {{ ref('stg_orders') }}\ngroup by 1\n",
      );
      // A column the parent does not have: the catalog holds the parent's analysed output columns.
      writeFileSync(
        join(dir, 'models/03_consumption/broken_column.sql'),
        "select\n    customer_id,\n    lifetime_revenu\nfrom {{ ref('dim_customers') }}\n",
      );
      // Valid BigQuery that the shipped ZetaSQL predates.
      writeFileSync(join(dir, 'models/03_consumption/broken_group_by_all.sql'), "select customer_id, count(*) as orders\nfrom {{ ref('stg_orders') }}\ngroup by all\n");
      // A singular test with a DuckDB function.
      writeFileSync(
        join(dir, 'models/tests/assert_no_future_orders.sql'),
        "-- orders placed in the future\nselect order_id\nfrom {{ ref('stg_orders') }}\nwhere order_date > strftime(current_date, '%Y-%m-%d')\n",
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('fails with the file, the line and column in the compiled SQL, and ZetaSQL\'s message (exit 2)', () => {
      const { code, stderr } = sim(['check', '--target', 'bigquery', '--select', 'broken_cast', 'broken_column', 'assert_no_future_orders', 'broken_group_by_all'], dir);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^models\/02_marts\/broken_cast\.sql:4: model broken_cast: Syntax error: .*\(compiled SQL line 4, column 15\)$/m);
      expect(stderr).toMatch(/ {4}4 \| {5}ordered_at::date as order_date,\n {6}\| {15}\^\n/);
      expect(stderr).toMatch(/^models\/03_consumption\/broken_column\.sql:3: model broken_column: Unrecognized name: lifetime_revenu.* \(compiled SQL line 3, column 5\)$/m);
      expect(stderr).toMatch(/^models\/tests\/assert_no_future_orders\.sql:4: test assert_no_future_orders: Function not found: strftime \(compiled SQL line 4, column 20\)$/m);
      expect(stderr).toMatch(/^models\/03_consumption\/broken_group_by_all\.sql:3: model broken_group_by_all: GROUP BY ALL is not supported .*\n.*\n.*\n {2}note: GROUP BY ALL is valid in today's BigQuery, but the ZetaSQL build .* predates it/m);
      expect(stderr).toMatch(/error: 4 node\(s\) are not valid BigQuery SQL: /);
    });

    it('checks only the selection (and what it reads), minus --exclude: the rest of the project passes', () => {
      const { code, stdout, stderr } = sim(['check', '--target', 'bigquery', '--select', 'stg_orders', '--exclude', 'assert_no_future_orders'], dir);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/: (\d+) of \1 nodes valid \(1 model, \d+ tests\)/);
    });
  });

  it('refuses a target it cannot check, with the accepted values', () => {
    const { code, stderr } = sim(['check', '--target', 'duckdb']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--target: "duckdb" cannot be checked \(accepted: bigquery\)/);
  });
});
