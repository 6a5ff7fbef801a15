import { InputError } from '../../contract/errors.ts';
import { macroTable } from '../macros/index.ts';
import type { Dialect } from '../dialect.ts';
import { relationKind, type StatementLog } from './execute.ts';
import { addColumn, countRows, createTableAs, dropRelation, rel, tmpRelation, transaction } from './sql.ts';
import { buildScratch, materializeTable } from './table.ts';
import type { MaterializeResult, RelationRef } from './types.ts';

/**
 * dbt snapshots (SCD type 2). Every row carries dbt_scd_id, dbt_updated_at, dbt_valid_from and
 * dbt_valid_to; the current version of a key has dbt_valid_to NULL (or dbt_valid_to_current).
 * - timestamp strategy: a key changed when its updated_at is newer than the current version's;
 *   the old version closes at the new updated_at.
 * - check strategy: a key changed when any check column differs (NULL-safe); versions open and
 *   close at the snapshot time, which is the scenario's "now" (dbt.current_timestamp), never the clock.
 * Hard deletes (a current key missing from the source):
 * - 'ignore' keeps the last version open;
 * - 'invalidate' closes it at the snapshot time;
 * - 'new_record' (dbt 1.9) closes it at the snapshot time and opens a deletion record: the last
 *   version's values, dbt_valid_from = dbt_updated_at = the snapshot time, dbt_is_deleted 'True'.
 *   dbt_is_deleted is text ('True'/'False', as dbt's macros write it), 'False' on every other row.
 *   A key that comes back closes its deletion record where any changed version closes (the
 *   source row's dbt_valid_from; with the timestamp strategy the snapshot time instead if its
 *   updated_at is not after the deletion, see snapshotMerge) and opens a new version with
 *   'False'. A deleted key that stays deleted gets no second deletion record. An existing
 *   snapshot without dbt_is_deleted is refused, as dbt refuses it.
 */

export interface SnapshotSettings {
  strategy: 'timestamp' | 'check';
  unique_key: string[];
  updated_at?: string;
  check_cols?: string[] | 'all';
  hard_deletes: 'ignore' | 'invalidate' | 'new_record';
  dbt_valid_to_current?: string;
}

export interface SnapshotEnv {
  /** Vars with the scenario's as_of: "now" for check strategy and hard deletes. */
  vars: Record<string, unknown>;
}

const META_COLUMNS = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to'];
/** hard_deletes 'new_record' only: dbt's name, and its text values (not a boolean). */
const IS_DELETED = 'dbt_is_deleted';

export function snapshotSettings(config: Record<string, unknown>, where: string): SnapshotSettings {
  const strategy = config.strategy;
  if (strategy !== 'timestamp' && strategy !== 'check') throw new InputError(`${where}: snapshot strategy '${String(strategy)}' is not known (accepted: timestamp, check)`);
  const key = config.unique_key;
  const uniqueKey = typeof key === 'string' ? [key] : Array.isArray(key) ? key.map(String) : [];
  if (!uniqueKey.length) throw new InputError(`${where}: a snapshot needs unique_key`);
  if (strategy === 'timestamp' && typeof config.updated_at !== 'string') throw new InputError(`${where}: snapshot strategy 'timestamp' needs updated_at`);
  const checkCols = config.check_cols as SnapshotSettings['check_cols'];
  if (strategy === 'check' && !(checkCols === 'all' || (Array.isArray(checkCols) && checkCols.length))) {
    throw new InputError(`${where}: snapshot strategy 'check' needs check_cols (a list of columns, or 'all')`);
  }
  const hardDeletes = (config.hard_deletes ?? (config.invalidate_hard_deletes ? 'invalidate' : 'ignore')) as SnapshotSettings['hard_deletes'];
  if (hardDeletes !== 'ignore' && hardDeletes !== 'invalidate' && hardDeletes !== 'new_record') {
    throw new InputError(`${where}: hard_deletes '${String(hardDeletes)}' is not known (accepted: ignore, invalidate, new_record)`);
  }
  return {
    strategy,
    unique_key: uniqueKey,
    updated_at: config.updated_at as string | undefined,
    check_cols: checkCols,
    hard_deletes: hardDeletes,
    dbt_valid_to_current: config.dbt_valid_to_current as string | undefined,
  };
}

