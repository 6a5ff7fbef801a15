import { LANDING_SCHEMA, LANDING_TABLES } from '../../contract/landing.ts';
import type { LogicalType } from '../../contract/types.ts';
import { InputError } from '../../contract/errors.ts';
import type { Engine, Row } from '../engine.ts';
import { ancestorsOf, topoOrder } from '../dag/graph.ts';
import { StatementLog } from '../materializations/execute.ts';
import { materializeSeed } from '../materializations/seed.ts';
import { materializeSnapshot, snapshotSettings } from '../materializations/snapshot.ts';
import { createView } from '../materializations/sql.ts';
import type { CompileContext, Project, RelationRef, SourceTable, TargetInfo, UnitTestFixture, UnitTestNode } from '../project/types.ts';
import { compileNode, relationFor } from '../render/compile.ts';
import { materializeTable } from '../materializations/table.ts';

/**
 * dbt 1.8 unit tests on an in-memory DuckDB. Column types never come from a warehouse: the
 * landing contract (or a source's data_type) types the sources, and every upstream model is
 * created as a view over empty typed sources, so its column types are what the model's SQL
 * makes of the contract. A `given` input becomes a table with the upstream's full column list
 * (missing columns NULL, values cast to the upstream type); the model is rendered with its refs
 * pointing at those tables, and its rows are compared with `expect` (only the columns expect
 * names, order-insensitive, values cast to the model's output types).
 */

export interface UnitTestResult {
  uniqueId: string;
  name: string;
  status: 'pass' | 'fail' | 'error';
  message: string;
  /** Rows of the readable diff when the test failed. */
  diff?: string;
  compiledCode?: string;
  seconds: number;
  /** What was thrown, for status error (the CLI's exit code depends on its kind). */
  error?: unknown;
}

export interface UnitTestOptions {
  /** Project vars overlaid with scenario and --vars (a unit test's overrides.vars go on top). */
  vars: Record<string, unknown>;
  /** The target the tests render for; its type is always duckdb here. */
  target: TargetInfo;
}

const FIXTURE_SCHEMA = 'dbt_unit_fixtures';

