import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSim } from '../../test/cli/run-sim.ts';
import { openDuckDB } from '../../warehouse/duckdb/index.ts';
import { startFakeGemini, type FakeGemini } from './testing/fake-gemini.ts';
import { fakeCategoryAnswer, validReply } from './testing/fake-vocabulary.ts';

/**
 * `sim --enrich gemini` end to end, as a user runs it: the CLI in a child process, Gemini as a
 * loopback fake (GOOGLE_GEMINI_BASE_URL), a tiny scale, the whole pipeline into a DuckDB file.
 */
let fake: FakeGemini;
let dir: string;

beforeAll(async () => {
  fake = await startFakeGemini(validReply);
  dir = mkdtempSync(join(tmpdir(), 'sim-enrich-cli-'));
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function sim(args: string[], env: Record<string, string>) {
  return runSim(args, { cwd: dir, env });
}

async function products(warehouse: string): Promise<Array<{ product_name: string; brand: string; subcategory: string; category: string; description: string | null }>> {
  const engine = await openDuckDB(warehouse);
  try {
    return (await engine.query('SELECT product_name, brand, subcategory, category, description FROM landing.products ORDER BY product_id')) as never;
  } finally {
    await engine.close();
  }
}

describe('sim --enrich gemini', () => {
  const base = ['--seed', '42', '--scale', 'tiny', '--enrich', 'gemini', '--quiet', '--enrichment-cache', 'cache'];

  it('without GEMINI_API_KEY and without a cache: one line, exit 2, no warehouse, no request', async () => {
    const { code, stderr } = await sim([...base, '--warehouse', 'nokey.duckdb'], { GOOGLE_GEMINI_BASE_URL: fake.baseUrl });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: --enrich gemini needs GEMINI_API_KEY: no cached catalog for model gemini-2\.5-flash, seed 42/);
    expect(existsSync(join(dir, 'nokey.duckdb'))).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  it('builds a tiny shop whose products carry the catalog Gemini returned, then replays it offline with the same digests', async () => {
    const first = await sim([...base, '--warehouse', 'enriched.duckdb', '--json'], { GEMINI_API_KEY: 'test-key', GOOGLE_GEMINI_BASE_URL: fake.baseUrl });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(fake.requests).toHaveLength(1);
    expect(readdirSync(join(dir, 'cache'))).toHaveLength(1);

    const rows = await products(join(dir, 'enriched.duckdb'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const vocab = fakeCategoryAnswer(row.category);
      expect(vocab.brands).toContain(row.brand);
      expect(vocab.subcategories.map((s) => s.name)).toContain(row.subcategory);
      // products are named "<brand> <adjective> <noun>" from the catalog's lists
      const nouns = vocab.subcategories.find((sub) => sub.name === row.subcategory)!.nouns;
      const names = vocab.adjectives.flatMap((a) => nouns.map((n) => `${row.brand} ${a} ${n}`));
      expect(names).toContain(row.product_name);
      expect(row.description).not.toMatch(/[{}]/);
    }

    // No key, an unreachable endpoint: the cached catalog replays, and the landing is identical.
    const replay = await sim([...base, '--warehouse', 'replayed.duckdb', '--json', '--select', 'none'], { GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:9' });
    expect(replay.code).toBe(0);
    expect(fake.requests).toHaveLength(1);
    const digests = (out: string) => (JSON.parse(out) as { landing: { tables: Array<{ name: string; digest: string }> } }).landing.tables;
    expect(digests(replay.stdout)).toEqual(digests(first.stdout));
    expect(await products(join(dir, 'replayed.duckdb'))).toEqual(rows);
  });
});
