import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBDateValue, DuckDBDecimalValue, DuckDBInstance, DuckDBTimestampValue, DuckDBTypeId } from '@duckdb/node-api';
import type { FakeBigQuery, QueryAnswer, WireField } from './fake-bigquery.ts';

/**
 * Answers the fake's query jobs by running them in an in-memory DuckDB holding the fake's tables
 * (the rows as they were loaded). Good enough for the simple SELECTs reconcile sends (COUNT, SUM,
 * MIN/MAX, CAST AS STRING), so the BigQuery side of a reconcile test computes its profile from
 * the data that was actually uploaded rather than from canned numbers.
 */
export async function answerWithDuckDB(sql: string, fake: FakeBigQuery): Promise<QueryAnswer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-bq-duckdb-'));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    for (const [key, table] of fake.tables) {
      const [dataset, name] = key.split('.');
      const fields: WireField[] = table.resource.schema?.fields ?? [];
      const target = `"${dataset}"."${name}"`;
      await db.run(`CREATE SCHEMA IF NOT EXISTS "${dataset}"`);
      await db.run(`CREATE TABLE ${target} (${fields.map((f) => `"${f.name}" ${duckType(f.type)}`).join(', ')})`);
      if (table.rows.length === 0) continue;
      const file = path.join(dir, `${key}.ndjson`);
      fs.writeFileSync(file, table.rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const columns = fields.map((f) => `'${f.name}': '${duckType(f.type)}'`).join(', ');
      await db.run(`INSERT INTO ${target} SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = {${columns}})`);
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
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function duckType(type: string): string {
  return ({ STRING: 'VARCHAR', INT64: 'BIGINT', INTEGER: 'BIGINT', NUMERIC: 'DECIMAL(38,9)', FLOAT64: 'DOUBLE', FLOAT: 'DOUBLE', TIMESTAMP: 'TIMESTAMP', DATE: 'DATE', BOOL: 'BOOLEAN', BOOLEAN: 'BOOLEAN' } as Record<string, string>)[type] ?? 'VARCHAR';
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
