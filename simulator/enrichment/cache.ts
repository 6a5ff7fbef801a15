import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GenerateContentParameters } from '@google/genai';
import { InputError } from '../../contract/errors.ts';
import type { GeminiAnswer, GeminiCall } from './gemini-client.ts';

/**
 * The enrichment cache: one JSON file per Gemini request, named by a hash of what decides the
 * answer (the prompt with its system instruction and response schema, the model, the seed).
 * The file keeps the request as sent and the answer's text verbatim, so a replay parses exactly
 * the bytes Gemini returned: a cached catalog is as deterministic as the built-in one. The files
 * are meant to be committed (fixtures/enrichment/), so CI and colleagues replay them offline.
 */

export const CACHE_FORMAT = 1;

export interface CacheEntry {
  format: typeof CACHE_FORMAT;
  /** sha256 of the canonical JSON of `keyMaterial(call)`. */
  key: string;
  model: string;
  seed: number;
  /** Who produced the answer: 'gemini' for a real call; tests record from a loopback fake. */
  recorded_from: string;
  /** The parameters passed to `models.generateContent` for the answer kept here. */
  request: GenerateContentParameters;
  response: GeminiAnswer;
}

/** What the cache key covers. maxOutputTokens and retries are left out: they do not change what is asked. */
export function keyMaterial(call: GeminiCall): Record<string, unknown> {
  return {
    model: call.model,
    seed: call.seed,
    systemInstruction: call.systemInstruction,
    prompt: call.prompt,
    responseSchema: call.responseSchema,
  };
}

export function cacheKey(call: GeminiCall): string {
  return createHash('sha256').update(canonicalJson(keyMaterial(call))).digest('hex');
}

/** File name: readable prefix (model, seed) plus the key, so `ls` tells entries apart. */
export function cacheFileName(call: GeminiCall, key = cacheKey(call)): string {
  const model = call.model.replace(/[^A-Za-z0-9.-]/g, '_');
  return `${model}-seed${call.seed}-${key.slice(0, 16)}.json`;
}

export function readCache(dir: string, call: GeminiCall): CacheEntry | undefined {
  const key = cacheKey(call);
  const path = join(dir, cacheFileName(call, key));
  if (!existsSync(path)) return undefined;
  let entry: CacheEntry;
  try {
    entry = JSON.parse(readFileSync(path, 'utf8')) as CacheEntry;
  } catch (error) {
    throw new InputError(`${path}: enrichment cache entry is not valid JSON (${(error as Error).message}); delete it to fetch the catalog again`);
  }
  if (entry.key !== key || entry.format !== CACHE_FORMAT || typeof entry.response?.text !== 'string') {
    throw new InputError(`${path}: enrichment cache entry does not match its request (key or format differs); delete it to fetch the catalog again`);
  }
  return entry;
}

/** Written whole to a temporary name, then renamed: a crash never leaves half an entry. */
export function writeCache(dir: string, call: GeminiCall, entry: Omit<CacheEntry, 'format' | 'key' | 'model' | 'seed'>): string {
  const key = cacheKey(call);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, cacheFileName(call, key));
  const full: CacheEntry = { format: CACHE_FORMAT, key, model: call.model, seed: call.seed, ...entry };
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(full, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}

/** JSON with object keys sorted at every level, so the key does not depend on insertion order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
