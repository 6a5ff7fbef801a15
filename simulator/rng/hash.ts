/**
 * Counter-based hashing: every random value in the simulator is a pure function of
 * (seed, stream, key, field). No state carries from one value to the next, so any row can be
 * computed alone, in any batch, on any worker, and come out bit-identical.
 *
 * The mixer is Chris Wellons' "lowbias32" finalizer (2 multiplies, 3 xor-shifts), the same one
 * measured in /work/shared/reference/perf (about 360 M values/s in a tight loop).
 */

/** lowbias32: a bijective 32-bit avalanche mixer. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const GOLDEN = 0x9e3779b9;

/** Hashes a stream name to a 32-bit id (FNV-1a then mixed); computed once per stream. */
export function streamId(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** The base of one stream for one seed: hash(seed, stream). Precompute it outside hot loops. */
export function streamBase(seed: number, stream: string): number {
  return mix32((mix32(seed >>> 0) ^ streamId(stream)) >>> 0);
}

/** The base of one entity (row) within a stream: hash(streamBase, key). */
export function keyBase(base: number, key: number): number {
  return mix32((base + Math.imul(key | 0, GOLDEN) + (Math.floor(key / 4294967296) | 0)) >>> 0);
}

/** The 32-bit value of one field of one entity: hash(keyBase, field). */
export function fieldHash(kb: number, field: number): number {
  return mix32((kb ^ Math.imul(field + 1, 0x85ebca6b)) >>> 0);
}

/** h32(seed, stream, key, field) in one call (slow path: tests, one-off values). */
export function h32(seed: number, stream: string, key: number, field: number): number {
  return fieldHash(keyBase(streamBase(seed, stream), key), field);
}

/** Uniform in the open interval (0, 1): never 0, so logs and inverses are safe. */
export function unit(kb: number, field: number): number {
  return (fieldHash(kb, field) + 0.5) / 4294967296;
}
