/**
 * The nunjucks environment that renders models the way dbt's Jinja does: Jinja-compatible syntax
 * (True/False/None, slices, dict.items()), `{% do %}`, `return()` in macros, `is none`, dbt's
 * filters, the project's macros as globals, and the cross-database namespaces (`dbt.`,
 * `dbt_utils.`, `dbt_date.`).
 *
 * dbt's context (ref, source, config, var, this, target, is_incremental, ...) is per render, but
 * nunjucks macros capture the context of the file that defines them. So the context lives in a
 * stack of `RenderScope`s and the globals are getters that read the scope on top: a user macro
 * called from a model sees that model's `this` and `target`, as in dbt. Rendering is synchronous,
 * so the stack is never shared between two renders in flight.
 */
import { createRequire } from 'node:module';
import nunjucks from 'nunjucks';
import { InputError } from '../../contract/errors.ts';
import { macroNamespacesFor, splitNunjucksArgs as kwargs, type MacroEnv } from '../macros/index.ts';
import type { SourceLocation } from '../project/types.ts';

nunjucks.installJinjaCompat();
allowTrailingCommaInCalls();
addPythonStringMethods();

/** Python's str methods as dbt's Jinja has them (`name.upper()`, `s.replace(a, b)` replacing all). */
const STRING_MEMBERS: Record<string, (this: string, ...args: any[]) => unknown> = {
  upper() { return this.toUpperCase(); },
  lower() { return this.toLowerCase(); },
  strip(chars?: string) { return stripChars(this, chars, true, true); },
  lstrip(chars?: string) { return stripChars(this, chars, true, false); },
  rstrip(chars?: string) { return stripChars(this, chars, false, true); },
  split(sep?: string | null, maxsplit?: number) {
    const parts = sep === undefined || sep === null ? this.trim().split(/\s+/).filter(Boolean) : this.split(sep);
    if (maxsplit === undefined || maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
    return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep ?? ' ')];
  },
  replace(old: string, replacement: string, count?: number) {
    if (count === undefined || count < 0) return this.split(old).join(replacement);
    let out = this as string;
    for (let i = 0, at = 0; i < count; i++) {
      const hit = out.indexOf(old, at);
      if (hit < 0) break;
      out = out.slice(0, hit) + replacement + out.slice(hit + old.length);
      at = hit + replacement.length;
    }
    return out;
  },
  startswith(prefix: string) { return this.startsWith(prefix); },
  endswith(suffix: string) { return this.endsWith(suffix); },
  title() { return this.toLowerCase().replace(/(^|[^a-z0-9])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase()); },
  capitalize() { return this.charAt(0).toUpperCase() + this.slice(1).toLowerCase(); },
  find(sub: string) { return this.indexOf(sub); },
  count(sub: string) { return sub ? this.split(sub).length - 1 : this.length + 1; },
  join(items: unknown[]) { return [...items].map(String).join(this); },
  isdigit() { return /^[0-9]+$/.test(this); },
  format(...args: unknown[]) {
    let next = 0;
    return this.replace(/\{(\d*)\}/g, (_m, index: string) => String(args[index === '' ? next++ : Number(index)]));
  },
};

function stripChars(text: string, chars: string | undefined, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? ' \t\n\r\f\v' : chars;
  let start = 0;
  let end = text.length;
  while (left && start < end && set.includes(text[start])) start++;
  while (right && end > start && set.includes(text[end - 1])) end--;
  return text.slice(start, end);
}

function addPythonStringMethods(): void {
  const require = createRequire(import.meta.url);
  const runtime = require('nunjucks/src/runtime.js');
  if (runtime.__pythonStrings) return;
  runtime.__pythonStrings = true;
  const lookup = runtime.memberLookup;
  runtime.memberLookup = function memberLookup(this: unknown, obj: unknown, val: string, ...rest: unknown[]) {
    if (typeof obj === 'string' && rest.length < 2 && Object.prototype.hasOwnProperty.call(STRING_MEMBERS, val)) return STRING_MEMBERS[val].bind(obj);
    return lookup.call(this, obj, val, ...rest);
  };
}