export async function materializeSnapshot(log: StatementLog, target: RelationRef, sql: string, settings: SnapshotSettings, env: SnapshotEnv): Promise<MaterializeResult> {
  const d = log.engine.dialect;
  const macros = macroTable('dbt', d.name);
  const menv = { dialect: d.name, vars: env.vars };
  const now = macros.current_timestamp.render({}, menv);
  const timestampType = macros.type_timestamp.render({}, menv);
  const changedAt = settings.strategy === 'timestamp' ? `cast(${d.quoteIdentifier(settings.updated_at!)} as ${timestampType})` : now;
  const text = macros.type_string.render({}, menv);
  // The change time enters the id as epoch microseconds: a timestamp cast to text reads
  // '2024-01-02 16:26:49' on DuckDB and '2024-01-02 16:26:49+00' on BigQuery, so the ids differed.
  const micros = (at: string) => macros.datediff.render({ first_date: "cast('1970-01-01 00:00:00' as timestamp)", second_date: at, datepart: 'microsecond' }, menv);
  /** A version's id: its key and change time (the key's columns qualified by `alias` where given). */
  const versionId = (at: string, alias?: string) => {
    const keyText = settings.unique_key.map((k) => `coalesce(cast(${alias ? `${alias}.` : ''}${d.quoteIdentifier(k)} as ${text}), '')`).join(` || '|' || `);
    return macros.hash.render({ field: `${keyText} || '|' || coalesce(cast(${micros(at)} as ${text}), '')` }, menv);
  };
  const scdId = versionId(changedAt);
  const validToCurrent = settings.dbt_valid_to_current ?? `cast(null as ${timestampType})`;
  const newRecord = settings.hard_deletes === 'new_record';
  const isDeleted = newRecord ? `, 'False' as ${IS_DELETED}` : '';
  const staged = `select snapshot_source.*, ${scdId} as dbt_scd_id, ${changedAt} as dbt_updated_at, ${changedAt} as dbt_valid_from, ${validToCurrent} as dbt_valid_to${isDeleted}\nfrom (\n${sql.trim().replace(/;\s*$/, '')}\n) snapshot_source`;

  if ((await relationKind(log.engine, target)) !== 'table') {
    const result = await materializeTable(log, target, staged);
    return { ...result, message: `SNAPSHOT (${result.rowsAffected} rows)` };
  }

  const targetColumns = await log.engine.listColumns(target.schema, target.name);
  const existing = new Set(targetColumns.map((c) => c.name.toLowerCase()));
  if (newRecord && !existing.has(IS_DELETED)) {
    // dbt refuses too (assert_valid_snapshot_target_given_strategy: "Snapshot target is not a snapshot table").
    throw new InputError(
      `snapshot table ${rel(d, target)} has no ${IS_DELETED} column, which hard_deletes 'new_record' needs (dbt refuses it too): ` +
        `add it (ALTER TABLE ${rel(d, target)} ADD COLUMN ${IS_DELETED} ${macros.type_string.render({}, menv)}) or drop the table so the next run rebuilds it`,
    );
  }

  const tmp = tmpRelation(target);
  await buildScratch(log, () => log.execute(createTableAs(d, tmp, staged, undefined, true)), dropRelation(d, tmp, 'table'));
  try {
    const sourceColumns = (await log.engine.listColumns(tmp.schema, tmp.name)).filter((c) => ![...META_COLUMNS, IS_DELETED].includes(c.name.toLowerCase()));
    for (const c of sourceColumns.filter((c) => !existing.has(c.name.toLowerCase()))) await log.execute(addColumn(d, target, c.name, c.dataType));
    const checkCols = settings.check_cols === 'all' ? sourceColumns.map((c) => c.name).filter((c) => !settings.unique_key.includes(c)) : (settings.check_cols ?? []);
    const before = await log.count(countRows(d, target));
    const columns = { source: sourceColumns.map((c) => c.name), meta: newRecord ? [...META_COLUMNS, IS_DELETED] : META_COLUMNS };
    const times: SnapshotTimes = {
      now,
      // A deletion record's id: its last version's id and the snapshot time (dbt hashes the same two).
      deletionScdId: macros.hash.render({ field: `coalesce(current_version.dbt_scd_id, '') || '|' || cast(${micros(now)} as ${text})` }, menv),
      returnScdId: versionId(now, 'snapshot_source'),
    };
    const statements = snapshotMerge(d, target, tmp, settings, checkCols, columns, times);
    await log.execute(transaction(statements));
    const inserted = (await log.count(countRows(d, target))) - before;
    return { rowsAffected: inserted, message: `SNAPSHOT ${inserted} new versions`, statements: log.statements };
  } finally {
    await log.tryExecute(dropRelation(d, tmp, 'table'));
  }
}

interface SnapshotTimes {
  /** The snapshot time (the scenario's as_of). */
  now: string;
  /** new_record: the id of a deletion record, over its last version `current_version`. */
  deletionScdId: string;
  /** new_record, timestamp strategy: the id of a staged version `snapshot_source` reopened at the snapshot time. */
  returnScdId: string;
}

