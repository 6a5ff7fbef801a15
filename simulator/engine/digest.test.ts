import { describe, expect, it } from 'vitest';
import { allocateBatch, packUtf8, type LandingBatch } from '../../contract/batch.ts';
import { landingMeta } from '../../contract/landing.ts';
import { TableDigest } from './digest.ts';

/** A key/value batch (two STRING columns) with the given values in both columns. */
function batchOf(values: (string | null)[], packed: boolean): LandingBatch {
  const batch = allocateBatch(landingMeta, values.length);
  batch.columns = batch.columns.map(() => (packed ? packUtf8(values) : [...values]));
  batch.rowCount = values.length;
  return batch;
}

function digestOf(batch: LandingBatch): string {
  const digest = new TableDigest();
  digest.add(batch);
  return digest.hex();
}

describe('table digests', () => {
  // ASCII, 2-, 3- and 4-byte UTF-8 (a surrogate pair in JS), empty, NULL
  const values = ['plain', 'Łukasz Müller', '€uro', 'clef 𝄞 sign', '', null, 'x'.repeat(40)];

  it('hash strings packed as UTF-8 exactly as the same JS strings', () => {
    expect(digestOf(batchOf(values, true))).toBe(digestOf(batchOf(values, false)));
  });

  it('see a change of one code unit, a NULL for an empty string, and the row count', () => {
    const base = digestOf(batchOf(values, true));
    expect(digestOf(batchOf(values.map((v) => (v === '€uro' ? '€urp' : v)), true))).not.toBe(base);
    expect(digestOf(batchOf(values.map((v) => (v === '' ? null : v)), true))).not.toBe(base);
    expect(digestOf(batchOf([...values, 'plain'], true))).not.toBe(base);
  });
});
