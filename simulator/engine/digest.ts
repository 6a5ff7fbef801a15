import { isUtf8Column, type LandingBatch, type Utf8Column } from '../../contract/batch.ts';
import { mix32 } from '../rng/hash.ts';

/**
 * Order-independent table digests: every row is hashed to 64 bits from its canonical values
 * (column by column, in contract order), and the table digest is the sum of the row hashes
 * modulo 2^64, printed as 16 hex digits. A sum does not care about row order, batch size,
 * worker count or how tables interleave, yet any changed, missing or extra row changes it.
 *
 * Canonical values: numbers (INT64, NUMERIC in cents, TIMESTAMP in microseconds; all integers)
 * as the two 32-bit words of their IEEE-754 double (little-endian word order), NULL (NaN) as a
 * marker word pair; enums as their code (255 = NULL); strings as their length and UTF-16 code
 * units, NULL as a marker, whichever encoding the batch uses (a packed UTF-8 column is decoded
 * to the same code units, so a table's digest does not depend on how it was produced).
 */

const TWO32 = 4294967296;
const NULL_A = 0x7ff80001;
const NULL_B = 0x5bd1e995;

export class TableDigest {
  /** Low and high 32-bit halves of the running sum; kept below 2^32 after each batch. */
  private lo = 0;
  private hi = 0;
  rows = 0;
  private laneA = new Uint32Array(0);
  private laneB = new Uint32Array(0);

  add(batch: LandingBatch): void {
    const n = batch.rowCount;
    if (this.laneA.length < n) {
      this.laneA = new Uint32Array(n);
      this.laneB = new Uint32Array(n);
    }
    const a = this.laneA;
    const b = this.laneB;
    a.fill(0x243f6a88, 0, n);
    b.fill(0x85a308d3, 0, n);
    for (let c = 0; c < batch.columns.length; c++) {
      const col = batch.columns[c];
      if (col instanceof Float64Array) hashNumbers(a, b, new Uint32Array(col.buffer, col.byteOffset, n * 2), n);
      else if (col instanceof Uint8Array) hashCodes(a, b, col, 0x100 * (c + 1), n);
      else if (isUtf8Column(col)) hashUtf8(a, b, col, n);
      else hashStrings(a, b, col, n);
    }
    let lo = this.lo;
    let hi = this.hi;
    for (let r = 0; r < n; r++) {
      const fa = mix32(a[r]);
      lo += fa;
      hi += mix32((b[r] ^ fa) >>> 0);
    }
    // Fold the carries (batches are at most 2^20 rows, so the sums stay exact below 2^53).
    const carry = Math.floor(lo / TWO32);
    this.lo = lo - carry * TWO32;
    this.hi = (hi + carry) % TWO32;
    this.rows += n;
  }

  /** Adds another partial digest (from a worker) of the same table. */
  merge(other: { lo: number; hi: number; rows: number }): void {
    const lo = this.lo + other.lo;
    const carry = Math.floor(lo / TWO32);
    this.lo = lo - carry * TWO32;
    this.hi = (this.hi + other.hi + carry) % TWO32;
    this.rows += other.rows;
  }

