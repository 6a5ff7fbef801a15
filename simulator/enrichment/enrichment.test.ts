import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../contract/errors.ts';
import { resolveScenario } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/types.ts';
import { resolveCatalog, resolveCatalogWithProvenance, type EnrichmentOptions } from './index.ts';
import { startFakeGemini, type FakeGemini } from './testing/fake-gemini.ts';
import { fakeCategoryAnswer, requestedCategories, validReply } from './testing/fake-vocabulary.ts';

let fake: FakeGemini;
let cacheDir: string;
let root: string;

beforeAll(async () => {
  fake = await startFakeGemini(validReply);
  root = mkdtempSync(join(tmpdir(), 'sim-enrich-'));
});
afterAll(async () => {
  await fake.close();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.script.length = 0;
  cacheDir = mkdtempSync(join(root, 'cache-'));
});
afterEach(() => {
  expect(fake.script, 'every scripted reply was used').toHaveLength(0);
});

const scenario = (overrides: Record<string, unknown> = {}): Scenario =>
  resolveScenario({ overrides: { scale: 'tiny', enrich: 'gemini', ...overrides } as never });

function options(extra: Partial<EnrichmentOptions> = {}): EnrichmentOptions {
  return {
    env: { GEMINI_API_KEY: 'test-key' },
    cacheDir,
    connection: { baseUrl: fake.baseUrl, httpInitialDelaySeconds: 0.01, timeoutMs: 5000 },
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('the request', () => {
  it('asks generateContent of the pinned model with a response schema, temperature 0, the seed, one candidate, no thinking', async () => {
    const s = scenario({ seed: 7 });
    await resolveCatalog(s, options());
    expect(fake.requests).toHaveLength(1);
    const [req] = fake.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(req!.headers['x-goog-api-key']).toBe('test-key');
    const config = req!.body.generationConfig!;
    expect(config).toMatchObject({ temperature: 0, seed: 7, candidateCount: 1, responseMimeType: 'application/json', thinkingConfig: { thinkingBudget: 0 } });
    const schema = config.responseSchema as any;
    expect(schema.type).toBe('OBJECT');
    expect(schema.propertyOrdering).toEqual(['categories']);
    const item = schema.properties.categories.items;
    expect(item.propertyOrdering).toEqual(['category', 'subcategories', 'brands', 'adjectives', 'descriptions']);
    expect(item.required).toEqual(item.propertyOrdering);
    expect(item.properties.subcategories.items.propertyOrdering).toEqual(['name', 'nouns']);
    expect(requestedCategories(req!)).toEqual(s.categories.map((c) => c.name));
    expect(schema.properties.categories.minItems).toBe(String(s.categories.length));
    const prompt = req!.body.contents[0]!.parts[0]!.text!;
    for (const c of s.categories) expect(prompt).toContain(c.name);
    expect(req!.body.systemInstruction!.parts[0]!.text).toMatch(/invented/);
  });

  it('asks the scenario\'s gemini_model (set by --gemini-model, GEMINI_MODEL or the scenario file)', async () => {
    const fromEnv = resolveScenario({ overrides: { scale: 'tiny', enrich: 'gemini' } as never, env: { GEMINI_MODEL: 'gemini-2.5-flash-lite' } });
    await resolveCatalog(fromEnv, options());
    await resolveCatalog(scenario({ gemini_model: 'gemini-2.0-flash-001' }), options());
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/v1beta/models/gemini-2.5-flash-lite:generateContent',
      '/v1beta/models/gemini-2.0-flash-001:generateContent',
    ]);
    expect(() => scenario({ gemini_model: 'gemini flash; rm -rf' })).toThrow(/'gemini_model'.*a Gemini model id/);
    const error = await failure(resolveCatalog(scenario(), options({ model: 'Gemini Flash' })));
    expect(exitCodeOf(error)).toBe(2);
    expect(error.message).toMatch(/not a model id/);
  });

  it('returns the whole catalog, keyed by the scenario categories, with Gemini as its source', async () => {
    const s = scenario();
    const catalog = await resolveCatalog(s, options());
    expect(Object.keys(catalog.categories)).toEqual(s.categories.map((c) => c.name));
    const { category, ...vocab } = fakeCategoryAnswer('Electronics');
    expect(catalog.categories[category]).toEqual(vocab);
    expect(catalog.source).toMatch(/^gemini:gemini-2\.5-flash \(cache [0-9a-f]{16}\)$/);
  });

  it('splits many categories into requests of at most 8 and keeps scenario order', async () => {
    const base = scenario();
    const categories = Array.from({ length: 11 }, (_, i) => ({ ...base.categories[i % base.categories.length]!, name: `Cat ${String.fromCharCode(65 + i)}` }));
    const s = { ...base, categories };
    const catalog = await resolveCatalog(s, options());
    expect(fake.requests.map((r) => requestedCategories(r).length)).toEqual([8, 3]);
    expect(Object.keys(catalog.categories)).toEqual(categories.map((c) => c.name));
  });

  it('uses GEMINI_API_KEY and the Gemini API even when GOOGLE_API_KEY or GOOGLE_GENAI_USE_VERTEXAI are set', async () => {
    const saved = { key: process.env.GOOGLE_API_KEY, vertex: process.env.GOOGLE_GENAI_USE_VERTEXAI };
    process.env.GOOGLE_API_KEY = 'another-key';
    process.env.GOOGLE_GENAI_USE_VERTEXAI = 'true';
    try {
      await resolveCatalog(scenario(), options());
    } finally {
      for (const [name, value] of [['GOOGLE_API_KEY', saved.key], ['GOOGLE_GENAI_USE_VERTEXAI', saved.vertex]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(fake.requests[0]!.headers['x-goog-api-key']).toBe('test-key');
    expect(fake.requests[0]!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
  });

  it('enrich none never calls Gemini and needs no key', async () => {
    const catalog = await resolveCatalog(scenario({ enrich: 'none' }), options({ env: {} }));
    expect(catalog.source).toBe('builtin');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('retries', () => {
  it('retries HTTP 503 and 429 (SDK retryOptions) and then succeeds', async () => {
    fake.script.push({ kind: 'http-error', status: 503 }, { kind: 'http-error', status: 429, message: 'Resource has been exhausted' });
    const catalog = await resolveCatalog(scenario(), options());
    expect(fake.requests).toHaveLength(3);
    expect(Object.keys(catalog.categories).length).toBeGreaterThan(0);
  });

  it('gives up after the attempts with a clear error (exit 3) and caches nothing', async () => {
    for (let i = 0; i < 3; i++) fake.script.push({ kind: 'http-error', status: 503 });
    const error = await failure(resolveCatalog(scenario(), options({ connection: { baseUrl: fake.baseUrl, httpAttempts: 3, httpInitialDelaySeconds: 0.01 } })));
    expect(fake.requests).toHaveLength(3);
    expect(exitCodeOf(error)).toBe(3);
    expect(error.message).toMatch(/Gemini request failed after retries: HTTP 503: UNAVAILABLE: The model is overloaded/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('a rejected key is bad input (exit 2), not retried', async () => {
    fake.script.push({ kind: 'http-error', status: 400, message: 'API key not valid. Please pass a valid API key.' });
    const error = await failure(resolveCatalog(scenario(), options()));
    expect(fake.requests).toHaveLength(1);
    expect(exitCodeOf(error)).toBe(2);
    expect(error.message).toMatch(/GEMINI_API_KEY was rejected/);
    expect(error.message).not.toContain('test-key');
  });
});

describe('malformed answers', () => {
  const cases: Array<[string, () => { text: string; finishReason?: string }]> = [
    ['text that is not JSON', () => ({ text: '{"categories": [' })],
    ['JSON of the wrong shape', () => ({ text: JSON.stringify({ items: [] }) })],
    ['the wrong categories', () => ({ text: JSON.stringify({ categories: [fakeCategoryAnswer('Unasked')] }) })],
    ['a description with an unknown placeholder', () => {
      const s = scenario();
      const answers = s.categories.map((c) => fakeCategoryAnswer(c.name));
      answers[0]!.descriptions[0] = 'Now in {colour}, from {brand}.';
      return { text: JSON.stringify({ categories: answers }) };
    }],
    ['duplicate brands', () => {
      const answers = scenario().categories.map((c) => fakeCategoryAnswer(c.name));
      answers[1]!.brands[1] = answers[1]!.brands[0]!.toUpperCase();
      return { text: JSON.stringify({ categories: answers }) };
    }],
    ['an answer cut off by MAX_TOKENS', () => ({ text: '{"categories": [{"category": "Elec', finishReason: 'MAX_TOKENS' })],
    ['an answer blocked by SAFETY', () => ({ text: '', finishReason: 'SAFETY' })],
  ];
  for (const [what, reply] of cases) {
    it(`re-asks after ${what}`, async () => {
      fake.script.push({ kind: 'text', ...reply() });
      const catalog = await resolveCatalog(scenario(), options());
      expect(fake.requests).toHaveLength(2);
      expect(catalog.source).toMatch(/^gemini:/);
    });
  }

  it('re-asks after a blocked prompt (no candidate, promptFeedback.blockReason)', async () => {
    fake.script.push({ kind: 'raw', status: 200, body: JSON.stringify({ promptFeedback: { blockReason: 'OTHER' } }) });
    await resolveCatalog(scenario(), options());
    expect(fake.requests).toHaveLength(2);
  });

  it('doubles maxOutputTokens after MAX_TOKENS', async () => {
    fake.script.push({ kind: 'text', text: '{"categor', finishReason: 'MAX_TOKENS' });
    await resolveCatalog(scenario(), options());
    const [first, second] = fake.requests.map((r) => r.body.generationConfig!.maxOutputTokens!);
    expect(second).toBe(first! * 2);
  });

  it('fails after three unusable answers, naming each problem, with nothing cached (exit 3)', async () => {
    fake.script.push({ kind: 'text', text: 'not json' }, { kind: 'text', text: '', finishReason: 'SAFETY' }, { kind: 'text', text: '{}' });
    const error = await failure(resolveCatalog(scenario(), options()));
    expect(fake.requests).toHaveLength(3);
    expect(exitCodeOf(error)).toBe(3);
    expect(error.message).toMatch(/no usable catalog after 3 asks \(ask 1: answer is not valid JSON.*ask 2: finishReason SAFETY.*ask 3: answer does not match the schema at categories/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});

describe('the cache', () => {
  it('a miss asks Gemini and writes the request and the verbatim answer', async () => {
    const s = scenario();
    const { provenance } = await resolveCatalogWithProvenance(s, options());
    expect(fake.requests).toHaveLength(1);
    expect(provenance).toMatchObject({ kind: 'gemini', model: 'gemini-2.5-flash', fetched: 1 });
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^gemini-2\.5-flash-seed42-[0-9a-f]{16}\.json$/);
    const entry = JSON.parse(readFileSync(join(cacheDir, files[0]!), 'utf8'));
    expect(entry).toMatchObject({ format: 1, model: 'gemini-2.5-flash', seed: 42, recorded_from: fake.baseUrl });
    expect(entry.request.config).toMatchObject({ temperature: 0, seed: 42, candidateCount: 1 });
    expect(entry.response.text).toBe(JSON.stringify({ categories: s.categories.map((c) => fakeCategoryAnswer(c.name)) }));
    expect(entry.response.finishReason).toBe('STOP');
    expect(JSON.stringify(entry)).not.toContain('test-key');
  });

  it('a hit replays offline, byte for byte: no request, no key, an unreachable endpoint', async () => {
    const s = scenario();
    const first = await resolveCatalog(s, options());
    const before = readdirSync(cacheDir).map((f) => readFileSync(join(cacheDir, f), 'utf8'));
    fake.requests.length = 0;
    const replayed = await resolveCatalog(s, { env: {}, cacheDir, connection: { baseUrl: 'http://127.0.0.1:9' } });
    expect(fake.requests).toHaveLength(0);
    expect(JSON.stringify(replayed)).toBe(JSON.stringify(first));
    expect(readdirSync(cacheDir).map((f) => readFileSync(join(cacheDir, f), 'utf8'))).toEqual(before);
  });

  it('is keyed by model, seed and prompt: changing any of them is a miss', async () => {
    await resolveCatalog(scenario(), options());
    await resolveCatalog(scenario({ seed: 43 }), options());
    await resolveCatalog(scenario({ gemini_model: 'gemini-2.5-pro' }), options());
    const s = scenario();
    s.categories[0] = { ...s.categories[0]!, name: 'Gadgets' };
    await resolveCatalog(s, options());
    expect(fake.requests).toHaveLength(4);
    expect(readdirSync(cacheDir)).toHaveLength(4);
    // and the same four again are all hits
    fake.requests.length = 0;
    await resolveCatalog(scenario({ seed: 43 }), options());
    await resolveCatalog(s, options());
    expect(fake.requests).toHaveLength(0);
  });

  it('a cached answer that no longer validates is reported with its file (exit 2), not silently refetched', async () => {
    await resolveCatalog(scenario(), options());
    const [file] = readdirSync(cacheDir);
    const path = join(cacheDir, file!);
    const entry = JSON.parse(readFileSync(path, 'utf8'));
    entry.response.text = entry.response.text.replace('{brand}', '{maker}');
    writeFileSync(path, JSON.stringify(entry));
    const error = await failure(resolveCatalog(scenario(), options()));
    expect(exitCodeOf(error)).toBe(2);
    expect(error.message).toContain(file!);
    expect(error.message).toMatch(/cached catalog is invalid/);
  });

  it('every cache entry is checked before any request: a bad second entry stops the run before the first is fetched', async () => {
    const base = scenario();
    const categories = Array.from({ length: 9 }, (_, i) => ({ ...base.categories[i % base.categories.length]!, name: `Cat ${String.fromCharCode(65 + i)}` }));
    const s = { ...base, categories };
    await resolveCatalog(s, options());
    expect(fake.requests).toHaveLength(2);
    const files = readdirSync(cacheDir).map((f) => join(cacheDir, f));
    const entries = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
    const first = files[entries.findIndex((e) => e.response.text.includes('Cat A'))]!;
    const second = files[entries.findIndex((e) => e.response.text.includes('Cat I'))]!;
    rmSync(first);
    const entry = JSON.parse(readFileSync(second, 'utf8'));
    entry.response.text = entry.response.text.replace('{brand}', '{maker}');
    writeFileSync(second, JSON.stringify(entry));
    fake.requests.length = 0;
    const error = await failure(resolveCatalog(s, options()));
    expect(exitCodeOf(error)).toBe(2);
    expect(error.message).toMatch(/cached catalog is invalid/);
    expect(fake.requests).toHaveLength(0);
  });

  it('offline mode refuses a miss even with a key', async () => {
    const error = await failure(resolveCatalog(scenario(), options({ offline: true })));
    expect(exitCodeOf(error)).toBe(2);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('no key', () => {
  it('and no cache: one clear line, exit 2, before any request', async () => {
    const error = await failure(resolveCatalog(scenario(), options({ env: {} })));
    expect(exitCodeOf(error)).toBe(2);
    expect(error.message).toMatch(/^--enrich gemini needs GEMINI_API_KEY: no cached catalog for model gemini-2\.5-flash, seed 42/);
    expect(error.message).toMatch(/--enrich none/);
    expect(error.message).not.toContain('\n');
    expect(fake.requests).toHaveLength(0);
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
  });
});
