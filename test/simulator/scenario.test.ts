import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import YAML from 'yaml';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { scenarioFromOptions } from '../../bin/actions/scenario-from-options.ts';
import { addScenarioOptions } from '../../bin/scenario-options.ts';
import { registerScenario } from '../../bin/commands/scenario.ts';
import { InputError } from '../../contract/errors.ts';
import { resolveScenario, SCALE_PRESETS, type ResolveInput } from '../../simulator/index.ts';
import { FIELD_RULES } from '../../simulator/scenario/schema.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-scenario-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

/** The InputError message of a resolve, asserting it is one line. */
function errorOf(input: ResolveInput): string {
  try {
    resolveScenario({ env: {}, ...input });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('expected an InputError');
}

describe('scenario precedence: defaults < file < environment < flags', () => {
  it('takes each field from the highest layer that sets it', () => {
    const yml = file('layers.yml', 'seed: 1\nscale: tiny\nstart_date: 2024-03-01\nbehaviour:\n  cancel_rate: 0.1\n');
    const s = resolveScenario({ file: yml, env: { SIM_SEED: '2', SIM_END_DATE: '2024-12-31' }, overrides: { seed: '3' } });
    expect(s.seed).toBe(3); // flag over env over file
    expect(s.start_date).toBe('2024-03-01'); // file over defaults
    expect(s.end_date).toBe('2024-12-31'); // env over defaults
    expect(s.as_of).toBe('2024-12-31'); // as_of defaults to end_date
    expect(s.behaviour.cancel_rate).toBe(0.1);
    expect(s.behaviour.return_rate).toBe(0.06); // nested fields merge with the defaults
    expect(s.customers).toBe(SCALE_PRESETS.tiny.customers);
  });

  it('reads JSON files, the SIM_SCENARIO variable and the faults shorthand', () => {
    const json = file('s.json', JSON.stringify({ seed: 9, faults: 0.02 }));
    const s = resolveScenario({ env: { SIM_SCENARIO: json } });
    expect(s.seed).toBe(9);
    expect(s.faults.rate).toBe(0.02);
  });

  it('a printed scenario (YAML or JSON) read back as a file gives the same scenario', () => {
    const custom = resolveScenario({ env: {}, overrides: { seed: 5, scale: 'medium', as_of: '2025-03-01', faults: 0.02, behaviour: { cancel_rate: 0.1 } } });
    expect(resolveScenario({ env: {}, file: file('printed.yml', YAML.stringify(custom)) })).toEqual(custom);
    expect(resolveScenario({ env: {}, file: file('printed.json', JSON.stringify(custom)) })).toEqual(custom);
  });

  it('a scale preset fills customers/products unless they are set at the same or a higher layer', () => {
    const yml = file('sized.yml', 'customers: 123\n');
    expect(resolveScenario({ file: yml, env: {} }).customers).toBe(123);
    expect(resolveScenario({ file: yml, env: {}, overrides: { scale: 'medium' } }).customers).toBe(SCALE_PRESETS.medium.customers);
    expect(resolveScenario({ env: {}, overrides: { scale: 'large', customers: 50 } }).customers).toBe(50);
  });
});

describe('bad input: one line naming the field, its source and the accepted values', () => {
  const cases: Array<[string, ResolveInput, RegExp]> = [
    ['scale', { overrides: { scale: 'huge' } }, /'scale' \(from --scale\): got "huge"; accepted: one of tiny, small, medium, large/],
    ['seed text', { overrides: { seed: 'abc' } }, /'seed' \(from --seed\).*integer from 0 to 4294967295/],
    ['seed negative', { overrides: { seed: -1 } }, /'seed'.*got -1/],
    ['seed fraction', { overrides: { seed: 1.5 } }, /'seed'.*integer/],
    ['customers zero', { overrides: { customers: 0 } }, /'customers' \(from --customers\).*integer from 1/],
    ['products text', { overrides: { products: 'many' } }, /'products'.*integer from 1/],
    ['start date format', { overrides: { start_date: '01/02/2024' } }, /'start_date' \(from --start-date\).*YYYY-MM-DD/],
    ['impossible date', { overrides: { end_date: '2025-02-30' } }, /'end_date'.*calendar date/],
    ['end before start', { overrides: { start_date: '2025-01-01', end_date: '2024-12-31' } }, /'end_date'.*before start_date 2025-01-01; accepted: a date on or after start_date/],
    ['as_of after end', { overrides: { as_of: '2026-01-01' } }, /'as_of' \(from --as-of\): got 2026-01-01; accepted: a date from start_date 2024-01-01 to end_date 2025-12-31/],
    ['as_of before start', { overrides: { as_of: '2023-12-31' } }, /'as_of'.*from start_date/],
    ['faults rate', { overrides: { faults: '0.9' } }, /'faults.rate' \(from --faults\): got 0.9; accepted: a number from 0 to 0.5/],
    ['faults text', { overrides: { faults: 'some' } }, /'faults.rate'.*got "some"/],
    ['fault kind', { overrides: { faults: { kinds: ['typos' as never] } } }, /'faults.kinds\[0\]'.*duplicate_rows, null_emails/],
    ['enrich', { overrides: { enrich: 'openai' as never } }, /'enrich'.*one of none, gemini/],
    ['env scale', { env: { SIM_SCALE: 'xl' } }, /'scale' \(from environment SIM_SCALE\)/],
    ['behaviour range', { overrides: { behaviour: { cancel_rate: 1.5 } } }, /'behaviour.cancel_rate'.*from 0 to 1/],
    ['profile length', { overrides: { demand: { hour_of_day: [1, 2, 3] } } }, /'demand.hour_of_day'.*list of 24 numbers/],
    ['profile all zero', { overrides: { demand: { day_of_week: [0, 0, 0, 0, 0, 0, 0] } } }, /'demand.day_of_week'.*not all zero/],
    ['country code', { overrides: { countries: { usa: 1 } } }, /'countries.usa'.*ISO 3166-1 alpha-2/],
    ['channel', { overrides: { order_channels: { phone: 1 } as never } }, /'order_channels.phone'.*web, app, marketplace/],
    ['category margin', { overrides: { categories: [{ name: 'A', share: 1, price_median: 10, price_sigma: 0.5, margin: 2, season: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] }] } }, /'categories\[0\].margin'.*from 0 to 0.95/],
    ['duplicate category', { overrides: { categories: [0, 1].map(() => ({ name: 'A', share: 1, price_median: 10, price_sigma: 0.5, margin: 0.3, season: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] })) } }, /'categories'.*unique names/],
    ['unknown field', { overrides: { colour: 'red' } as never }, /unknown scenario field 'colour'.*accepted fields: seed, scale/],
    ['unknown nested field', { overrides: { behaviour: { churn: 1 } } as never }, /unknown scenario field 'behaviour.churn'.*lifetime_mean_days/],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => expect(errorOf(input)).toMatch(expected));
  }

  it('every scenario field rejects a wrong value with its own accepted-values sentence', () => {
    for (const [field, rule] of Object.entries(FIELD_RULES)) {
      if (field.includes('[]')) continue; // list items: covered by the categories cases above
      const path = field.split('.');
      const layer: Record<string, unknown> = {};
      let node = layer;
      for (const key of path.slice(0, -1)) node = (node[key] = {}) as Record<string, unknown>;
      node[path[path.length - 1]] = { not: 'valid' };
      const message = errorOf({ overrides: layer as never });
      expect(message, field).toContain(`'${field}`);
      expect(message, field).toContain(rule.accepted);
    }
  });

  it('unreadable, invalid and mis-shaped scenario files', () => {
    expect(errorOf({ file: path.join(dir, 'missing.yml') })).toMatch(/cannot read scenario file '.*missing.yml' \(ENOENT\); accepted: a readable YAML or JSON file/);
    expect(errorOf({ file: file('bad.yml', 'seed: [1\n') })).toMatch(/scenario file '.*bad.yml' is not valid YAML: /);
    expect(errorOf({ file: file('bad.json', '{"seed": ') })).toMatch(/is not valid JSON/);
    expect(errorOf({ file: file('list.yml', '- 1\n- 2\n') })).toMatch(/must hold a mapping of scenario fields.*not a list/);
    expect(errorOf({ file: file('typo.yml', 'sede: 4\n') })).toMatch(/unknown scenario field 'sede' \(from file .*typo.yml\)/);
    expect(errorOf({ file: file('wrong.yml', 'behaviour:\n  lifetime_mean_days: forever\n') })).toMatch(/'behaviour.lifetime_mean_days' \(from file .*wrong.yml\): got "forever"/);
  });
});

