import type { Dialect } from '../dialect.ts';
import type { PartitionBy, RelationRef, TableConfig } from './types.ts';

/**
 * Pure SQL generators shared by the materializations. Everything engine-specific is decided by
 * the dialect's capability flags (supports.partitioning, ...), never by the engine's name; the
 * statements themselves use the SQL that DuckDB and BigQuery have in common.
 */

export type RelationKind = 'table' | 'view';

export function rel(d: Dialect, r: RelationRef): string {
  return d.relation(r.schema, r.name);
}

/** The scratch relation a node is built under before the swap (dbt's `__dbt_tmp`). */
export function tmpRelation(r: RelationRef, suffix = '__dbt_tmp'): RelationRef {
  return { schema: r.schema, name: `${r.name}${suffix}` };
}

/** A model's SELECT as a subquery body: no trailing semicolon, and a newline so a trailing `-- comment` cannot swallow the parenthesis. */
export function body(sql: string): string {
  return `(\n${sql.trim().replace(/;\s*$/, '')}\n)`;
}

/** BigQuery-style PARTITION BY / CLUSTER BY, only where the dialect has them. */
export function tableOptions(d: Dialect, config: TableConfig | undefined): string {
  if (!d.supports.partitioning || !config) return '';
  const parts: string[] = [];
  if (config.partition_by) parts.push(`PARTITION BY ${partitionExpression(d, config.partition_by)}`);
  if (config.cluster_by?.length) parts.push(`CLUSTER BY ${config.cluster_by.map((c) => d.quoteIdentifier(c)).join(', ')}`);
  return parts.length ? `\n${parts.join('\n')}` : '';
}

/** The expression whose value names a row's partition (also what insert_overwrite replaces by). */
export function partitionExpression(d: Dialect, p: PartitionBy): string {
  const field = d.quoteIdentifier(p.field);
  const grain = (p.granularity ?? 'day').toUpperCase();
  switch (p.data_type ?? 'date') {
    case 'int64':
      return `RANGE_BUCKET(${field}, GENERATE_ARRAY(${p.range!.start}, ${p.range!.end}, ${p.range!.interval}))`;
    case 'timestamp':
      return `TIMESTAMP_TRUNC(${field}, ${grain})`;
    case 'datetime':
      return `DATETIME_TRUNC(${field}, ${grain})`;
    default:
      return grain === 'DAY' ? field : `DATE_TRUNC(${field}, ${grain})`;
  }
}

export function createTableAs(d: Dialect, target: RelationRef, sql: string, config?: TableConfig, replace = false): string {
  return `CREATE ${replace ? 'OR REPLACE ' : ''}TABLE ${rel(d, target)}${tableOptions(d, config)}\nAS ${body(sql)}`;
}

export function createView(d: Dialect, target: RelationRef, sql: string, replace = true): string {
  return `CREATE ${replace ? 'OR REPLACE ' : ''}VIEW ${rel(d, target)} AS ${body(sql)}`;
}

export function dropRelation(d: Dialect, target: RelationRef, kind: RelationKind): string {
  return `DROP ${kind === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS ${rel(d, target)}`;
}

export function renameRelation(d: Dialect, from: RelationRef, toName: string, kind: RelationKind): string {
  return `ALTER ${kind === 'view' ? 'VIEW' : 'TABLE'} ${rel(d, from)} RENAME TO ${d.quoteIdentifier(toName)}`;
}

/** One script that either applies every statement or none (DuckDB and BigQuery scripting agree on this form). */
export function transaction(statements: string[]): string {
  return ['BEGIN TRANSACTION', ...statements, 'COMMIT TRANSACTION'].join(';\n') + ';';
}

export function columnList(d: Dialect, columns: readonly string[], prefix?: string): string {
  return columns.map((c) => (prefix ? `${prefix}.` : '') + d.quoteIdentifier(c)).join(', ');
}

export function insertSelect(d: Dialect, target: RelationRef, source: RelationRef, columns: readonly string[]): string {
  const cols = columnList(d, columns);
  return `INSERT INTO ${rel(d, target)} (${cols})\nSELECT ${cols} FROM ${rel(d, source)}`;
}

/** Rows of `target` whose key appears in `source`. Row-value IN is not portable, EXISTS is; the aliases are needed by BigQuery, which cannot qualify a column with a table path. */
export function deleteMatching(d: Dialect, target: RelationRef, source: RelationRef, key: readonly string[]): string {
  const on = key.map((k) => `DBT_INTERNAL_DEST.${d.quoteIdentifier(k)} = DBT_INTERNAL_SOURCE.${d.quoteIdentifier(k)}`).join(' AND ');
  return `DELETE FROM ${rel(d, target)} AS DBT_INTERNAL_DEST\nWHERE EXISTS (SELECT 1 FROM ${rel(d, source)} AS DBT_INTERNAL_SOURCE WHERE ${on})`;
}

export function deleteByExpression(d: Dialect, target: RelationRef, source: RelationRef, expression: string): string {
  return `DELETE FROM ${rel(d, target)}\nWHERE ${expression} IN (SELECT DISTINCT ${expression} FROM ${rel(d, source)})`;
}

/** dbt's merge: update matched rows, insert the others; without a key every row is new. */
export function merge(d: Dialect, target: RelationRef, source: RelationRef, key: readonly string[] | undefined, columns: readonly string[]): string {
  const q = (c: string) => d.quoteIdentifier(c);
  const on = key?.length ? key.map((k) => `DBT_INTERNAL_DEST.${q(k)} = DBT_INTERNAL_SOURCE.${q(k)}`).join(' AND ') : 'FALSE';
  const updates = columns.filter((c) => !key?.includes(c));
  const lines = [
    `MERGE INTO ${rel(d, target)} AS DBT_INTERNAL_DEST`,
    `USING ${rel(d, source)} AS DBT_INTERNAL_SOURCE`,
    `ON ${on}`,
  ];
  if (key?.length && updates.length) {
    lines.push(`WHEN MATCHED THEN UPDATE SET ${updates.map((c) => `${q(c)} = DBT_INTERNAL_SOURCE.${q(c)}`).join(', ')}`);
  }
  lines.push(`WHEN NOT MATCHED THEN INSERT (${columnList(d, columns)}) VALUES (${columnList(d, columns, 'DBT_INTERNAL_SOURCE')})`);
  return lines.join('\n');
}

export function addColumn(d: Dialect, target: RelationRef, column: string, type: string): string {
  return `ALTER TABLE ${rel(d, target)} ADD COLUMN ${d.quoteIdentifier(column)} ${type}`;
}

export function dropColumn(d: Dialect, target: RelationRef, column: string): string {
  return `ALTER TABLE ${rel(d, target)} DROP COLUMN ${d.quoteIdentifier(column)}`;
}

export function countRows(d: Dialect, target: RelationRef): string {
  return `SELECT count(*) AS n FROM ${rel(d, target)}`;
}
