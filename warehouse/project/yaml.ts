/**
 * YAML with line numbers: plain JS values plus a side table of where each mapping key and each
 * sequence item was written, so every error can say `models/02_marts/schema.yml:14`.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
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

export function parseYaml(file: string, text: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line;
    throw new InputError(`${file}:${line}: invalid YAML: ${error.message.split('\n')[0]}`);
  }
  const lines = new WeakMap<object, number>();
  const keyLines = new WeakMap<object, Map<string, number>>();
  const itemLines = new WeakMap<object, Array<number | undefined>>();
  const lineAt = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : undefined);

  const convert = (node: unknown): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return convert(node.resolve(doc));
    if (isScalar(node)) return node.value;
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const keys = new Map<string, number>();
      for (const pair of node.items) {
        const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
        out[key] = convert(pair.value);
        const line = lineAt(pair.key as Node);
        if (line !== undefined) keys.set(key, line);
      }
      const line = lineAt(node);
      if (line !== undefined) lines.set(out, line);
      keyLines.set(out, keys);
      return out;
    }
    if (isSeq(node)) {
      const itemLineList: Array<number | undefined> = [];
      const out = node.items.map((item) => {
        const value = convert(item);
        const line = lineAt(item as Node);
        itemLineList.push(line);
        if (value && typeof value === 'object' && line !== undefined && !lines.has(value)) lines.set(value, line);
        return value;
      });
      const line = lineAt(node);
      if (line !== undefined) lines.set(out, line);
      itemLines.set(out, itemLineList);
      return out;
    }
    return null;
  };
  const value = convert(doc.contents);
  return {
    file,
    value,
    lineOf: (v) => (v && typeof v === 'object' ? lines.get(v) : undefined),
    keyLine: (map, key) => (map && typeof map === 'object' ? keyLines.get(map)?.get(key) : undefined),
    itemLine: (list, index) => (Array.isArray(list) ? itemLines.get(list)?.[index] : undefined),
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
