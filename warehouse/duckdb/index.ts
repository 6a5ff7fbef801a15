export { DuckDBEngine, openDuckDB } from './engine.ts';
export { duckdbDialect } from './dialect.ts';
export { columnType, duckdbType } from './types.ts';
export { DuckDBLandingWriter, LOADING_PREFIX } from './landing.ts';
