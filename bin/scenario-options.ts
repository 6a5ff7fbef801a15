import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ENRICH_MODES, resolveScenario, SCALES, type Scenario, type ScenarioOverrides } from '../simulator/index.ts';

/**
 * The scenario flags, declared once and shared by every command that simulates (`sim`, `sim run`,
 * `sim scenario`, ...). Values are validated by resolveScenario so a bad flag, environment
 * variable or scenario file field gets the same one-line message naming it and what is accepted.
 */
export function addScenarioOptions(cmd: Command): Command {
  return cmd
    .option('--scenario <file>', 'scenario file (YAML or JSON); env SIM_SCENARIO; default ./scenario.yml when present')
    .option('--seed <n>', 'random seed, an integer 0..4294967295 (default 42); env SIM_SEED')
    .option('--scale <preset>', `size preset: ${SCALES.join(', ')} (default small); env SIM_SCALE`)
    .option('--start-date <date>', 'first day of the world, YYYY-MM-DD (default 2024-01-01); env SIM_START_DATE')
    .option('--end-date <date>', 'last day of the world (the horizon), YYYY-MM-DD (default 2025-12-31); env SIM_END_DATE')
    .option('--as-of <date>', 'land the world as of the end of this day, within start..end (default end date); env SIM_AS_OF')
    .option('--customers <n>', 'customers signing up over the horizon (overrides the scale preset); env SIM_CUSTOMERS')
    .option('--products <n>', 'products over the horizon (overrides the scale preset); env SIM_PRODUCTS')
    .option('--faults <rate>', 'seeded data-quality faults per eligible row, 0..0.5 (default 0: clean); env SIM_FAULTS')
    .option('--enrich <mode>', `product vocabulary: ${ENRICH_MODES.join(', ')} (default none); env SIM_ENRICH`)
    .option('--gemini-model <id>', 'Gemini model for --enrich gemini (default gemini-2.5-flash); env GEMINI_MODEL');
}

/** The commander option keys of the scenario flags, mapped to scenario fields. */
const FLAG_FIELDS: Record<string, keyof ScenarioOverrides> = {
  seed: 'seed',
  scale: 'scale',
  startDate: 'start_date',
  endDate: 'end_date',
  asOf: 'as_of',
  customers: 'customers',
  products: 'products',
  faults: 'faults',
  enrich: 'enrich',
  geminiModel: 'gemini_model',
};

/** The effective scenario: defaults < --scenario file < SIM_* environment < flags. Throws InputError. */
export function scenarioFromOptions(opts: Record<string, unknown>, env: Record<string, string | undefined> = process.env): Scenario {
  const overrides: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(FLAG_FIELDS)) if (opts[key] !== undefined) overrides[field] = opts[key];
  const file = typeof opts.scenario === 'string' ? opts.scenario : env.SIM_SCENARIO ? undefined : projectScenarioFile();
  return resolveScenario({ file, overrides: overrides as ScenarioOverrides, env });
}

/**
 * `scenario.yml` in the current folder (a project made by `sim init`), used when neither
 * --scenario nor SIM_SCENARIO names a file: inside a project, `sim` runs that project's shop.
 */
function projectScenarioFile(): string | undefined {
  return existsSync('scenario.yml') ? 'scenario.yml' : undefined;
}
