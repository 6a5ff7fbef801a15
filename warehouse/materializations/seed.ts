import fs from 'node:fs';
import { InputError } from '../../contract/errors.ts';
import type { LogicalType } from '../../contract/types.ts';
import { macroTable } from '../macros/index.ts';
import type { Dialect } from '../dialect.ts';
import type { StatementLog } from './execute.ts';
import { parseCsv } from '../project/csv.ts';
import { rel } from './sql.ts';
import { materializeTable } from './table.ts';
import type { MaterializeResult, RelationRef } from './types.ts';

/**
 * dbt seeds: a CSV file becomes a table. Column types come from `column_types` (an engine type,
 * or a dbt type macro such as `dbt.type_string()`), else they are inferred from the values as
 * dbt's agate does (integer, number, date, timestamp, boolean, text). Empty cells are NULL. The
 * rows travel as typed literals in plain SELECTs, which both DuckDB and BigQuery run, and the
 * table is built atomically like any other table.
 */

export interface SeedSettings {
  column_types: Record<string, string>;
  delimiter: string;
}

/** Rows per INSERT statement (keeps statements well under engines' query-size limits). */
const BATCH = 500;

export async function materializeSeed(log: StatementLog, target: RelationRef, csvPath: string, settings: SeedSettings, where: string): Promise<MaterializeResult> {
  const d = log.engine.dialect;
  const { header, rows } = readCsv(csvPath, settings.delimiter, where);
  const types = header.map((column, i) => columnType(d, column, rows.map((r) => r[i]), settings.column_types));
  const select = (batch: Array<Array<string | null>>) =>
    batch
      .map((row) => `select ${header.map((c, i) => `cast(${row[i] === null ? 'null' : d.stringLiteral(row[i]!)} as ${types[i]}) as ${d.quoteIdentifier(c)}`).join(', ')}`)
      .join('\nunion all\n');
  // The first batch creates the table (typed, even when the CSV has no rows), the rest append.
  const first = rows.length ? select(rows.slice(0, BATCH)) : `${select([header.map(() => null)])}\nlimit 0`;
  await materializeTable(log, target, first);
  for (let start = BATCH; start < rows.length; start += BATCH) {
    await log.execute(`insert into ${rel(d, target)}\n${select(rows.slice(start, start + BATCH))}`);
  }
  return { rowsAffected: rows.length, message: `INSERT ${rows.length}`, statements: log.statements };
}

function columnType(d: Dialect, column: string, values: Array<string | null>, configured: Record<string, string>): string {
  const explicit = configured[column];
  if (explicit) {
    const macro = /^\s*(?:\{\{\s*)?dbt\.(type_\w+)\(\s*\)\s*(?:\}\})?\s*$/.exec(explicit);
    return macro ? macroTable('dbt', d.name)[macro[1]]?.render({}, { dialect: d.name, vars: {} }) ?? explicit : explicit;
  }
  return d.physicalType(inferType(values));
}

/** agate's inference, in the order it tries the types. */
export function inferType(values: Array<string | null>): LogicalType {
  const present = values.filter((v): v is string => v !== null);
  const all = (re: RegExp) => present.length > 0 && present.every((v) => re.test(v));
  if (all(/^-?\d+$/)) return 'INT64';
  if (all(/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/)) return 'FLOAT64';
  if (all(/^(true|false)$/i)) return 'BOOL';
  if (all(/^\d{4}-\d{2}-\d{2}$/)) return 'DATE';
  if (all(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/)) return 'TIMESTAMP';
  return 'STRING';
}

function readCsv(file: string, delimiter: string, where: string): { header: string[]; rows: Array<Array<string | null>> } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new InputError(`${where}: cannot read seed file (${(error as Error).message})`);
  }
  const records = parseCsv(text, where, delimiter);
  // A seed with no rows still has typed columns: take the header line itself.
  const header = records.length ? Object.keys(records[0]) : text.split(/\r?\n/)[0].split(delimiter).map((h) => h.trim().replace(/^"|"$/g, ''));
  if (!header.length || header.some((h) => !h)) throw new InputError(`${where}: the first line must name every column`);
  return { header, rows: records.map((r) => header.map((h) => r[h])) };
}
