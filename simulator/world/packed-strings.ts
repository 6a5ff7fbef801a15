import { packUtf8 } from '../../contract/batch.ts';

/**
 * A fixed list of strings packed as UTF-8 into one byte buffer, for generators that write string
 * columns as bytes (contract/batch.ts `Utf8Column`). One buffer per list keeps a random pick to
 * one cache line or two: a JS string per name, or a typed array per name, lives wherever the
 * heap put it, and at millions of picks those cache misses cost more than the copying itself.
 */
export class PackedStrings {
  readonly bytes: Uint8Array;
  /** String i is bytes[offsets[i], offsets[i + 1]) (a `Utf8Column` without NULLs). */
  readonly offsets: Int32Array;
  /** The longest string, in bytes (what a writer reserves for one pick). */
  readonly maxLength: number;
  /** Every string is ASCII (one byte per character). */
  readonly ascii: boolean;

  constructor(readonly values: readonly string[]) {
    const packed = packUtf8(values);
    this.bytes = packed.bytes;
    this.offsets = packed.offsets;
    let max = 0;
    for (let i = 0; i < values.length; i++) max = Math.max(max, this.offsets[i + 1] - this.offsets[i]);
    this.maxLength = max;
    this.ascii = this.bytes.every((byte) => byte < 0x80);
  }

  get length(): number {
    return this.values.length;
  }

  /** Copies string i to `out` at `at`; returns the offset after it. */
  copy(i: number, out: Uint8Array, at: number): number {
    const src = this.bytes;
    const start = this.offsets[i];
    const n = this.offsets[i + 1] - start;
    for (let k = 0; k < n; k++) out[at + k] = src[start + k];
    return at + n;
  }

  /** Copies string i in ASCII upper case (its letters a-z; an ASCII list only). */
  copyUpper(i: number, out: Uint8Array, at: number): number {
    const src = this.bytes;
    const start = this.offsets[i];
    const n = this.offsets[i + 1] - start;
    for (let k = 0; k < n; k++) out[at + k] = upper(src[start + k]);
    return at + n;
  }

  /** Copies string i with its first letter in ASCII upper case (an ASCII list only). */
  copyCapitalised(i: number, out: Uint8Array, at: number): number {
    const end = this.copy(i, out, at);
    if (end > at) out[at] = upper(out[at]);
    return end;
  }

  /** The first byte of string i (its first character, in an ASCII list). */
  firstByte(i: number): number {
    return this.bytes[this.offsets[i]];
  }
}

/** The ASCII upper case of a byte (a-z), other bytes unchanged. */
export function upper(byte: number): number {
  return byte >= 0x61 && byte <= 0x7a ? byte - 0x20 : byte;
}

const ZERO = 0x30;
const INT32_LIMIT = 2 ** 31;

/** Writes a non-negative integer in decimal ASCII; returns the offset after it. */
export function writeDecimal(value: number, out: Uint8Array, at: number): number {
  let digits = 1;
  if (value < INT32_LIMIT) {
    // int32 division by a constant compiles to a multiplication: several times cheaper than a
    // floating-point division, and an email has one per digit
    for (let t = value | 0; t >= 10; t = (t / 10) | 0) digits++;
    let v = value | 0;
    for (let k = at + digits - 1; k >= at; k--) {
      const q = (v / 10) | 0;
      out[k] = ZERO + v - q * 10;
      v = q;
    }
    return at + digits;
  }
  for (let t = value; t >= 10; t = Math.floor(t / 10)) digits++;
  let v = value;
  for (let k = at + digits - 1; k >= at; k--) {
    const q = Math.floor(v / 10);
    out[k] = ZERO + (v - q * 10);
    v = q;
  }
  return at + digits;
}
