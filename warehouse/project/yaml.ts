/**
 * YAML with line numbers: plain JS values plus a side table of where each mapping key and each
 * sequence item was written, so every error can say `models/02_marts/schema.yml:14`.
 *
 * Parsing YAML is most of a project's parse time, so the result (values and lines, both plain
 * data) is cached on disk keyed by a hash of the text, like dbt's partial parsing: a file that did
 * not change is read back with JSON.parse. The cache is a pure function of the text, so it can
 * never be stale; it lives in the OS temp folder, never in the project.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { InputError } from '../../contract/errors.ts';

export type YamlValue = unknown;

export interface YamlFile {
  file: string;
  value: YamlValue;
  /** Line of an object/array (where it starts). */
  lineOf(value: unknown): number | undefined;
  /** Line of a key inside a mapping. */
  keyLine(map: unknown, key: string): number | undefined;
  /** Line of the i-th item of a sequence (scalars included). */
  itemLine(list: unknown, index: number): number | undefined;
}

/** Where the parts of one YAML value were written; mirrors the value's shape. */
interface LineTree {
  at?: number;
  /** Mapping: line of each key, and the trees of the values. */
  keys?: Record<string, number>;
  entries?: Record<string, LineTree>;
  /** Sequence: line of each item, and the trees of the items. */
  items?: Array<number | null>;
  children?: Array<LineTree | null>;
}

interface Parsed {
  value: unknown;
  lines: LineTree;
}

const CACHE_FORMAT = 1;
const CACHE_DIR = path.join(os.tmpdir(), 'ecom-sim-yaml-cache');
const YAML_VERSION: string = (() => {
  try {
    return String(createRequire(import.meta.url)('yaml/package.json').version);
  } catch {
    return 'unknown';
  }
})();

export function parseYaml(file: string, text: string): YamlFile {
  return withLines(file, cachedParse(file, text));
}

/** The same without the cache (the cache's own tests compare the two). */
export function parseYamlUncached(file: string, text: string): YamlFile {
  return withLines(file, parse(file, text));
}

function cachedParse(file: string, text: string): Parsed {
  const key = createHash('sha256').update(`${CACHE_FORMAT}\u0000${YAML_VERSION}\u0000${text}`).digest('hex');
  const cacheFile = path.join(CACHE_DIR, `${key}.json`);
  try {
    return JSON.parse(readFileSync(cacheFile, 'utf8')) as Parsed;
  } catch {
    // Not cached yet (or unreadable): parse it.
  }
  const parsed = parse(file, text);
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(parsed));
    renameSync(tmp, cacheFile);
  } catch {
    // A read-only temp folder only costs speed.
  }
  return parsed;
}

function parse(file: string, text: string): Parsed {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line;
    throw new InputError(`${file}:${line}: invalid YAML: ${error.message.split('\n')[0]}`);
  }
  const lineAt = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : undefined);
  const convert = (node: unknown): Parsed => {
    if (node === null || node === undefined) return { value: null, lines: {} };
    if (isAlias(node)) return convert(node.resolve(doc as Document));
    if (isScalar(node)) return { value: node.value, lines: {} };
    if (isMap(node)) {
      const value: Record<string, unknown> = {};
      const lines: LineTree = { at: lineAt(node), keys: {}, entries: {} };
      for (const pair of node.items) {
        const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
        const child = convert(pair.value);
        value[key] = child.value;
        const line = lineAt(pair.key as Node);
        if (line !== undefined) lines.keys![key] = line;
        lines.entries![key] = child.lines;
      }
      return { value, lines };
    }
    if (isSeq(node)) {
      const lines: LineTree = { at: lineAt(node), items: [], children: [] };
      const value = node.items.map((item) => {
        const child = convert(item);
        const line = lineAt(item as Node) ?? null;
        lines.items!.push(line);
        // An item's own line is where its mapping starts, as the user reads it.
        lines.children!.push(child.lines.at === undefined && line !== null ? { ...child.lines, at: line } : child.lines);
        return child.value;
      });
      return { value, lines };
    }
    return { value: null, lines: {} };
  };
  return convert(doc.contents);
}

/** Indexes a parsed value's lines by object identity, for lookups from anywhere in the loader. */
function withLines(file: string, parsed: Parsed): YamlFile {
  const lines = new WeakMap<object, number>();
  const keyLines = new WeakMap<object, Record<string, number>>();
  const itemLines = new WeakMap<object, Array<number | null>>();
  const index = (value: unknown, tree: LineTree | null | undefined) => {
    if (!tree || !value || typeof value !== 'object') return;
    if (tree.at !== undefined) lines.set(value, tree.at);
    if (Array.isArray(value)) {
      itemLines.set(value, tree.items ?? []);
      value.forEach((item, i) => index(item, tree.children?.[i]));
    } else {
      keyLines.set(value, tree.keys ?? {});
      for (const [key, child] of Object.entries(value)) index(child, tree.entries?.[key]);
    }
  };
  index(parsed.value, parsed.lines);
  return {
    file,
    value: parsed.value,
    lineOf: (v) => (v && typeof v === 'object' ? lines.get(v) : undefined),
    keyLine: (map, key) => (map && typeof map === 'object' ? keyLines.get(map)?.[key] : undefined),
    itemLine: (list, i) => (Array.isArray(list) ? itemLines.get(list)?.[i] ?? undefined : undefined),
  };
}

/** `file:line` of a value, or of the nearest enclosing value with a line. */
export function at(yaml: YamlFile, ...candidates: unknown[]): string {
  for (const c of candidates) {
    const line = yaml.lineOf(c);
    if (line !== undefined) return `${yaml.file}:${line}`;
  }
  return `${yaml.file}:1`;
}

/** Throws on keys outside `allowed`, naming the file, line, key and the accepted keys. */
export function checkKeys(yaml: YamlFile, value: unknown, allowed: readonly string[], what: string): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const line = yaml.keyLine(value, key) ?? yaml.lineOf(value) ?? 1;
      throw new InputError(`${yaml.file}:${line}: unknown key '${key}' in ${what} (accepted: ${allowed.join(', ')})`);
    }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
