import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { main } from '../../bin/cli.ts';
import { defaultScenario } from '../../simulator/scenario/defaults.ts';
import { resolveScenario } from '../../simulator/scenario/resolve.ts';
import { scenarioSchema } from '../../simulator/scenario/schema.ts';
import { runSim } from '../../test/cli/run-sim.ts';
import { openDuckDB } from '../../warehouse/duckdb/index.ts';

const REPO = resolve(import.meta.dirname, '../..');
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sim-init-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function sim(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await main(['node', 'sim', ...args]), stderr };
  } finally {
    spy.mockRestore();
    out.mockRestore();
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe('sim init', () => {
  it('copies dbt_project.yml and every model file of the built-in project, byte for byte', async () => {
    const dir = join(work, 'shop');
    expect((await sim('init', dir)).code).toBe(0);
    expect(readFileSync(join(dir, 'dbt_project.yml'), 'utf8')).toBe(readFileSync(join(REPO, 'dbt_project.yml'), 'utf8'));
    const builtIn = listFiles(join(REPO, 'models')).sort();
    expect(builtIn.length).toBeGreaterThan(0);
    expect(listFiles(join(dir, 'models')).sort()).toEqual(builtIn);
    for (const file of builtIn) {
      expect(readFileSync(join(dir, 'models', file), 'utf8'), file).toBe(readFileSync(join(REPO, 'models', file), 'utf8'));
    }
    for (const file of ['scenario.yml', 'README.md', '.gitignore']) expect(existsSync(join(dir, file)), file).toBe(true);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^\*\.duckdb$/m);
  });

  it('writes a scenario.yml that holds the defaults, commented, and passes the scenario validator', async () => {
    const dir = join(work, 'scenario');
    expect((await sim('init', dir)).code).toBe(0);
    const text = readFileSync(join(dir, 'scenario.yml'), 'utf8');
    expect(text).toMatch(/^# seed: |^# an integer from 0 to/m);
    const parsed = parseYaml(text) as Record<string, unknown>;
    const { customers, products, as_of: asOf, ...defaults } = defaultScenario();
    expect(parsed).toEqual(defaults);
    // Sizes follow the scale preset: present only as comments.
    expect(text).toContain(`# customers: ${customers}`);
    expect(text).toContain(`# products: ${products}`);
    expect(text).toContain(`# as_of: '${asOf}'`);
    expect(scenarioSchema.safeParse({ ...parsed, customers, products, as_of: asOf }).success).toBe(true);
    // What a user gets when sim reads the file: the built-in defaults, exactly.
    expect(resolveScenario({ file: join(dir, 'scenario.yml') })).toEqual(defaultScenario());
  });

  it('refuses a non-empty folder with one line and exit 2, touching nothing', async () => {
    const dir = join(work, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const { code, stderr } = await sim('init', dir);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')[0]).toMatch(/is not empty.*--force/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('writes into a non-empty folder with --force and keeps unrelated files', async () => {
    const dir = join(work, 'forced');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'scenario.yml'), 'seed: 1\n');
    expect((await sim('init', dir, '--force')).code).toBe(0);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect((parseYaml(readFileSync(join(dir, 'scenario.yml'), 'utf8')) as { seed: number }).seed).toBe(42);
    expect(existsSync(join(dir, 'dbt_project.yml'))).toBe(true);
  });

  it('refuses a path that is a file', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    expect((await sim('init', file)).code).toBe(2);
  });
});

describe('a project made by sim init', () => {
  it('is what `cd DIR && sim --seed 42` builds: its own models, its own scenario.yml', async () => {
    const dir = join(work, 'my-shop');
    expect((await sim('init', dir)).code).toBe(0);
    // A user's change to the project: a new consumption model, and a smaller shop in scenario.yml.
    writeFileSync(join(dir, 'models', '03_consumption', 'orders_per_status.sql'), "select order_status, count(*) as orders from {{ ref('fact_orders') }} group by order_status\n");
    const scenarioFile = join(dir, 'scenario.yml');
    writeFileSync(scenarioFile, readFileSync(scenarioFile, 'utf8').replace(/^scale: small$/m, 'scale: tiny'));

    const { code, stdout, stderr } = await runSim(['--seed', '42', '--json', '--quiet'], { cwd: dir });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { status: string; scenario: { scale: string; seed: number }; steps: Array<{ nodes: Array<{ id: string; status: string }> }> };
    expect(report.status).toBe('success');
    expect(report.scenario).toMatchObject({ scale: 'tiny', seed: 42 });
    const built = report.steps.flatMap((s) => s.nodes.map((n) => n.id));
    expect(built).toContain('model.ecom_sim.orders_per_status');
    expect(existsSync(join(dir, 'warehouse.duckdb'))).toBe(true);
    expect(existsSync(join(dir, 'target', 'run_results.json'))).toBe(true);

    const engine = await openDuckDB(join(dir, 'warehouse.duckdb'));
    try {
      const rows = await engine.query('SELECT sum(orders) AS n FROM consumption.orders_per_status');
      const facts = await engine.query('SELECT count(*) AS n FROM marts.fact_orders');
      expect(Number(rows[0]!.n)).toBe(Number(facts[0]!.n));
      expect(Number(facts[0]!.n)).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });
});