describe('scenario flags', () => {
  it('declares every scenario flag and resolves them over the environment', () => {
    const cmd = addScenarioOptions(new Command('x').exitOverride());
    const flags = cmd.options.map((o) => o.long);
    for (const f of ['--seed', '--scale', '--start-date', '--end-date', '--as-of', '--customers', '--products', '--faults', '--scenario', '--enrich']) expect(flags).toContain(f);
    cmd.parse(['--seed', '5', '--products', '12', '--as-of', '2025-06-01', '--faults', '0.01'], { from: 'user' });
    const s = scenarioFromOptions(cmd.opts(), { SIM_SEED: '6', SIM_CUSTOMERS: '77', SIM_SCALE: 'tiny' });
    expect(s).toMatchObject({ seed: 5, scale: 'tiny', as_of: '2025-06-01', customers: 77, products: 12, faults: { rate: 0.01 } });
  });

  it('`sim scenario --print` shows the effective scenario; bad flags exit 2 with one line', () => {
    const sim = path.resolve(import.meta.dirname, '../../bin/sim.mjs');
    const env = { ...process.env, SIM_SEED: '', SIM_SCALE: '', SIM_SCENARIO: '' };
    const ok = spawnSync(process.execPath, [sim, 'scenario', '--print', '--scale', 'tiny', '--seed', '8', '--json'], { encoding: 'utf8', env, cwd: dir });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ seed: 8, scale: 'tiny', customers: SCALE_PRESETS.tiny.customers });
    const bad = spawnSync(process.execPath, [sim, 'scenario', '--print', '--end-date', '2023-01-01'], { encoding: 'utf8', env, cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/'end_date' \(from --end-date\)/);
  });

  it('`sim scenario --rows` prints the rows per landing table of the scenario', async () => {
    const program = new Command('sim').exitOverride();
    registerScenario(program);
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      await program.parseAsync(['scenario', '--rows', '--json', '--scale', 'tiny', '--seed', '42'], { from: 'user' });
    } finally {
      spy.mockRestore();
    }
    const golden = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../fixtures/golden/landing-seed42-tiny.json'), 'utf8'));
    const rows = JSON.parse(out.join(''));
    for (const [table, { rows: n }] of Object.entries(golden.tables as Record<string, { rows: number }>)) expect(rows[table], table).toBe(n);
  });
});
