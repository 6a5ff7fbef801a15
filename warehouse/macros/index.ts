/**
 * The cross-database macro namespaces, resolved for one dialect and wrapped as functions that
 * nunjucks templates can call positionally or with keywords (`dbt.dateadd(datepart='day', ...)`).
 */
import { InputError } from '../../contract/errors.ts';
import { dbtNamespace } from './dbt.ts';
import { dbtDateNamespace, dbtUtilsNamespace } from './packages.ts';
import type { CrossDbMacro, MacroEnv, MacroNamespace, MacroTable } from './types.ts';

export type { CrossDbMacro, MacroEnv, MacroNamespace, MacroTable } from './types.ts';

export const NAMESPACES: Record<string, MacroNamespace> = {
  dbt: dbtNamespace,
  dbt_utils: dbtUtilsNamespace,
  dbt_date: dbtDateNamespace,
};

/** Dialects with their own override table (macros fall back to the default table). */
export const KNOWN_DIALECTS = ['duckdb', 'bigquery'] as const;

/** The macro table of one namespace for one dialect: defaults overlaid with the dialect's overrides. */
export function macroTable(namespace: string, dialect: string): MacroTable {
  const ns = NAMESPACES[namespace];
  if (!ns) throw new InputError(`unknown macro namespace '${namespace}' (known: ${Object.keys(NAMESPACES).join(', ')})`);
  return { ...ns.default, ...(ns.overrides[dialect] ?? {}) };
}

/** nunjucks passes keyword arguments as a trailing object marked `__keywords`. */
export function splitNunjucksArgs(args: unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords) {
    const { __keywords, ...keywords } = last as Record<string, unknown>;
    void __keywords;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: args, keywords: {} };
}

/** Maps a call's positional and keyword arguments onto the macro's parameter names. */
export function bindArgs(name: string, macro: CrossDbMacro, args: unknown[]): Record<string, unknown> {
  const { positional, keywords } = splitNunjucksArgs(args);
  const names = macro.params.map((p) => p.replace(/\?$/, ''));
  if (positional.length > names.length) throw new InputError(`${name}() takes ${names.length} argument(s) (${names.join(', ') || 'none'}), got ${positional.length}`);
  const bound: Record<string, unknown> = {};
  positional.forEach((value, i) => (bound[names[i]] = value));
  for (const [key, value] of Object.entries(keywords)) {
    if (!names.includes(key)) throw new InputError(`${name}() has no argument '${key}' (arguments: ${names.join(', ') || 'none'})`);
    bound[key] = value;
  }
  macro.params.forEach((p, i) => {
    if (!p.endsWith('?') && bound[names[i]] === undefined) throw new InputError(`${name}() is missing argument '${names[i]}'`);
  });
  return bound;
}

/**
 * `{ dbt: { dateadd: fn, ... }, dbt_utils: {...}, dbt_date: {...} }` for templates. `env` is read
 * at call time, so one object serves every render of a compile.
 */
export function macroNamespacesFor(dialect: string, env: () => MacroEnv): Record<string, Record<string, (...args: unknown[]) => string>> {
  const out: Record<string, Record<string, (...args: unknown[]) => string>> = {};
  for (const namespace of Object.keys(NAMESPACES)) {
    const table = macroTable(namespace, dialect);
    out[namespace] = Object.fromEntries(
      Object.entries(table).map(([name, macro]) => [name, (...args: unknown[]) => macro.render(bindArgs(`${namespace}.${name}`, macro, args), env())]),
    );
  }
  return out;
}

/** Renders one macro directly (for tests and for the runner's own SQL). */
export function renderMacro(dialect: string, qualifiedName: string, args: unknown[], vars: Record<string, unknown> = {}): string {
  const [namespace, name] = qualifiedName.includes('.') ? qualifiedName.split('.') : ['dbt', qualifiedName];
  const macro = macroTable(namespace, dialect)[name];
  if (!macro) throw new InputError(`undefined macro '${namespace}.${name}'`);
  return macro.render(bindArgs(qualifiedName, macro, args), { dialect, vars });
}
