/**
 * Cross-database macros as data (the Malloy pattern): each macro is a small function from its
 * arguments (SQL expressions as strings, or numbers) to SQL text. A namespace holds a default
 * table; each dialect overrides only what differs (see duckdb.ts, bigquery.ts).
 */

/** What a macro may know besides its arguments: never the wall clock, only the scenario. */
export interface MacroEnv {
  /** dbt's target.type: 'duckdb' | 'bigquery'. */
  dialect: string;
  /** Resolved vars (the scenario's as_of etc.). */
  vars: Record<string, unknown>;
}

export type MacroArgs = Record<string, unknown>;

export interface CrossDbMacro {
  /** Parameter names in dbt's order, for positional and keyword calls alike; a trailing '?' marks optional. */
  params: string[];
  render(args: MacroArgs, env: MacroEnv): string;
}

export type MacroTable = Record<string, CrossDbMacro>;

/** A namespace (dbt, dbt_utils, dbt_date): default implementations plus per-dialect overrides. */
export interface MacroNamespace {
  default: MacroTable;
  overrides: Record<string, MacroTable>;
}
