import { DuckDBDateValue, DuckDBDecimalValue, DuckDBInstance, DuckDBTimestampValue, DuckDBTypeId } from '@duckdb/node-api';
import type { FakeBigQuery, QueryAnswer, WireField } from './fake-bigquery.ts';

/**
 * Answers the fake's query jobs by running them in an in-memory DuckDB holding the fake's tables
 * (the rows as they were loaded). Good enough for the simple SELECTs reconcile sends (COUNT, SUM,
 * MIN/MAX, CAST AS STRING), so the BigQuery side of a reconcile test computes its profile from
 * the data that was actually uploaded rather than from canned numbers.
 */
export async function answerWithDuckDB(sql: string, fake: FakeBigQuery): Promise<QueryAnswer> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    for (const [key, table] of fake.tables) {
      const [dataset, name] = key.split('.');
      const fields: WireField[] = table.resource.schema?.fields ?? [];
      await db.run(`CREATE SCHEMA IF NOT EXISTS "${dataset}"`);
      await db.run(`CREATE TABLE "${dataset}"."${name}" (${fields.map((f) => `"${f.name}" ${duckType(f.type)}`).join(', ')})`);
      for (const row of table.rows) {
        await db.run(`INSERT INTO "${dataset}"."${name}" VALUES (${fields.map((f) => literal(f.type, row[f.name])).join(', ')})`);
      }
    }
    // `project`.`dataset`.`table` -> "dataset"."table"; other backticks -> double quotes.
    const duckSql = sql.replace(/`[^`]+`\.(`[^`]+`\.`[^`]+`)/g, '$1').replaceAll('`', '"');
    const reader = await db.runAndReadAll(duckSql);
    const types = reader.columnTypes();
    const fields = reader.columnNames().map((name, i) => ({ name, type: bqType(types[i].typeId) }));
    const rows = reader.getRows().map((row) => row.map((v, i) => wire(types[i].typeId, v)));
    return { fields, rows, bytes: 1024 };
  } catch (error) {
    return { error: { reason: 'invalidQuery', message: (error as Error).message.split('\n')[0] } };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

function duckType(type: string): string {
  return ({ STRING: 'VARCHAR', INT64: 'BIGINT', INTEGER: 'BIGINT', NUMERIC: 'DECIMAL(38,9)', FLOAT64: 'DOUBLE', FLOAT: 'DOUBLE', TIMESTAMP: 'TIMESTAMP', DATE: 'DATE', BOOL: 'BOOLEAN', BOOLEAN: 'BOOLEAN' } as Record<string, string>)[type] ?? 'VARCHAR';
}

function literal(type: string, value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text = String(value);
  const quoted = `'${text.replaceAll("'", "''")}'`;
  switch (type) {
    case 'INT64':
    case 'INTEGER':
    case 'FLOAT64':
    case 'FLOAT':
      return text;
    case 'NUMERIC':
      return `CAST(${quoted} AS DECIMAL(38,9))`;
    case 'TIMESTAMP':
      return `CAST('${text.replace('T', ' ').replace('Z', '')}' AS TIMESTAMP)`;
    case 'DATE':
      return `DATE ${quoted}`;
    default:
      return quoted;
  }
}

function bqType(id: DuckDBTypeId): string {
  switch (id) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.HUGEINT:
      return 'INTEGER';
    case DuckDBTypeId.DECIMAL:
      return 'NUMERIC';
    case DuckDBTypeId.DOUBLE:
      return 'FLOAT';
    case DuckDBTypeId.TIMESTAMP:
      return 'TIMESTAMP';
    case DuckDBTypeId.DATE:
      return 'DATE';
    case DuckDBTypeId.BOOLEAN:
      return 'BOOLEAN';
    default:
      return 'STRING';
  }
}

/** A DuckDB value in BigQuery's wire form (strings; TIMESTAMP as int64 microseconds). */
function wire(id: DuckDBTypeId, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (id === DuckDBTypeId.TIMESTAMP) return String((value as DuckDBTimestampValue).micros);
  if (id === DuckDBTypeId.DATE) return new Date((value as DuckDBDateValue).days * 86_400_000).toISOString().slice(0, 10);
  if (id === DuckDBTypeId.DECIMAL) return (value as DuckDBDecimalValue).toString();
  return String(value);
}