/**
 * Close changed (and, with invalidate or new_record, deleted) current versions, add the deletion
 * records of new_record, then insert the new versions. The statements run in order, so each
 * reads what the previous one left: the deletion records are inserted before their last versions
 * close (they are found as current versions), and the closing skips them (dbt_is_deleted 'True').
 */
function snapshotMerge(
  d: Dialect,
  target: RelationRef,
  staged: RelationRef,
  s: SnapshotSettings,
  checkCols: string[],
  names: { source: string[]; meta: string[] },
  { now, deletionScdId, returnScdId }: SnapshotTimes,
): string[] {
  const q = (c: string) => d.quoteIdentifier(c);
  const t = rel(d, target);
  const src = rel(d, staged);
  // Aliases everywhere: BigQuery cannot qualify a column with a table path.
  const isCurrent = (alias: string) => (s.dbt_valid_to_current ? `${alias}.dbt_valid_to = ${s.dbt_valid_to_current}` : `${alias}.dbt_valid_to is null`);
  const sameKey = (a: string, b: string) => s.unique_key.map((k) => `${a}.${q(k)} = ${b}.${q(k)}`).join(' and ');
  const changed =
    s.strategy === 'timestamp'
      ? `snapshot_source.dbt_updated_at > snapshot_target.dbt_updated_at`
      : `not (${checkCols.map((c) => `snapshot_source.${q(c)} is not distinct from snapshot_target.${q(c)}`).join(' and ')})`;
  const newRecord = s.hard_deletes === 'new_record';
  // new_record: a current deletion record whose key is back in the source closes like a changed version.
  const changedOrBack = newRecord ? `(${changed} or snapshot_target.${IS_DELETED} = 'True')` : changed;
  const statements: string[] = [];
  if (newRecord && s.strategy === 'timestamp') {
    // A key back in the source with an updated_at not after its deletion (e.g. restored unchanged)
    // comes back at the snapshot time: at its updated_at, the new version would open before the
    // deletion record it closes, and (restored unchanged) repeat its last version's id. This is
    // where we part from dbt, whose history breaks here: it closes the deletion record at that
    // earlier time, and its MERGE, matching on the repeated id, drops the new version.
    statements.push(
      `update ${src} as snapshot_source set dbt_valid_from = ${now}, dbt_scd_id = ${returnScdId}\nfrom ${t} as snapshot_target\nwhere ${sameKey('snapshot_target', 'snapshot_source')} and ${isCurrent('snapshot_target')} and snapshot_target.${IS_DELETED} = 'True' and snapshot_source.dbt_valid_from <= snapshot_target.dbt_valid_from`,
    );
  }
  statements.push(
    `update ${t} as snapshot_target set dbt_valid_to = snapshot_source.dbt_valid_from\nfrom ${src} as snapshot_source\nwhere ${sameKey('snapshot_target', 'snapshot_source')} and ${isCurrent('snapshot_target')} and ${changedOrBack}`,
  );
  const columns = [...names.source, ...names.meta];
  const cols = columns.map(q).join(', ');
  const goneFromSource = (alias: string) => `not exists (select 1 from ${src} as snapshot_source where ${sameKey('snapshot_source', alias)})`;
  if (newRecord) {
    // NULL (a column added by hand to an older snapshot) counts as not deleted.
    const deletionRecord: Record<string, string> = { dbt_scd_id: deletionScdId, dbt_updated_at: now, dbt_valid_from: now, [IS_DELETED]: `'True'` };
    statements.push(
      `insert into ${t} (${cols})\nselect ${columns.map((c) => deletionRecord[c] ?? `current_version.${q(c)}`).join(', ')}\nfrom ${t} as current_version\nwhere ${isCurrent('current_version')} and current_version.${IS_DELETED} is distinct from 'True' and ${goneFromSource('current_version')}`,
    );
  }
  if (s.hard_deletes !== 'ignore') {
    const notDeletionRecord = newRecord ? ` and snapshot_target.${IS_DELETED} is distinct from 'True'` : '';
    statements.push(`update ${t} as snapshot_target set dbt_valid_to = ${now}\nwhere ${isCurrent('snapshot_target')}${notDeletionRecord} and ${goneFromSource('snapshot_target')}`);
  }
  statements.push(
    `insert into ${t} (${cols})\nselect ${columns.map((c) => `snapshot_source.${q(c)}`).join(', ')}\nfrom ${src} as snapshot_source\nwhere not exists (select 1 from ${t} as current_version where ${sameKey('current_version', 'snapshot_source')} and ${isCurrent('current_version')})`,
  );
  return statements;
}
