import { describe, expect, it } from 'vitest';
import { StatementLog } from '../../materializations/execute.ts';
import { materializeSnapshot, snapshotSettings } from '../../materializations/snapshot.ts';
import { createTableAs } from '../../materializations/sql.ts';
import { bigqueryDialect } from '../dialect.ts';
import { BigQueryAnalyzer } from './analyzer.ts';
import { ZetaSqlCheckEngine } from './check-engine.ts';
import { checkProject, landingCatalog } from './check-project.ts';
import { ZetaSqlEvaluatorEngine } from './evaluator-engine.ts';
import { checkFixture, skipWithoutZetaSql } from './testing.ts';

/**
 * A snapshot's later runs on BigQuery: the UPDATE ... FROM that closes changed versions and the
 * INSERT of new ones, and with hard_deletes 'new_record' the INSERT of deletion records (a
 * dbt_is_deleted STRING column, 'True'/'False') and the UPDATE that closes the deleted keys'
 * versions. The check's second run of each snapshot sends all of them; ZetaSQL analyses each.
 */
const snapshot = (name: string, config: string) =>
  `{% snapshot ${name} %}\n{{ config(target_schema='snapshots', unique_key='product_id', ${config}) }}\n` +
  `select product_id, product_name, price, updated_at from {{ source('landing', 'products') }}\n{% endsnapshot %}\n`;

const PROJECT: Record<string, string> = {
  'dbt_project.yml': `name: snapshotted\nversion: '1.0'\nconfig-version: 2\nsnapshot-paths: [snapshots]\n`,
  'snapshots/sources.yml': `version: 2\nsources:\n  - name: landing\n    schema: landing\n    tables:\n      - name: products\n`,
  'snapshots/snap_products_timestamp.sql': snapshot('snap_products_timestamp', "strategy='timestamp', updated_at='updated_at', hard_deletes='new_record'"),
  'snapshots/snap_products_check.sql': snapshot('snap_products_check', "strategy='check', check_cols=['price'], hard_deletes='new_record', dbt_valid_to_current=\"cast('9999-12-31' as timestamp)\""),
  'snapshots/snap_products_invalidate.sql': snapshot('snap_products_invalidate', "strategy='check', check_cols='all', hard_deletes='invalidate'"),
};

describe.skipIf(skipWithoutZetaSql)("sim check --target bigquery: snapshots with hard_deletes 'new_record'", () => {
  const fixture = checkFixture('check-snapshot', PROJECT);

  it('proves the first run and every statement of a later run', async () => {
    const report = await checkProject(fixture.server, { projectDir: fixture.dir, vars: { as_of: '2024-12-31' } });
    expect(report.problems).toEqual([]);
    const byName = Object.fromEntries(report.nodes.map((n) => [n.name, n]));
    expect(Object.keys(byName).sort()).toEqual(['snap_products_check', 'snap_products_invalidate', 'snap_products_timestamp']);
    expect(Object.values(byName).map((n) => n.status)).toEqual(['ok', 'ok', 'ok']);
    // First run: CREATE OR REPLACE TABLE ... AS, the row count. Later run: CREATE OR REPLACE TABLE
    // __dbt_tmp, the count before, the script (BEGIN, UPDATE changed, [INSERT deletion records],
    // UPDATE deleted, INSERT new versions, COMMIT), the count after, DROP TABLE __dbt_tmp.
    expect(byName.snap_products_invalidate.statements).toBe(2 + 5);
    expect(byName.snap_products_timestamp.statements).toBe(2 + 5);
    expect(byName.snap_products_check.statements).toBe(2 + 5);
  });

  const laterRun = [
    'resolvedBeginStmtNode',
    'resolvedUpdateStmtNode', // close changed versions and returning deletion records
    'resolvedInsertStmtNode', // the deletion records
    'resolvedUpdateStmtNode', // close the deleted keys' last versions
    'resolvedInsertStmtNode', // the new versions
    'resolvedCommitStmtNode',
  ];
  it.each([
    ['check', { strategy: 'check', check_cols: ['price'] }, laterRun],
    // First, a returning key whose updated_at precedes its deletion is staged at the snapshot time.
    ['timestamp', { strategy: 'timestamp', updated_at: 'updated_at' }, ['resolvedBeginStmtNode', 'resolvedUpdateStmtNode', ...laterRun.slice(1)]],
  ])('%s strategy: resolves each statement of the later run; dbt_is_deleted is a STRING', async (_name, strategy, kinds) => {
    const analyzer = new BigQueryAnalyzer(fixture.server, landingCatalog());
    const engine = new ZetaSqlCheckEngine(analyzer, bigqueryDialect);
    // What the analyser resolved in each script the engine sent (the scratch table is gone afterwards).
    const resolved = new Map<string, string[]>();
    const analyzeScript = analyzer.analyzeScript.bind(analyzer);
    analyzer.analyzeScript = async (sql, onStatement) => {
      const results = await analyzeScript(sql, onStatement);
      resolved.set(sql, results.map((r) => r.kind));
      return results;
    };
    try {
      const settings = snapshotSettings({ ...strategy, unique_key: 'product_id', hard_deletes: 'new_record' }, 'snapshots/snap.sql');
      const target = { schema: 'snapshots', name: 'snap_products' };
      const sql = 'select product_id, product_name, price, updated_at from `landing`.`products`';
      for (let run = 0; run < 2; run++) await materializeSnapshot(new StatementLog(engine), target, sql, settings, { vars: { as_of: '2024-12-31' } });
      expect(analyzer.catalog.get('snapshots', 'snap_products')!.columns.map((c) => `${c.name} ${c.typeKind}`)).toContain('dbt_is_deleted TYPE_STRING');
      const script = engine.statements.find((s) => s.startsWith('BEGIN TRANSACTION'))!;
      expect(resolved.get(script)).toEqual(kinds);
      expect(script).toContain("current_version.dbt_is_deleted is distinct from 'True'");
    } finally {
      await analyzer.close();
    }
  });

  it("evaluates the first run with the reference evaluator; a later run's UPDATE is beyond it", async () => {
    const engine = new ZetaSqlEvaluatorEngine(fixture.server);
    const items = { schema: 'staging', name: 'items' };
    await engine.execute(createTableAs(engine.dialect, items, "select 'a' as item, 1 as qty union all select 'b', 2 union all select 'c', 3"));
    const settings = snapshotSettings({ strategy: 'check', unique_key: 'item', check_cols: ['qty'], hard_deletes: 'new_record' }, 'snapshots/snap.sql');
    const target = { schema: 'snapshots', name: 'snap_items' };
    const run = () => materializeSnapshot(new StatementLog(engine), target, 'select * from `staging.items`', settings, { vars: { as_of: '2024-01-31' } });
    expect((await run()).rowsAffected).toBe(3);
    expect(await engine.query('select item, dbt_is_deleted from `snapshots.snap_items` order by item')).toEqual([
      { item: 'a', dbt_is_deleted: 'False' },
      { item: 'b', dbt_is_deleted: 'False' },
      { item: 'c', dbt_is_deleted: 'False' },
    ]);
    // The evaluator has no UPDATE (nor MERGE): later runs are proven by the analyser above.
    await expect(run()).rejects.toThrow(/the ZetaSQL evaluator engine runs CREATE \.\.\. AS, INSERT \.\.\. SELECT, DROP and queries; not: BEGIN TRANSACTION/);
  });
});