/** Runs the unit tests on `engine` (an empty in-memory DuckDB, see openDuckDB(':memory:')). */
export async function runUnitTests(engine: Engine, project: Project, ids: readonly string[], options: UnitTestOptions): Promise<UnitTestResult[]> {
  const target: TargetInfo = { ...options.target, type: engine.dialect.name };
  const shells = new ShellBuilder(engine, project, { dialect: engine.dialect, target, vars: options.vars });
  const results: UnitTestResult[] = [];
  for (const id of ids) {
    const test = project.unitTests.get(id);
    if (!test) continue;
    const started = performance.now();
    const done = (r: Omit<UnitTestResult, 'uniqueId' | 'name' | 'seconds'>) => results.push({ uniqueId: id, name: test.name, seconds: (performance.now() - started) / 1000, ...r });
    try {
      done(await runOne(engine, project, test, shells, { dialect: engine.dialect, target, vars: { ...options.vars, ...test.overrides.vars } }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      done({ status: 'error', error, message: `${test.location.file}:${test.location.line}: unit test ${test.name}: ${message.split('\n')[0]}` });
    }
  }
  return results;
}

async function runOne(engine: Engine, project: Project, test: UnitTestNode, shells: ShellBuilder, ctx: CompileContext) {
  const d = engine.dialect;
  await shells.ensureUpstream(test.model);
  await engine.ensureSchema(FIXTURE_SCHEMA);
  const fixtures = new Map<string, string>();
  let thisRelation: RelationRef | undefined;
  for (const [i, given] of test.given.entries()) {
    const isThis = given.input?.trim() === 'this';
    const upstream = isThis ? test.model : given.inputNode;
    if (!upstream) throw new InputError(`given input ${given.input} is not a ref() or source() of the project`);
    const shell = await shells.relationOf(upstream);
    const columns = await engine.listColumns(shell.schema, shell.identifier);
    const name = `${safe(test.name)}__given_${i}`;
    await materializeTable(new StatementLog(engine), { schema: FIXTURE_SCHEMA, name }, fixtureSql(d, given, columns), undefined);
    const relation = d.relation(FIXTURE_SCHEMA, name);
    if (isThis) thisRelation = { schema: FIXTURE_SCHEMA, identifier: name };
    else fixtures.set(upstream, relation);
  }
  const isIncremental = test.overrides.macros.is_incremental === true;
  const compiled = compileNode(project, test.model, { ...ctx, isIncremental, thisRelation, resolveRelation: (id) => fixtures.get(id) });
  // dbt requires every direct input to be given; without it the model would silently read an empty shell.
  const notGiven = (project.parentMap.get(test.model) ?? []).filter(
    (id) => !fixtures.has(id) && !isEphemeral(project, id) && project.nodes.get(id)?.resourceType !== 'seed' && (project.sources.has(id) || project.nodes.has(id)),
  );
  if (notGiven.length) throw new InputError(`missing given for ${notGiven.map((id) => label(project, id)).join(', ')} (dbt unit tests need every ref/source the model reads)`);
  const actualView = { schema: FIXTURE_SCHEMA, name: `${safe(test.name)}__actual` };
  await engine.execute(createView(d, actualView, compiled.sql));
  const outputColumns = await engine.listColumns(actualView.schema, actualView.name);
  const expectedColumns = expectColumns(test.expect, outputColumns.map((c) => c.name));
  const known = new Map(outputColumns.map((c) => [c.name.toLowerCase(), c]));
  const missing = expectedColumns.filter((c) => !known.has(c.toLowerCase()));
  if (missing.length) throw new InputError(`expect names column(s) ${missing.join(', ')} that model ${project.nodes.get(test.model)?.name} does not return`);
  const typed = expectedColumns.map((c) => known.get(c.toLowerCase())!);
  const expected = await engine.query(test.expect.format === 'sql' ? `select ${typed.map((c) => d.quoteIdentifier(c.name)).join(', ')} from (${test.expect.sql}) e` : fixtureSql(d, test.expect, typed));
  const actual = await engine.query(`select ${typed.map((c) => d.quoteIdentifier(c.name)).join(', ')} from ${d.relation(actualView.schema, actualView.name)}`);
  const diff = compareRows(typed.map((c) => c.name), expected, actual);
  return diff
    ? { status: 'fail' as const, message: `actual differs from expected:\n${diff}`, diff, compiledCode: compiled.sql }
    : { status: 'pass' as const, message: 'PASS', compiledCode: compiled.sql };
}

function isEphemeral(project: Project, id: string): boolean {
  const node = project.nodes.get(id);
  return node?.resourceType === 'model' && node.config.materialized === 'ephemeral';
}

function label(project: Project, id: string): string {
  const source = project.sources.get(id);
  if (source) return `source('${source.sourceName}', '${source.name}')`;
  return `ref('${project.nodes.get(id)?.name ?? id}')`;
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

/** The columns expect compares: those its rows name (dbt compares only those), in the model's order. */
function expectColumns(expect: UnitTestFixture, modelColumns: string[]): string[] {
  if (expect.format === 'sql') return modelColumns;
  const named = new Set<string>();
  for (const row of expect.rows) for (const key of Object.keys(row)) named.add(key);
  const ordered = modelColumns.filter((c) => [...named].some((n) => n.toLowerCase() === c.toLowerCase()));
  const extra = [...named].filter((n) => !modelColumns.some((c) => c.toLowerCase() === n.toLowerCase()));
  return [...ordered, ...extra];
}

/** A fixture's rows as a typed SELECT with exactly `columns` (absent keys and empty cells are NULL). */
function fixtureSql(d: Engine['dialect'], fixture: UnitTestFixture, columns: Array<{ name: string; dataType: string }>): string {
  if (fixture.format === 'sql') return fixture.sql ?? '';
  const cell = (row: Record<string, unknown>, column: { name: string; dataType: string }) => {
    const key = Object.keys(row).find((k) => k.toLowerCase() === column.name.toLowerCase());
    const value = key === undefined ? null : row[key];
    const literal = value === null || value === undefined || value === '' ? 'null' : typeof value === 'string' ? d.stringLiteral(value) : typeof value === 'boolean' ? String(value) : String(value);
    return `cast(${literal} as ${column.dataType}) as ${d.quoteIdentifier(column.name)}`;
  };
  const rows = fixture.rows.length ? fixture.rows : [{}];
  const sql = rows.map((row) => `select ${columns.map((c) => cell(row, c)).join(', ')}`).join('\nunion all\n');
  return fixture.rows.length ? sql : `${sql}\nlimit 0`;
}

/**
 * Multiset comparison; returns a readable diff (dbt's style: `+` rows only in actual, `-` rows
 * only in expected, unchanged rows plain), or undefined when equal.
 */
export function compareRows(columns: string[], expected: Row[], actual: Row[]): string | undefined {
  const key = (r: Row) => JSON.stringify(columns.map((c) => normalize(r[c])));
  const remaining = new Map<string, number>();
  for (const r of actual) remaining.set(key(r), (remaining.get(key(r)) ?? 0) + 1);
  const lines: Array<[string, Row]> = [];
  let differs = false;
  for (const r of expected) {
    const k = key(r);
    if (remaining.get(k)) {
      remaining.set(k, remaining.get(k)! - 1);
      lines.push([' ', r]);
    } else {
      lines.push(['-', r]);
      differs = true;
    }
  }
  for (const r of actual) {
    const k = key(r);
    if (remaining.get(k)) {
      remaining.set(k, remaining.get(k)! - 1);
      lines.push(['+', r]);
      differs = true;
    }
  }
  if (!differs) return undefined;
  const cells = [columns, ...lines.map(([, r]) => columns.map((c) => show(r[c])))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const format = (mark: string, row: string[]) => `${mark} | ${row.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  const sorted = lines.map(([m, r]) => [m, columns.map((c) => show(r[c]))] as [string, string[]]);
  return [format(' ', columns), ...sorted.map(([m, r]) => format(m, r)), '(- expected but missing, + returned but not expected)'].join('\n');
}

function normalize(value: unknown): unknown {
  return typeof value === 'number' ? Number(value.toPrecision(15)) : value;
}

function show(value: unknown): string {
  return value === null || value === undefined ? 'NULL' : String(value);
}

/**
 * Creates, on demand, an empty typed "shell" of every relation a unit-tested model depends on:
 * sources as empty tables (landing contract types), models as views (tables would work too; views
 * cost nothing on empty inputs), seeds loaded from their CSV, snapshots built on empty input.
 */
class ShellBuilder {
  private readonly built = new Map<string, Promise<RelationRef>>();
  constructor(
    private readonly engine: Engine,
    private readonly project: Project,
    private readonly ctx: CompileContext,
  ) {}

  async ensureUpstream(modelId: string): Promise<void> {
    const ancestors = ancestorsOf(this.project, modelId);
    for (const id of ancestors) if (this.project.sources.has(id)) await this.relationOf(id);
    for (const id of topoOrder(this.project, [...ancestors].filter((a) => this.project.nodes.has(a)))) await this.relationOf(id);
    await this.relationOf(modelId);
  }

  relationOf(id: string): Promise<RelationRef> {
    let relation = this.built.get(id);
    if (!relation) {
      relation = this.build(id);
      this.built.set(id, relation);
    }
    return relation;
  }

  private async build(id: string): Promise<RelationRef> {
    const source = this.project.sources.get(id);
    if (source) return this.buildSource(source);
    const node = this.project.nodes.get(id);
    if (!node) throw new InputError(`unknown node ${id}`);
    for (const parent of this.project.parentMap.get(id) ?? []) await this.relationOf(parent);
    const relation = relationFor(node, this.ctx.target);
    const target = { schema: relation.schema, name: relation.identifier };
    await this.engine.ensureSchema(target.schema);
    const log = new StatementLog(this.engine, id);
    if (node.resourceType === 'seed') {
      await materializeSeed(log, target, node.csvPath, { column_types: node.config.column_types ?? {}, delimiter: node.config.delimiter ?? ',' }, node.originalFilePath);
    } else if (node.resourceType === 'snapshot') {
      const compiled = compileNode(this.project, id, this.ctx);
      await materializeSnapshot(log, target, compiled.sql, snapshotSettings(node.config as unknown as Record<string, unknown>, node.originalFilePath), { vars: { ...this.project.config.vars, ...this.ctx.vars } });
    } else if (node.resourceType === 'model' && node.config.materialized !== 'ephemeral') {
      const compiled = compileNode(this.project, id, { ...this.ctx, isIncremental: false });
      try {
        await this.engine.execute(createView(this.engine.dialect, target, compiled.sql));
      } catch (error) {
        // The upstream's column types come from its SQL: when that SQL is broken, say so first.
        throw new InputError(`upstream model ${node.name} (${node.originalFilePath}) does not compile, so its columns cannot be typed: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    return relation;
  }

  private async buildSource(source: SourceTable): Promise<RelationRef> {
    const d = this.engine.dialect;
    const contract = source.schema === LANDING_SCHEMA ? LANDING_TABLES.find((t) => t.name === source.identifier) : undefined;
    const columns = contract
      ? contract.columns.map((c) => `${d.quoteIdentifier(c.name)} ${d.physicalType(c.type, { scale: c.scale })}`)
      : Object.values(source.columns).map((c) => `${d.quoteIdentifier(c.name)} ${physical(d, c.data_type)}`);
    if (!columns.length) throw new InputError(`${source.location.file}:${source.location.line}: source ${source.sourceName}.${source.name} has no columns with data_type, so unit tests cannot type it`);
    await this.engine.ensureSchema(source.schema);
    await this.engine.execute(`create table if not exists ${d.relation(source.schema, source.identifier)} (${columns.join(', ')})`);
    return { schema: source.schema, identifier: source.identifier };
  }
}

const LOGICAL = new Set(['INT64', 'STRING', 'NUMERIC', 'TIMESTAMP', 'DATE', 'BOOL', 'FLOAT64']);

function physical(d: Engine['dialect'], dataType: string | undefined): string {
  if (!dataType) return d.physicalType('STRING');
  return LOGICAL.has(dataType.toUpperCase()) ? d.physicalType(dataType.toUpperCase() as LogicalType) : dataType;
}