  state(): { lo: number; hi: number; rows: number } {
    return { lo: this.lo, hi: this.hi, rows: this.rows };
  }

  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

// One function per column kind, so each loop stays monomorphic (a single loop over mixed column
// kinds ran about 1.6x slower once V8 had seen them all).

/** Numbers: the IEEE-754 bits of each value (canonical for the integers we store); NaN is NULL. */
function hashNumbers(a: Uint32Array, b: Uint32Array, bits: Uint32Array, n: number): void {
  for (let r = 0; r < n; r++) {
    let w0 = bits[2 * r];
    let w1 = bits[2 * r + 1];
    if ((w1 & 0x7ff00000) === 0x7ff00000) {
      w0 = NULL_A;
      w1 = NULL_B;
    }
    a[r] = Math.imul(((a[r] ^ w0) << 13) | ((a[r] ^ w0) >>> 19), 0x9e3779b1) ^ w1;
    b[r] = Math.imul(((b[r] ^ w1) << 17) | ((b[r] ^ w1) >>> 15), 0x85ebca77) ^ w0;
  }
}

/** Enum codes, tagged with the column's position. */
function hashCodes(a: Uint32Array, b: Uint32Array, codes: Uint8Array, tag: number, n: number): void {
  for (let r = 0; r < n; r++) {
    const w = codes[r] + tag;
    a[r] = Math.imul(((a[r] ^ w) << 13) | ((a[r] ^ w) >>> 19), 0x9e3779b1);
    b[r] = Math.imul(((b[r] ^ w) << 17) | ((b[r] ^ w) >>> 15), 0x85ebca77);
  }
}

/** Strings: the length, then the UTF-16 code units; NULL as a marker. */
function hashStrings(a: Uint32Array, b: Uint32Array, strings: (string | null)[], n: number): void {
  for (let r = 0; r < n; r++) {
    const s = strings[r];
    let ha = a[r];
    let hb = b[r];
    if (s === null || s === undefined) {
      ha = Math.imul(ha ^ NULL_A, 0x9e3779b1);
      hb = Math.imul(hb ^ NULL_B, 0x85ebca77);
    } else {
      ha = Math.imul(ha ^ (s.length + 1), 0x9e3779b1);
      hb = Math.imul(hb ^ (s.length + 1), 0x85ebca77);
      for (let i = 0; i < s.length; i++) {
        const ch = s.charCodeAt(i);
        ha = Math.imul(((ha ^ ch) << 13) | ((ha ^ ch) >>> 19), 0x9e3779b1);
        hb = Math.imul(((hb ^ ch) << 17) | ((hb ^ ch) >>> 15), 0x85ebca77);
      }
    }
    a[r] = ha;
    b[r] = hb;
  }
}

/** Packed UTF-8 strings, hashed exactly as `hashStrings` hashes the same strings. */
function hashUtf8(a: Uint32Array, b: Uint32Array, col: Utf8Column, n: number): void {
  const { bytes, offsets, nulls } = col;
  for (let r = 0; r < n; r++) {
    let ha = a[r];
    let hb = b[r];
    if (nulls[r]) {
      ha = Math.imul(ha ^ NULL_A, 0x9e3779b1);
      hb = Math.imul(hb ^ NULL_B, 0x85ebca77);
    } else {
      const start = offsets[r];
      const end = offsets[r + 1];
      const units = utf16Length(bytes, start, end);
      ha = Math.imul(ha ^ (units + 1), 0x9e3779b1);
      hb = Math.imul(hb ^ (units + 1), 0x85ebca77);
      if (units === end - start) {
        // ASCII: each byte is one code unit
        for (let i = start; i < end; i++) {
          const ch = bytes[i];
          ha = Math.imul(((ha ^ ch) << 13) | ((ha ^ ch) >>> 19), 0x9e3779b1);
          hb = Math.imul(((hb ^ ch) << 17) | ((hb ^ ch) >>> 15), 0x85ebca77);
        }
      } else {
        for (let i = start; i < end; ) {
          const lead = bytes[i];
          let cp: number;
          if (lead < 0x80) {
            cp = lead;
            i += 1;
          } else if (lead < 0xe0) {
            cp = ((lead & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
            i += 2;
          } else if (lead < 0xf0) {
            cp = ((lead & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
            i += 3;
          } else {
            cp = ((lead & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f);
            i += 4;
          }
          if (cp > 0xffff) {
            // a surrogate pair, as a JS string holds it
            const high = 0xd800 + ((cp - 0x10000) >> 10);
            ha = Math.imul(((ha ^ high) << 13) | ((ha ^ high) >>> 19), 0x9e3779b1);
            hb = Math.imul(((hb ^ high) << 17) | ((hb ^ high) >>> 15), 0x85ebca77);
            cp = 0xdc00 + ((cp - 0x10000) & 0x3ff);
          }
          ha = Math.imul(((ha ^ cp) << 13) | ((ha ^ cp) >>> 19), 0x9e3779b1);
          hb = Math.imul(((hb ^ cp) << 17) | ((hb ^ cp) >>> 15), 0x85ebca77);
        }
      }
    }
    a[r] = ha;
    b[r] = hb;
  }
}

/** UTF-16 code units of valid UTF-8 bytes: one per lead byte, two for a 4-byte sequence. */
function utf16Length(bytes: Uint8Array, start: number, end: number): number {
  let any = 0;
  for (let i = start; i < end; i++) any |= bytes[i];
  if (any < 0x80) return end - start; // ASCII, the common case: no branch per byte
  let units = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if ((byte & 0xc0) !== 0x80) units += byte >= 0xf0 ? 2 : 1;
  }
  return units;
}
