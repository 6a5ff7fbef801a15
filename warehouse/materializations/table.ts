import { countRows, createTableAs, createView, dropRelation, rel, renameRelation, tmpRelation, transaction, type RelationKind } from './sql.ts';
import { relationKind, type StatementLog } from './execute.ts';
import type { AfterSwap, MaterializeResult, RelationRef, TableConfig } from './types.ts';

/**
 * Builds a table atomically. With transactional DDL (DuckDB) the table is built under
 * `<name>__dbt_tmp` and swapped in by DROP + RENAME in one transaction; otherwise (BigQuery)
 * `CREATE OR REPLACE TABLE` is itself atomic. Either way a failing SELECT leaves the previous
 * relation untouched.
 */
export async function materializeTable(log: StatementLog, target: RelationRef, sql: string, config?: TableConfig, afterSwap?: AfterSwap): Promise<MaterializeResult> {
  const d = log.engine.dialect;
  const existing = await relationKind(log.engine, target);
  const tmp = tmpRelation(target);
  if (d.supports.transactionalDdl) {
    await log.execute(dropRelation(d, tmp, 'table'));
    await buildScratch(log, () => log.execute(createTableAs(d, tmp, sql, config)), dropRelation(d, tmp, 'table'));
    if (afterSwap) await swapKeepingBackup(log, target, existing, tmp, 'table', afterSwap);
    else await log.execute(transaction([dropRelation(d, target, existing ?? 'table'), renameRelation(d, tmp, target.name, 'table')]));
  } else if (existing === 'view') {
    // A table cannot replace a view in one statement: prove the SELECT first, then swap.
    await buildScratch(log, () => log.execute(createTableAs(d, tmp, sql, config, true)), dropRelation(d, tmp, 'table'));
    await log.execute(dropRelation(d, target, 'view'));
    await log.execute(createTableAs(d, target, `SELECT * FROM ${rel(d, tmp)}`, config));
    await log.tryExecute(dropRelation(d, tmp, 'table'));
    await afterSwap?.();
  } else {
    await log.execute(createTableAs(d, target, sql, config, d.supports.createOrReplaceTable));
    await afterSwap?.();
  }
  const rows = await log.count(countRows(d, target));
  return { rowsAffected: rows, message: `CREATE TABLE (${rows} rows)`, statements: log.statements };
}

/** A view: CREATE OR REPLACE VIEW is atomic; replacing a table goes through a scratch view first. */
export async function materializeView(log: StatementLog, target: RelationRef, sql: string, afterSwap?: AfterSwap): Promise<MaterializeResult> {
  const d = log.engine.dialect;
  const existing = await relationKind(log.engine, target);
  if (afterSwap && d.supports.transactionalDdl) {
    const tmp = tmpRelation(target);
    await buildScratch(log, () => log.execute(createView(d, tmp, sql)), dropRelation(d, tmp, 'view'));
    await swapKeepingBackup(log, target, existing, tmp, 'view', afterSwap);
  } else if (existing !== 'table') {
    await log.execute(createView(d, target, sql));
    await afterSwap?.();
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
    await afterSwap?.();
  }
  return { message: 'CREATE VIEW', statements: log.statements };
}

/**
 * The swap when work must follow it (post-hooks), on engines with transactional DDL: the
 * previous relation is renamed to `<name>__dbt_backup` and the scratch one to the final name in
 * one transaction, `afterSwap` runs against the final name, then the backup is dropped. If
 * `afterSwap` fails, the new relation is dropped and the backup renamed back (dbt's backup
 * swap), so the previous relation is what remains.
 */
async function swapKeepingBackup(log: StatementLog, target: RelationRef, existing: RelationKind | undefined, tmp: RelationRef, kind: RelationKind, afterSwap: AfterSwap): Promise<void> {
  const d = log.engine.dialect;
  const backup = tmpRelation(target, '__dbt_backup');
  const stale = existing ? await relationKind(log.engine, backup) : undefined;
  if (stale) await log.execute(dropRelation(d, backup, stale));
  const keep = existing ? [renameRelation(d, target, backup.name, existing)] : [];
  await log.execute(transaction([...keep, renameRelation(d, tmp, target.name, kind)]));
  try {
    await afterSwap();
  } catch (error) {
    const restore = existing ? [renameRelation(d, backup, target.name, existing)] : [];
    await log.tryExecute(transaction([dropRelation(d, target, kind), ...restore]));
    throw error;
  }
  if (existing) await log.execute(dropRelation(d, backup, existing));
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
