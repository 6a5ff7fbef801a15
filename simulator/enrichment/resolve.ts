import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../contract/errors.ts';
import { builtinCatalog, validateCatalog } from '../catalog/builtin.ts';
import type { CategoryVocabulary, ProductCatalog } from '../catalog/types.ts';
import type { Scenario } from '../scenario/types.ts';
import { parseAnswer } from './answer.ts';
import { cacheFileName, cacheKey, readCache, writeCache } from './cache.ts';
import { askGemini, DEFAULT_CONNECTION, type GeminiCall, type GeminiConnection } from './gemini-client.ts';
import { buildCall, categoryGroups } from './request.ts';

/**
 * The enrichment seam's provider: the product catalog a simulation uses. `enrich: none` gives
 * the built-in vocabulary; `enrich: gemini` gives Gemini's, replayed from the cache when it was
 * fetched before, asked for (and cached) otherwise. Either the whole catalog comes back
 * validated, or an error is thrown: there is no fall-back to the built-in vocabulary and no
 * partly enriched catalog. Call it before generating anything, so a missing key stops the run
 * before a single row exists.
 */

export const DEFAULT_GEMINI_MODEL = 'gemini-2.5-flash';
const GOOGLE_ENDPOINT = 'https://generativelanguage.googleapis.com';
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface EnrichmentOptions {
  /**
   * Overrides the scenario's `gemini_model` (which already holds --gemini-model, GEMINI_MODEL or
   * the scenario file's value); for programmatic callers.
   */
  model?: string;
  /** Environment for GEMINI_API_KEY, GOOGLE_GEMINI_BASE_URL, SIM_ENRICHMENT_CACHE; default process.env. */
  env?: Record<string, string | undefined>;
  /** Cache folder; default $SIM_ENRICHMENT_CACHE, else fixtures/enrichment/ of the project. */
  cacheDir?: string;
  /** Only replay the cache: a miss is an error even with a key (CI, reproducibility checks). */
  offline?: boolean;
  /** Connection tuning (tests shorten the retry delays). */
  connection?: Partial<Omit<GeminiConnection, 'apiKey'>>;
  /** One line per step ("replayed from ...", "asking Gemini ..."), for stderr. */
  log?: (line: string) => void;
}

/** Where a run's catalog came from; also folded into `catalog.source` for `_sim_meta`. */
export interface CatalogProvenance {
  kind: 'builtin' | 'gemini';
  model?: string;
  /** Cache files used or written, relative to the working directory. */
  cacheFiles: string[];
  /** How many requests were answered by Gemini in this run (0 = all replayed). */
  fetched: number;
}

export async function resolveCatalog(scenario: Scenario, options: EnrichmentOptions = {}): Promise<ProductCatalog> {
  return (await resolveCatalogWithProvenance(scenario, options)).catalog;
}

export async function resolveCatalogWithProvenance(
  scenario: Scenario,
  options: EnrichmentOptions = {},
): Promise<{ catalog: ProductCatalog; provenance: CatalogProvenance }> {
  if (scenario.enrich !== 'gemini') {
    return { catalog: builtinCatalog(scenario), provenance: { kind: 'builtin', cacheFiles: [], fetched: 0 } };
  }
  const env = options.env ?? process.env;
  const model = geminiModel(options.model ?? scenario.gemini_model);
  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const log = options.log ?? (() => undefined);

  // Everything that can be decided without the network is decided first: every cache entry is
  // read and validated, then the key is checked. Only then is anything asked.
  const requests = categoryGroups(scenario.categories).map((group) => {
    const names = group.map((c) => c.name);
    const call = buildCall(group, model, scenario.seed);
    const file = join(cacheDir, cacheFileName(call));
    const hit = readCache(cacheDir, call);
    return { names, call, file, vocab: hit ? parseCached(hit.response.text, names, file) : undefined };
  });
  const missing = requests.filter((r) => !r.vocab);
  const apiKey = (env.GEMINI_API_KEY ?? '').trim();
  if (missing.length > 0) {
    const where = displayPath(missing[0]!.file);
    if (options.offline) {
      throw new InputError(`--enrich gemini (offline): no cached catalog for model ${model}, seed ${scenario.seed} (looked for ${where}); run once with GEMINI_API_KEY set, or use --enrich none`);
    }
    if (apiKey === '') {
      throw new InputError(
        `--enrich gemini needs GEMINI_API_KEY: no cached catalog for model ${model}, seed ${scenario.seed} and these categories (looked for ${where}); set GEMINI_API_KEY, or use --enrich none for the built-in vocabulary`,
      );
    }
  }

  const baseUrl = options.connection?.baseUrl ?? (env.GOOGLE_GEMINI_BASE_URL || undefined);
  const connection: GeminiConnection = { ...DEFAULT_CONNECTION, ...options.connection, apiKey, ...(baseUrl ? { baseUrl } : {}) };
  const categories: Record<string, CategoryVocabulary> = {};
  for (const request of requests) {
    if (request.vocab) {
      log(`enrichment: ${request.names.length} categories replayed from ${displayPath(request.file)}`);
    } else {
      log(`enrichment: asking Gemini (${model}) for ${request.names.length} categories: ${request.names.join(', ')}`);
      const { answer, value, params } = await askGemini(request.call, connection, (text) => parseAnswer(text, request.names));
      writeCache(cacheDir, request.call, { recorded_from: connection.baseUrl ?? GOOGLE_ENDPOINT, request: params, response: answer });
      request.vocab = value;
      log(`enrichment: cached in ${displayPath(request.file)}`);
    }
    Object.assign(categories, request.vocab);
  }
  // Keys in scenario order, whatever the grouping.
  const ordered = Object.fromEntries(scenario.categories.map((c) => [c.name, categories[c.name]!]));
  const keys = requests.map((r) => cacheKey(r.call).slice(0, 16)).join(',');
  const catalog: ProductCatalog = { source: `gemini:${model} (cache ${keys})`, categories: ordered };
  validateCatalog(catalog, scenario);
  return {
    catalog,
    provenance: { kind: 'gemini', model, cacheFiles: requests.map((r) => displayPath(r.file)), fetched: missing.length },
  };
}

/** A model id as Gemini names them; the scenario validates its own field the same way. */
export function geminiModel(model: string): string {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(model)) {
    throw new InputError(`Gemini model "${model}" is not a model id; accepted: lower-case letters, digits, dots and dashes, e.g. ${DEFAULT_GEMINI_MODEL}`);
  }
  return model;
}

/** $SIM_ENRICHMENT_CACHE, else fixtures/enrichment/ of the project in the working directory, else of ecom-sim. */
export function defaultCacheDir(env: Record<string, string | undefined>): string {
  if (env.SIM_ENRICHMENT_CACHE) return resolve(env.SIM_ENRICHMENT_CACHE);
  const root = existsSync(join(process.cwd(), 'dbt_project.yml')) ? process.cwd() : REPO_ROOT;
  return join(root, 'fixtures', 'enrichment');
}

/** A cached answer that no longer validates was edited or comes from another version: say which file. */
function parseCached(text: string, names: string[], file: string): Record<string, CategoryVocabulary> {
  try {
    return parseAnswer(text, names);
  } catch (error) {
    throw new InputError(`${displayPath(file)}: cached catalog is invalid (${(error as Error).message}); delete the file to fetch it again`);
  }
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

export type { GeminiCall };
