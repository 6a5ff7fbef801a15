import { allocateBatch, type LandingBatch } from '../../../contract/batch.ts';
import type { TableContract } from '../../../contract/types.ts';

/** A table with one column of every logical type, nullable everywhere, for loader tests. */
export const everyType: TableContract = {
  name: 'every_type',
  description: 'one column per logical type',
  primaryKey: ['id'],
  columns: [
    { name: 'id', type: 'INT64', nullable: false, description: '' },
    { name: 'big', type: 'INT64', nullable: true, description: '' },
    { name: 'amount', type: 'NUMERIC', scale: 2, nullable: true, description: '' },
    { name: 'ts', type: 'TIMESTAMP', nullable: true, description: '' },
    { name: 'day', type: 'DATE', nullable: true, description: '' },
    { name: 'flag', type: 'BOOL', nullable: true, description: '' },
    { name: 'ratio', type: 'FLOAT64', nullable: true, description: '' },
    { name: 'status', type: 'STRING', nullable: true, enumValues: ['placed', 'shipped', "it's done"], description: '' },
    { name: 'label', type: 'STRING', nullable: true, description: '' },
  ],
};

/** A small two-column table whose content identifies which landing it came from. */
export const versioned: TableContract = {
  name: 'versioned',
  description: 'rows tagged with a landing version',
  primaryKey: ['id'],
  columns: [
    { name: 'id', type: 'INT64', nullable: false, description: '' },
    { name: 'version', type: 'STRING', nullable: false, description: '' },
  ],
};

export function versionedBatch(version: string, from: number, rows: number): LandingBatch {
  const batch = allocateBatch(versioned, rows);
  const ids = batch.columns[0] as Float64Array;
  const labels = batch.columns[1] as (string | null)[];
  for (let i = 0; i < rows; i++) {
    ids[i] = from + i;
    labels[i] = version;
  }
  batch.rowCount = rows;
  return batch;
}
