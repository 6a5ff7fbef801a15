import type { Dialect } from '../dialect.ts';
import { addColumn, countRows, createTableAs, deleteByExpression, deleteMatching, dropColumn, dropRelation, insertSelect, merge, partitionExpression, tmpRelation, transaction } from './sql.ts';
import { relationKind, type StatementLog } from './execute.ts';
import { buildScratch, materializeTable } from './table.ts';
import { INCREMENTAL_STRATEGIES, type AfterSwap, type IncrementalConfig, type MaterializeResult, type RelationRef } from './types.ts';

/** Raised when an increment cannot be applied as configured (on_schema_change: fail, unsupported strategy). */
export class MaterializationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MaterializationError';
  }
}

/**
 * dbt's incremental materialization. `render(isIncremental)` renders the model with
 * `is_incremental()` answering as given: false on the first build, with --full-refresh, or when
 * the relation is a view; true otherwise. The increment is built in `<name>__dbt_tmp`, the
 * schema change policy is applied, then the strategy writes it into the target (statements
 * that must apply together run as one transaction script).
 */
export async function materializeIncremental(
  log: StatementLog,
  target: RelationRef,
  render: (isIncremental: boolean) => Promise<string> | string,
  config: IncrementalConfig,
  fullRefresh: boolean,
  afterSwap?: AfterSwap,
): Promise<MaterializeResult> {
  const d = log.engine.dialect;
  if (config.incremental_strategy === 'insert_overwrite' && !d.supports.insertOverwrite) {
    const accepted = INCREMENTAL_STRATEGIES.filter((s) => s !== 'insert_overwrite').join(', ');
    throw new MaterializationError(`incremental_strategy 'insert_overwrite' is not supported on ${d.name} (accepted there: ${accepted})`);
  }
  const existing = await relationKind(log.engine, target);
  if (existing !== 'table' || fullRefresh) return materializeTable(log, target, await render(false), config, afterSwap);

  const sql = await render(true);
  const tmp = tmpRelation(target);
  if (!d.supports.createOrReplaceTable) await log.execute(dropRelation(d, tmp, 'table'));
  await buildScratch(log, () => log.execute(createTableAs(d, tmp, sql, undefined, d.supports.createOrReplaceTable)), dropRelation(d, tmp, 'table'));
  try {
    const columns = await applySchemaChange(log, target, tmp, config);
    const increment = await log.count(countRows(d, tmp));
    const statement = strategyStatement(d, target, tmp, columns, config);
    const reported = await log.execute(statement);
    // The increment is written: a failing post-hook cannot take it back (no copy of the table is kept).
    await afterSwap?.();
    const rows = reported ?? increment;
    return { rowsAffected: rows, message: `${config.incremental_strategy.toUpperCase()} ${rows}`, statements: log.statements };
  } finally {
    await log.tryExecute(dropRelation(d, tmp, 'table'));
  }
}

function strategyStatement(d: Dialect, target: RelationRef, tmp: RelationRef, columns: string[], config: IncrementalConfig): string {
  const key = config.unique_key;
  switch (config.incremental_strategy) {
    case 'append':
      return insertSelect(d, target, tmp, columns);
    case 'merge':
      if (!key?.length) return insertSelect(d, target, tmp, columns);
      if (d.supports.merge) return merge(d, target, tmp, key, columns);
      return transaction([deleteMatching(d, target, tmp, key), insertSelect(d, target, tmp, columns)]);
    case 'delete+insert':
      return transaction([deleteMatching(d, target, tmp, key!), insertSelect(d, target, tmp, columns)]);
    case 'insert_overwrite':
      return transaction([deleteByExpression(d, target, tmp, partitionExpression(d, config.partition_by!)), insertSelect(d, target, tmp, columns)]);
  }
}

/**
 * Compares the increment's columns with the target's and applies on_schema_change. Returns the
 * columns to write. Names compare case-insensitively (both engines treat identifiers so).
 */
async function applySchemaChange(log: StatementLog, target: RelationRef, tmp: RelationRef, config: IncrementalConfig): Promise<string[]> {
  const d = log.engine.dialect;
  const [source, dest] = await Promise.all([log.engine.listColumns(tmp.schema, tmp.name), log.engine.listColumns(target.schema, target.name)]);
  const destNames = new Set(dest.map((c) => c.name.toLowerCase()));
  const sourceNames = new Set(source.map((c) => c.name.toLowerCase()));
  const added = source.filter((c) => !destNames.has(c.name.toLowerCase()));
  const removed = dest.filter((c) => !sourceNames.has(c.name.toLowerCase()));
  const common = source.filter((c) => destNames.has(c.name.toLowerCase())).map((c) => c.name);
  if (!added.length && !removed.length) return common;
  switch (config.on_schema_change) {
    case 'ignore':
      return common;
    case 'fail':
      throw new MaterializationError(
        `the columns of incremental model ${target.name} changed (added: ${added.map((c) => c.name).join(', ') || 'none'}; removed: ${removed.map((c) => c.name).join(', ') || 'none'}) and on_schema_change is 'fail': run with --full-refresh, or set on_schema_change to append_new_columns or sync_all_columns`,
      );
    case 'append_new_columns':
      for (const c of added) await log.execute(addColumn(d, target, c.name, c.dataType));
      return source.map((c) => c.name);
    case 'sync_all_columns':
      for (const c of added) await log.execute(addColumn(d, target, c.name, c.dataType));
      for (const c of removed) await log.execute(dropColumn(d, target, c.name));
      return source.map((c) => c.name);
  }
}
