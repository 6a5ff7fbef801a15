export { BigQueryEngine, type BigQueryEngineOptions, type DryRunEntry } from './engine.ts';
export { bigqueryDialect, createBigQueryDialect, type BigQueryNaming } from './dialect.ts';
export { bigqueryOptionsFromEnv, resolveBigQueryConfig, datasetIdOf, LAYERS, type BigQueryConfig, type BigQueryOptions } from './config.ts';
export { BigQueryJobError, queryJobId } from './jobs.ts';
export { tableSchema, bigqueryType } from './types.ts';
export { BigQueryLandingWriter, LOADING_PREFIX } from './landing.ts';
export { readDbtProfile, DEFAULT_PROFILE } from './profiles.ts';