/**
 * Jinja (and so dbt) accepts `config(materialized='table', unique_key='id',)`; nunjucks fails on
 * the trailing comma. This replaces nunjucks' argument-list parser with one that accepts it.
 */
function allowTrailingCommaInCalls(): void {
  const require = createRequire(import.meta.url);
  const { Parser } = require('nunjucks/src/parser.js');
  const lexer = require('nunjucks/src/lexer.js');
  const nodes = require('nunjucks/src/nodes.js');
  if (Parser.prototype.__trailingCommas) return;
  Parser.prototype.__trailingCommas = true;
  Parser.prototype.parseSignature = function parseSignature(this: any, tolerant: boolean, noParens: boolean) {
    let tok = this.peekToken();
    if (!noParens && tok.type !== lexer.TOKEN_LEFT_PAREN) {
      if (tolerant) return null;
      this.fail('expected arguments', tok.lineno, tok.colno);
    }
    if (tok.type === lexer.TOKEN_LEFT_PAREN) tok = this.nextToken();
    const args = new nodes.NodeList(tok.lineno, tok.colno);
    const kwargs = new nodes.KeywordArgs(tok.lineno, tok.colno);
    let checkComma = false;
    for (;;) {
      tok = this.peekToken();
      if (!noParens && tok.type === lexer.TOKEN_RIGHT_PAREN) {
        this.nextToken();
        break;
      } else if (noParens && tok.type === lexer.TOKEN_BLOCK_END) {
        break;
      }
      if (checkComma && !this.skip(lexer.TOKEN_COMMA)) {
        this.fail('expected a comma between arguments', tok.lineno, tok.colno);
      }
      if (checkComma) {
        const next = this.peekToken();
        if (!noParens && next.type === lexer.TOKEN_RIGHT_PAREN) continue;
      }
      const arg = this.parseExpression();
      if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) kwargs.addChild(new nodes.Pair(arg.lineno, arg.colno, arg, this.parseExpression()));
      else args.addChild(arg);
      checkComma = true;
    }
    if (kwargs.children.length) args.addChild(kwargs);
    return args;
  };
}

/** The dbt-core version whose Jinja context and artifacts this engine follows (macros sometimes branch on it). */
export const DBT_VERSION = '1.9.0';

/** What one render can see. Parse-time scopes capture calls; compile-time scopes resolve them. */
export interface RenderScope {
  dialect: string;
  vars: Record<string, unknown>;
  ref(args: unknown[]): unknown;
  source(args: unknown[]): unknown;
  config(options: Record<string, unknown>): void;
  /** `var(name, default)`: throws when unset and no default. */
  getVar(name: string, fallback: unknown, hasFallback: boolean): unknown;
  isIncremental(): boolean;
  this: unknown;
  target: Record<string, unknown>;
  /** dbt's `execute`: false while parsing, true while compiling. */
  execute: boolean;
  envVars: Record<string, string | undefined>;
  /** Names of project macros called, for depends_on.macros. */
  macrosCalled?: Set<string>;
  /** `model` in Jinja: the node being rendered (name, unique_id, config...). */
  model?: Record<string, unknown>;
}

/** A template file with a name and where its text starts in the file (snapshot blocks start later). */
export interface TemplateSource {
  file: string;
  text: string;
  /** 1-based line of `text`'s first line in `file`. */
  firstLine: number;
}

/** Parts of nunjucks' runtime that @types/nunjucks does not declare. */
type EnvironmentInternals = nunjucks.Environment & {
  globals: Record<string, unknown>;
  addTest(name: string, test: (value: unknown) => boolean): void;
};
type TemplateInternals = nunjucks.Template & {
  getExported(ctx: object, frame: null, cb: (err: Error | null, exported: Record<string, unknown>) => void): void;
};

interface ReturnSlot {
  set: boolean;
  value: unknown;
}

