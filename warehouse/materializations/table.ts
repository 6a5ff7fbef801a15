import { countRows, createTableAs, createView, dropRelation, rel, renameRelation, tmpRelation, transaction } from './sql.ts';
import { relationKind, type StatementLog } from './execute.ts';
import type { MaterializeResult, RelationRef, TableConfig } from './types.ts';

/**
 * Builds a table atomically. With transactional DDL (DuckDB) the table is built under
 * `<name>__dbt_tmp` and swapped in by DROP + RENAME in one transaction; otherwise (BigQuery)
 * `CREATE OR REPLACE TABLE` is itself atomic. Either way a failing SELECT leaves the previous
 * relation untouched.
 */
export async function materializeTable(log: StatementLog, target: RelationRef, sql: string, config?: TableConfig): Promise<MaterializeResult> {
  const d = log.engine.dialect;
  const existing = await relationKind(log.engine, target);
  const tmp = tmpRelation(target);
  if (d.supports.transactionalDdl) {
    await log.execute(dropRelation(d, tmp, 'table'));
    await buildScratch(log, () => log.execute(createTableAs(d, tmp, sql, config)), dropRelation(d, tmp, 'table'));
    await log.execute(transaction([dropRelation(d, target, existing ?? 'table'), renameRelation(d, tmp, target.name, 'table')]));
  } else if (existing === 'view') {
    // A table cannot replace a view in one statement: prove the SELECT first, then swap.
    await buildScratch(log, () => log.execute(createTableAs(d, tmp, sql, config, true)), dropRelation(d, tmp, 'table'));
    await log.execute(dropRelation(d, target, 'view'));
    await log.execute(createTableAs(d, target, `SELECT * FROM ${rel(d, tmp)}`, config));
    await log.tryExecute(dropRelation(d, tmp, 'table'));
  } else {
    await log.execute(createTableAs(d, target, sql, config, d.supports.createOrReplaceTable));
  }
  const rows = await log.count(countRows(d, target));
  return { rowsAffected: rows, message: `CREATE TABLE (${rows} rows)`, statements: log.statements };
}

/** A view: CREATE OR REPLACE VIEW is atomic; replacing a table goes through a scratch view first. */
export async function materializeView(log: StatementLog, target: RelationRef, sql: string): Promise<MaterializeResult> {
  const d = log.engine.dialect;
  const existing = await relationKind(log.engine, target);
  if (existing !== 'table') {
    await log.execute(createView(d, target, sql));
  } else {
    const tmp = tmpRelation(target);
    await buildScratch(log, () => log.execute(createView(d, tmp, sql)), dropRelation(d, tmp, 'view'));
    if (d.supports.transactionalDdl) {
      await log.execute(transaction([dropRelation(d, target, 'table'), renameRelation(d, tmp, target.name, 'view')]));
    } else {
      await log.execute(dropRelation(d, target, 'table'));
      await log.execute(createView(d, target, sql));
      await log.tryExecute(dropRelation(d, tmp, 'view'));
    }
  }
  return { message: 'CREATE VIEW', statements: log.statements };
}

/** Runs the statement that builds a scratch relation; on failure drops the scratch and rethrows. */
export async function buildScratch(log: StatementLog, build: () => Promise<unknown>, cleanup: string): Promise<void> {
  try {
    await build();
  } catch (error) {
    await log.tryExecute(cleanup);
    throw error;
  }
}
