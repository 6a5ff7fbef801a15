/**
 * The simulator's public API: resolve a scenario, simulate its world, stream landing batches.
 * Everything else under simulator/ is internal.
 */
export type { Scenario, ScenarioOverrides, Scale, EnrichMode, FaultKind, FaultConfig, CategoryConfig, BehaviourConfig, DemandConfig } from './scenario/types.ts';
export { SCALES, ENRICH_MODES, FAULT_KINDS } from './scenario/types.ts';
export { SCALE_PRESETS } from './scenario/defaults.ts';
export { resolveScenario, ENV_FIELDS, ENV_SCENARIO_FILE, type ResolveInput } from './scenario/resolve.ts';
export { simulate, DEFAULT_BATCH_SIZE, type Simulation, type SimulationSummary, type SimulateOptions } from './engine/simulation.ts';
export type { ProductCatalog, CategoryVocabulary, SubcategoryVocabulary } from './catalog/types.ts';
export { builtinCatalog, validateCatalog } from './catalog/builtin.ts';