/** One per project: compiled macro files and templates are reused across renders and targets. */
export class JinjaRuntime {
  readonly env: EnvironmentInternals;
  private readonly scopes: RenderScope[] = [];
  private readonly returns: ReturnSlot[] = [];
  private readonly templates = new Map<string, nunjucks.Template>();
  private readonly namespaces = new Map<string, ReturnType<typeof macroNamespacesFor>>();
  /** Macros the current render's error unwound through, innermost first. */
  private macroTrail: string[] = [];
  /** Project macro names (wrapped functions registered as globals). */
  readonly macroNames = new Set<string>();

  constructor() {
    this.env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false }) as EnvironmentInternals;
    this.env.addExtension('DoExtension', new DoExtension());
    this.installFilters();
    this.installGlobals();
  }

  private get scope(): RenderScope {
    const top = this.scopes[this.scopes.length - 1];
    if (!top) throw new Error('internal: Jinja global used outside a render');
    return top;
  }

  /** Runs `fn` with `scope` as the current dbt context (re-entrant: renders may nest). */
  withScope<T>(scope: RenderScope, fn: () => T): T {
    this.scopes.push(scope);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  private installFilters(): void {
    const env = this.env;
    const runtimeEnv = env as unknown as { getFilter(name: string): (...args: unknown[]) => unknown };
    env.addFilter('as_text', (v: unknown) => (v === null || v === undefined ? '' : String(v)));
    env.addFilter('as_number', (v: unknown) => Number(v));
    env.addFilter('as_bool', (v: unknown) => v === true || v === 'true' || v === 'True');
    env.addFilter('as_native', (v: unknown) => v);
    env.addFilter('tojson', (v: unknown) => JSON.stringify(v));
    env.addFilter('max', (v: unknown[]) => (v.length ? v.reduce((a, b) => ((b as number) > (a as number) ? b : a)) : null));
    env.addFilter('min', (v: unknown[]) => (v.length ? v.reduce((a, b) => ((b as number) < (a as number) ? b : a)) : null));
    env.addFilter('unique', (v: unknown[]) => [...new Set(v)]);
    // Jinja's printf-style format: '%s-%s' | format(a, b).
    env.addFilter('format', (text: string, ...args: unknown[]) => {
      let next = 0;
      return String(text).replace(/%([sdif%])/g, (_m, kind: string) => (kind === '%' ? '%' : kind === 'd' || kind === 'i' ? String(Math.trunc(Number(args[next++]))) : String(args[next++])));
    });
    // Jinja's map: map('upper'), map(attribute='name').
    env.addFilter('map', function (this: unknown, items: unknown[], ...args: unknown[]) {
      const { positional, keywords } = kwargs(args);
      if (keywords.attribute !== undefined) return [...items].map((item) => (item as Record<string, unknown>)?.[String(keywords.attribute)]);
      const filter = runtimeEnv.getFilter(String(positional[0]));
      return [...items].map((item) => filter.call(this, item, ...positional.slice(1)));
    });
    env.addTest('none', (v: unknown) => v === null || v === undefined);
    env.addTest('mapping', (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v));
    env.addTest('sequence', (v: unknown) => Array.isArray(v) || typeof v === 'string');
    env.addTest('string', (v: unknown) => typeof v === 'string');
  }

  private installGlobals(): void {
    const runtime = this;
    const g = this.env.globals;
    const getter = (name: string, get: () => unknown) => Object.defineProperty(g, name, { get, enumerable: true, configurable: true });

    const config = (...args: unknown[]) => {
      const { keywords, positional } = kwargs(args);
      const fromDict = positional[0] && typeof positional[0] === 'object' ? (positional[0] as Record<string, unknown>) : {};
      runtime.scope.config({ ...fromDict, ...keywords });
      return '';
    };
    // config.get('key', default) reads the model's config, as in dbt.
    (config as unknown as { get: (k: string, d?: unknown) => unknown }).get = (key: string, fallback?: unknown) =>
      ((runtime.scope.model?.config as Record<string, unknown> | undefined)?.[key] ?? fallback ?? null);
    g.config = config;
    g.ref = (...args: unknown[]) => runtime.scope.ref(args);
    g.source = (...args: unknown[]) => runtime.scope.source(args);
    g.var = (...args: unknown[]) => {
      const { positional, keywords } = kwargs(args);
      const name = String(positional[0] ?? keywords.name ?? '');
      const hasFallback = positional.length > 1 || 'default' in keywords;
      return runtime.scope.getVar(name, positional.length > 1 ? positional[1] : keywords.default, hasFallback);
    };
    g.is_incremental = () => runtime.scope.isIncremental();
    g.env_var = (...args: unknown[]) => {
      const { positional } = kwargs(args);
      const name = String(positional[0]);
      const value = runtime.scope.envVars[name];
      if (value !== undefined) return value;
      if (positional.length > 1) return positional[1];
      throw new InputError(`env_var('${name}'): environment variable not set and no default given`);
    };
    g.return = (value: unknown) => {
      const slot = runtime.returns[runtime.returns.length - 1];
      if (!slot) throw new InputError('return() used outside a macro');
      slot.set = true;
      slot.value = value;
      return '';
    };
    // dbt macros that query the warehouse while rendering: this engine renders without one.
    for (const name of ['run_query', 'statement', 'load_result']) {
      g[name] = () => {
        throw new InputError(`${name}() is not available: models render without a warehouse connection (parse and compile are pure); compute the value in SQL instead`);
      };
    }
    g.log = () => '';
    g.print = () => '';
    g.fromjson = (text: string, fallback?: unknown) => {
      try {
        return JSON.parse(text);
      } catch {
        return fallback ?? null;
      }
    };
    g.tojson = (value: unknown) => JSON.stringify(value);
    g.dbt_version = DBT_VERSION;
    g.zip = (...lists: unknown[][]) => (lists.length ? lists[0].map((_, i) => lists.map((l) => l[i])) : []);
    getter('run_started_at', () => {
      throw new InputError('run_started_at is the wall clock, which models never read: use dbt.current_timestamp() (the scenario\'s as_of)');
    });
    g.exceptions = {
      raise_compiler_error: (message: string) => {
        throw new InputError(String(message));
      },
      warn: () => '',
    };
    getter('this', () => runtime.scope.this);
    getter('target', () => runtime.scope.target);
    getter('execute', () => runtime.scope.execute);
    getter('model', () => runtime.scope.model ?? {});
    getter('flags', () => ({ FULL_REFRESH: false, WHICH: 'compile' }));
    for (const ns of ['dbt', 'dbt_utils', 'dbt_date']) getter(ns, () => runtime.crossDb()[ns]);
    // adapter.dispatch('name')(args): the dialect's `<dialect>__name` macro, else `default__name`.
    getter('adapter', () => ({
      dispatch: (name: string) => {
        const dialect = runtime.scope.dialect;
        for (const candidate of [`${dialect}__${name}`, `default__${name}`]) {
          if (runtime.macroNames.has(candidate)) return g[candidate];
        }
        const ns = runtime.crossDb().dbt;
        if (ns[name]) return ns[name];
        throw new InputError(`adapter.dispatch: no macro '${dialect}__${name}' or 'default__${name}'`);
      },
      quote: (s: string) => (runtime.scope.dialect === 'bigquery' ? `\`${s}\`` : `"${s}"`),
    }));
  }

  private crossDb() {
    const scope = this.scope;
    let ns = this.namespaces.get(scope.dialect);
    if (!ns) {
      const current = (): MacroEnv => ({ dialect: this.scope.dialect, vars: this.scope.vars });
      ns = macroNamespacesFor(scope.dialect, current);
      this.namespaces.set(scope.dialect, ns);
    }
    return ns;
  }

  /**
   * Compiles a macro file and registers its macros as globals. `{% test name(...) %}` blocks
   * become macros named `test_<name>`, as dbt stores generic tests. Each macro is renamed inside
   * its file so that calls between macros also go through the wrapper (which implements return()).
   * Returns the macros found: name, arguments, 1-based line.
   */
  addMacroFile(source: TemplateSource): Array<{ name: string; args: string[]; line: number; sql: string }> {
    const found: Array<{ name: string; args: string[]; line: number; sql: string }> = [];
    const blockRe = /\{%-?\s*(macro|test)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)\s*-?%\}/g;
    let text = source.text.replace(/\{%(-?)\s*endtest\s*(-?)%\}/g, '{%$1 endmacro $2%}');
    text = text.replace(blockRe, (whole, kind: string, name: string, args: string, offset: number) => {
      const fullName = kind === 'test' ? `test_${name}` : name;
      const line = source.firstLine + countLines(source.text, offset);
      const end = source.text.indexOf('endtest', offset) >= 0 && kind === 'test' ? source.text.indexOf('endtest', offset) : source.text.indexOf('endmacro', offset);
      found.push({
        name: fullName,
        args: args.split(',').map((a) => a.trim().split('=')[0].trim()).filter(Boolean),
        line,
        sql: source.text.slice(offset, end >= 0 ? source.text.indexOf('%}', end) + 2 : undefined),
      });
      return whole.replace(new RegExp(`(macro|test)\\s+${name}`), `macro m__raw__${fullName}`);
    });
    const template = this.compile({ ...source, text });
    let exported: Record<string, unknown> = {};
    this.withScope(parseScope(), () => {
      (template as TemplateInternals).getExported({}, null, (err, result) => {
        if (err) throw err;
        exported = result;
      });
    });
    for (const macro of found) {
      const raw = exported[`m__raw__${macro.name}`] as ((...args: unknown[]) => unknown) | undefined;
      if (!raw) continue;
      this.macroNames.add(macro.name);
      this.env.addGlobal(macro.name, this.wrapMacro(macro.name, `${source.file}:${macro.line}`, raw));
    }
    return found;
  }

  private wrapMacro(name: string, where: string, raw: (...args: unknown[]) => unknown) {
    const runtime = this;
    return function (this: unknown, ...args: unknown[]) {
      runtime.scopes[runtime.scopes.length - 1]?.macrosCalled?.add(name);
      const slot: ReturnSlot = { set: false, value: undefined };
      runtime.returns.push(slot);
      try {
        const output = raw.apply(this, args);
        return slot.set ? slot.value : output;
      } catch (error) {
        // The error is reported at the model's line; remember which macros it went through.
        runtime.macroTrail.push(`${name} (${where})`);
        throw error;
      } finally {
        runtime.returns.pop();
      }
    };
  }

  /** Compiles (once) a template; throws InputError `file:line: message` on a syntax error. */
  compile(source: TemplateSource): nunjucks.Template {
    const key = `${source.file}\u0000${source.firstLine}\u0000${source.text}`;
    let template = this.templates.get(key);
    if (!template) {
      try {
        template = new nunjucks.Template(source.text, this.env, source.file, true);
      } catch (error) {
        throw renderError(error, source, 'parse');
      }
      this.templates.set(key, template);
    }
    return template;
  }

  /** Renders a template in `scope`; errors become InputError `file:line: message`. */
  render(source: TemplateSource, scope: RenderScope): string {
    const template = this.compile(source);
    const outer = this.macroTrail;
    this.macroTrail = [];
    return this.withScope(scope, () => {
      try {
        return template.render({});
      } catch (error) {
        throw renderError(error, source, 'render', this.macroTrail);
      } finally {
        this.macroTrail = outer;
      }
    });
  }

  /** Calls a project macro by name with keyword arguments (e.g. a `{% test %}` macro). */
  callMacro(name: string, kwargsObject: Record<string, unknown>, scope: RenderScope): string {
    const fn = this.env.globals[name];
    if (typeof fn !== 'function') throw new InputError(`undefined macro '${name}'`);
    return this.withScope(scope, () => String(fn({ ...kwargsObject, __keywords: true }) ?? ''));
  }
}

