/**
 * A fixed list of strings packed as UTF-8 into one byte buffer, for generators that write string
 * columns as bytes (contract/batch.ts `Utf8Column`). One buffer per list keeps a random pick to
 * one cache line or two: a JS string per name, or a typed array per name, lives wherever the
 * heap put it, and at millions of picks those cache misses cost more than the copying itself.
 */
export class PackedStrings {
  readonly bytes: Uint8Array;
  /** Byte offset of string i in `bytes`; its length is `lengths[i]`. */
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  /** The longest string, in bytes (what a writer reserves for one pick). */
  readonly maxLength: number;
  /** Every string is ASCII (one byte per character). */
  readonly ascii: boolean;

  constructor(readonly values: readonly string[]) {
    const encoder = new TextEncoder();
    const encoded = values.map((v) => encoder.encode(v));
    const total = encoded.reduce((sum, e) => sum + e.length, 0);
    this.bytes = new Uint8Array(total);
    this.starts = new Int32Array(values.length);
    this.lengths = new Int32Array(values.length);
    let at = 0;
    encoded.forEach((e, i) => {
      this.bytes.set(e, at);
      this.starts[i] = at;
      this.lengths[i] = e.length;
      at += e.length;
    });
    this.maxLength = encoded.reduce((max, e) => Math.max(max, e.length), 0);
    this.ascii = total === values.reduce((sum, v) => sum + v.length, 0) && values.every((v) => /^[\x00-\x7f]*$/.test(v));
  }

  get length(): number {
    return this.values.length;
  }

  /** Copies string i to `out` at `at`; returns the offset after it. */
  copy(i: number, out: Uint8Array, at: number): number {
    const src = this.bytes;
    const start = this.starts[i];
    const n = this.lengths[i];
    for (let k = 0; k < n; k++) out[at + k] = src[start + k];
    return at + n;
  }

  /** Copies string i in ASCII upper case (its letters a-z; an ASCII list only). */
  copyUpper(i: number, out: Uint8Array, at: number): number {
    const src = this.bytes;
    const start = this.starts[i];
    const n = this.lengths[i];
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
    return this.bytes[this.starts[i]];
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
