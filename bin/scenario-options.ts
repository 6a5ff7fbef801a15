import type { Command } from 'commander';
import { ENRICH_MODES, SCALES } from '../simulator/scenario/types.ts';

/**
 * The scenario flags, declared once and shared by every command that simulates (`sim`, `sim run`,
 * `sim scenario`, ...). Values are validated by resolveScenario (bin/actions/scenario-from-options.ts,
 * imported when a command runs) so a bad flag, environment variable or scenario file field gets
 * the same one-line message naming it and what is accepted.
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
