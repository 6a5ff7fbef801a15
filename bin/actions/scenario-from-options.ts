import { existsSync } from 'node:fs';
import { resolveScenario } from '../../simulator/scenario/resolve.ts';
import type { Scenario, ScenarioOverrides } from '../../simulator/scenario/types.ts';

// The reading half of bin/scenario-options.ts: the flags declared there, resolved into a scenario
// (zod, YAML and the scenario defaults load only here, when a command that simulates runs; the
// scenario module directly, not simulator/index.ts, so `sim scenario --print` skips the generator).

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
