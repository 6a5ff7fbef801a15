import { describe, expect, it } from 'vitest';
import { PackedStrings, writeDecimal } from './packed-strings.ts';

const decoder = new TextDecoder();

describe('packed strings', () => {
  it('copy, upper-case and capitalise each string as UTF-8', () => {
    const list = new PackedStrings(['anna', 'jürgen', '', 'o.brien']);
    const out = new Uint8Array(64);
    let at = list.copy(1, out, 0);
    at = list.copyUpper(3, out, at);
    at = list.copyCapitalised(0, out, at);
    at = list.copy(2, out, at);
    expect(decoder.decode(out.subarray(0, at))).toBe('jürgenO.BRIENAnna');
    expect(list.maxLength).toBe(7); // 'jürgen' is 7 bytes
    expect(list.ascii).toBe(false);
    expect(new PackedStrings(['gmail.com', 'web.de']).ascii).toBe(true);
  });

  it('write integers in decimal, below and above 2^31', () => {
    const out = new Uint8Array(32);
    for (const n of [0, 7, 10, 99, 1_000_000, 2 ** 31 - 1, 2 ** 31, 9_007_199_254_740_991]) {
      const end = writeDecimal(n, out, 3);
      expect(decoder.decode(out.subarray(3, end))).toBe(String(n));
    }
  });
});
