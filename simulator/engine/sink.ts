import { allocateBatch, columnCapacity, isUtf8Column, utf8Head, type LandingBatch, type Utf8Column } from '../../contract/batch.ts';
import type { TableContract } from '../../contract/types.ts';
import { TableDigest } from './digest.ts';

/**
 * Collects the rows of one landing table into batches of at most `capacity` rows, writing
 * straight into the batch's typed arrays, and hands each full batch to `emit` (after adding it
 * to the table digest). A fresh batch is allocated after each emit, so a consumer may keep the
 * batches it receives; a consumer that is done with one hands it back with `recycle`, and the
 * next batch reuses its arrays. At the large scale that saves allocating (and zeroing, and
 * collecting) about 2 GB of typed arrays. Every generator writes every column of every row it
 * adds, so a reused array carries nothing over.
 */
export class TableSink {
  batch: LandingBatch;
  /** Per column index: the Float64Array (numeric columns), else undefined. */
  num: Float64Array[] = [];
  /** Per column index: the Uint8Array (enum columns), else undefined. */
  enums: Uint8Array[] = [];
  /** Per column index: the string array (string columns, unless packed), else undefined. */
  strs: (string | null)[][] = [];
  /** Per column index: the packed UTF-8 column (string columns of a packed sink), else undefined. */
  utf8: Utf8Column[] = [];
  row = 0;
  readonly digest = new TableDigest();
  /** Column arrays of batches handed back by the consumer, ready for reuse. */
  private readonly spare: LandingBatch['columns'][] = [];

  constructor(
    readonly table: TableContract,
    readonly capacity: number,
    private readonly emit: (batch: LandingBatch) => void,
    /** > 0: string columns are packed UTF-8 with this many bytes per row to start with. */
    private readonly utf8BytesPerRow = 0,
  ) {
    this.batch = this.fresh();
  }

  private fresh(): LandingBatch {
    const columns = this.spare.pop();
    const batch = columns ? { table: this.table, rowCount: 0, columns } : allocateBatch(this.table, this.capacity, this.utf8BytesPerRow);
    this.num = [];
    this.enums = [];
    this.strs = [];
    this.utf8 = [];
    batch.columns.forEach((col, i) => {
      if (col instanceof Float64Array) this.num[i] = col;
      else if (col instanceof Uint8Array) this.enums[i] = col;
      else if (isUtf8Column(col)) this.utf8[i] = col;
      else this.strs[i] = col;
    });
    this.row = 0;
    this.batch = batch;
    return batch;
  }

  /** Index of the next row to fill in the current batch (flushes a full batch first). */
  next(): number {
    if (this.row === this.capacity) this.flush();
    return this.row++;
  }

  /**
   * Takes back the arrays of a batch this sink emitted, once its consumer no longer reads them.
   * Only full-capacity arrays are kept (a last, partial batch holds trimmed copies), and at most
   * a few batches' worth.
   */
  recycle(columns: LandingBatch['columns']): void {
    if (this.spare.length >= MAX_SPARE || columns.length !== this.table.columns.length) return;
    if (!columns.every((c) => columnCapacity(c) === this.capacity)) return;
    // Drop the strings now: the reused array would otherwise keep them alive until overwritten.
    for (const c of columns) if (Array.isArray(c)) c.fill(null);
    this.spare.push(columns);
  }

  /** Emits the current batch if it holds rows. */
  flush(): void {
    if (this.row === 0) return;
    const batch = this.batch;
    batch.rowCount = this.row;
    if (this.row < this.capacity) {
      batch.columns = batch.columns.map((c) => (Array.isArray(c) ? c.slice(0, this.row) : isUtf8Column(c) ? utf8Head(c, this.row) : c.subarray(0, this.row)));
    }
    this.digest.add(batch);
    this.fresh();
    this.emit(batch);
  }
}

/** Spare batches a sink keeps (the consumer's credit of batches in flight bounds how many return). */
const MAX_SPARE = 8;

/** The column index of `name` in a table contract (resolved once, used in hot loops). */
export function columnIndex(table: TableContract, name: string): number {
  const i = table.columns.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`landing table ${table.name} has no column ${name}`);
  return i;
}
