/**
 * dbt 1.8 unit tests (`unit_tests:` in properties YAML): the model under test, `given` inputs
 * (ref/source/this with dict, csv or sql rows, inline or from `<test-path>/fixtures/<name>.csv`)
 * and `expect` rows. Parsed into data here; the runner executes them on fixtures.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../contract/errors.ts';
import { parseCsv } from './csv.ts';
import type { Project, UnitTestFixture, UnitTestNode } from './types.ts';
import { at, checkKeys, isRecord, type YamlFile } from './yaml.ts';

const UNIT_KEYS = ['name', 'model', 'description', 'given', 'expect', 'overrides', 'config', 'versions'];
const GIVEN_KEYS = ['input', 'rows', 'format', 'fixture'];
const EXPECT_KEYS = ['rows', 'format', 'fixture'];

export function parseUnitTests(yaml: YamlFile, list: unknown, project: Project, testPaths: string[]): UnitTestNode[] {
  if (list === undefined || list === null) return [];
  const out: UnitTestNode[] = [];
  for (const entry of list as unknown[]) {
    if (!isRecord(entry) || typeof entry.name !== 'string') throw new InputError(`${at(yaml, entry, list)}: each unit test needs a name`);
    const where = at(yaml, entry);
    checkKeys(yaml, entry, UNIT_KEYS, `unit test '${entry.name}'`);
    const modelId = project.refIndex.get(String(entry.model ?? ''));
    const model = modelId ? project.nodes.get(modelId) : undefined;
    if (!model || model.resourceType !== 'model') throw new InputError(`${where}: unit test '${entry.name}': model '${String(entry.model ?? '')}' is not a model of this project`);
    if (!Array.isArray(entry.given)) throw new InputError(`${where}: unit test '${entry.name}' needs given: (a list of inputs)`);
    if (!isRecord(entry.expect)) throw new InputError(`${where}: unit test '${entry.name}' needs expect: (rows: [...])`);
    const given = entry.given.map((g) => {
      if (!isRecord(g)) throw new InputError(`${at(yaml, g, entry.given)}: each given entry is a mapping with input: and rows:`);
      checkKeys(yaml, g, GIVEN_KEYS, 'a unit test input');
      return fixture(yaml, g, project, testPaths, model.uniqueId);
    });
    checkKeys(yaml, entry.expect, EXPECT_KEYS, 'a unit test expect');
    const expect = fixture(yaml, entry.expect, project, testPaths, model.uniqueId);
    const overrides = isRecord(entry.overrides) ? entry.overrides : {};
    const config = isRecord(entry.config) ? entry.config : {};
    const uniqueId = `unit_test.${project.name}.${model.name}.${entry.name}`;
    out.push({
      resourceType: 'unit_test',
      uniqueId,
      name: entry.name,
      packageName: project.name,
      model: model.uniqueId,
      description: String(entry.description ?? '').trim(),
      given,
      expect,
      overrides: {
        vars: isRecord(overrides.vars) ? overrides.vars : {},
        macros: isRecord(overrides.macros) ? overrides.macros : {},
        env_vars: isRecord(overrides.env_vars) ? (overrides.env_vars as Record<string, string>) : {},
      },
      config: {
        tags: Array.isArray(config.tags) ? config.tags.map(String) : config.tags ? [String(config.tags)] : [],
        meta: isRecord(config.meta) ? config.meta : {},
        enabled: config.enabled !== false,
      },
      originalFilePath: yaml.file,
      path: yaml.file,
      location: { file: yaml.file, line: yaml.lineOf(entry) ?? 1 },
      fqn: [project.name, ...model.fqn.slice(1, -1), model.name, entry.name],
      dependsOn: { nodes: [model.uniqueId], macros: [] },
    });
  }
  return out;
}

function fixture(yaml: YamlFile, spec: Record<string, unknown>, project: Project, testPaths: string[], modelId: string): UnitTestFixture {
  const where = at(yaml, spec);
  // A fixture file is CSV unless the format says sql (dbt reads fixtures only as csv or sql).
  const format = String(spec.format ?? (spec.fixture !== undefined ? 'csv' : 'dict'));
  if (format !== 'dict' && format !== 'csv' && format !== 'sql') throw new InputError(`${where}: format '${format}' is not one of: dict, csv, sql`);
  const out: UnitTestFixture = { format, rows: [] };
  if (spec.input !== undefined) {
    out.input = String(spec.input);
    out.inputNode = resolveInput(out.input, project, where, modelId);
  }
  let rows: unknown = spec.rows;
  if (spec.fixture !== undefined) {
    const name = String(spec.fixture);
    const ext = format === 'sql' ? '.sql' : '.csv';
    const file = testPaths.map((t) => path.join(t, 'fixtures', `${name}${ext}`)).find((f) => existsSync(f));
    if (!file) throw new InputError(`${where}: fixture '${name}' not found (looked for fixtures/${name}${ext} under ${testPaths.map((t) => path.relative(project.root, t)).join(', ')})`);
    rows = readFileSync(file, 'utf8');
  }
  if (format === 'sql') {
    if (typeof rows !== 'string') throw new InputError(`${where}: format sql needs rows: as a SQL query`);
    out.sql = rows;
    return out;
  }
  if (format === 'csv') {
    if (typeof rows !== 'string') throw new InputError(`${where}: format csv needs rows: as CSV text with a header line`);
    out.rows = parseCsv(rows, where);
    return out;
  }
  if (rows === undefined || rows === null) rows = [];
  if (!Array.isArray(rows) || rows.some((r) => !isRecord(r))) throw new InputError(`${where}: rows must be a list of mappings ({column: value})`);
  out.rows = rows as Array<Record<string, unknown>>;
  return out;
}

/** ref('x') / source('a', 'b') / this -> unique id. */
function resolveInput(input: string, project: Project, where: string, modelId: string): string {
  const text = input.trim();
  if (text === 'this') return modelId;
  const ref = /^ref\(\s*['"]([^'"]+)['"]\s*\)$/.exec(text);
  if (ref) {
    const id = project.refIndex.get(ref[1]);
    if (!id) throw new InputError(`${where}: input ref('${ref[1]}') names no model, seed or snapshot`);
    return id;
  }
  const source = /^source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)$/.exec(text);
  if (source) {
    const id = `source.${project.name}.${source[1]}.${source[2]}`;
    if (!project.sources.has(id)) throw new InputError(`${where}: input source('${source[1]}', '${source[2]}') is not declared`);
    return id;
  }
  throw new InputError(`${where}: input must be ref('model'), source('source', 'table') or this, got '${input}'`);
}