/** A scope for rendering macro files' top level (which only defines macros). */
function parseScope(): RenderScope {
  return {
    dialect: 'duckdb',
    vars: {},
    ref: () => '',
    source: () => '',
    config: () => undefined,
    getVar: (_n, fallback) => fallback ?? null,
    isIncremental: () => false,
    this: '',
    target: {},
    execute: false,
    envVars: {},
  };
}

export { kwargs as splitKwargs };

function countLines(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * Turns a nunjucks error into one line: `models/x.sql:12: undefined macro 'foo'`. nunjucks
 * reports 0-based lines relative to the template text; snapshot bodies start later in the file.
 */
export function renderError(error: unknown, source: TemplateSource, phase: 'parse' | 'render' = 'render', trail: string[] = []): InputError {
  const raw = error instanceof Error ? error.message : String(error);
  const position = /\[Line (\d+), Column (\d+)\]/.exec(raw);
  let message = raw.replace(/^(Template render error: )?\([^)]*\)\s*(\[Line \d+, Column \d+\])?\s*/s, '').trim();
  message = message.replace(/^(Template render error: )?\([^)]*\)\s*(\[Line \d+, Column \d+\])?\s*/s, '').trim();
  message = message.replace(/^(InputError|Error|TypeError|Template render error):\s*/, '').replace(/^(InputError|Error):\s*/, '');
  if (message.includes("reading 'charAt'")) {
    message = "assigning to an attribute ({% set ns.x = ... %}, namespace()) is not supported; collect values in a list instead: {% set found = [] %}{% do found.append(x) %}";
  }
  const call = /Unable to call `([^`]+)`, which is undefined or falsey/.exec(message);
  if (call) {
    const name = call[1].replace(/\["([^"]+)"\]/g, '.$1');
    message = `undefined macro '${name}'${WAREHOUSE_MACROS.has(name) ? ' (it reads the warehouse while rendering, which this engine does not do; list the columns in SQL)' : ''}`;
  }
  // The parser reports 1-based lines, the renderer 0-based ones.
  // nunjucks omits the position when its (0-based) line is 0; a parse error without one is at the end (unclosed block).
  const line = position ? source.firstLine + Number(position[1]) - (phase === 'parse' ? 1 : 0) : phase === 'render' ? guessLine(source, message) : lastLineOf(source);
  const where = `${source.file}:${line}`;
  if (error instanceof InputError && error.message.startsWith(`${source.file}:`)) return error;
  const via = trail.length ? ` (in macro ${trail.join(', called by ')})` : '';
  return new InputError(`${where}: ${message.split('\n')[0]}${via}`);
}

/** dbt_utils macros that introspect the warehouse at render time. */
const WAREHOUSE_MACROS = new Set(['dbt_utils.star', 'dbt_utils.get_column_values', 'dbt_utils.union_relations', 'dbt_utils.get_relations_by_pattern', 'dbt_utils.pivot', 'dbt_utils.unpivot', 'adapter.get_columns_in_relation']);

/**
 * nunjucks tracks lines only at calls, so an error from a plain lookup (`{{ run_started_at }}`)
 * has none: take the first line that holds the name the message starts with or quotes.
 */
function guessLine(source: TemplateSource, message: string): number {
  const names = [/^([A-Za-z_][A-Za-z0-9_.]*)/.exec(message)?.[1], /'([^']+)'/.exec(message)?.[1]].filter((n): n is string => !!n && n.length > 2);
  const lines = source.text.split('\n');
  for (const name of names) {
    const index = lines.findIndex((l) => l.includes(name));
    if (index >= 0) return source.firstLine + index;
  }
  return source.firstLine;
}

function lastLineOf(source: TemplateSource): number {
  return source.firstLine + Math.max(0, source.text.replace(/\n+$/, '').split('\n').length - 1);
}

export type { SourceLocation };

/** `{% do expr %}`: evaluates an expression for its side effect (list.append, dict.update). */
class DoExtension {
  tags = ['do'];
  parse(parser: any, nodes: any) {
    const token = parser.nextToken();
    const expr = parser.parseExpression();
    parser.advanceAfterBlockEnd(token.value);
    return new nodes.CallExtension(this, 'run', new nodes.NodeList(token.lineno, token.colno, [expr]));
  }
  run(_context: unknown, _value: unknown) {
    return '';
  }
}
