import type { Engine } from '../../engine.ts';
import type { Project, TargetInfo } from '../../project/types.ts';
import { build, type RunEvent } from '../../runner/build.ts';
import { BigQueryAnalyzer } from './analyzer.ts';
import { BigQueryCatalog } from './catalog.ts';
import { compareResults, type ComparisonResult } from './compare.ts';
import type { ZetaSqlEvaluatorEngine } from './evaluator-engine.ts';
import type { ZetaSqlServer } from './server.ts';

/**
 * "Same answers on both engines": the model engine's build runs on DuckDB and on ZetaSQL's
 * reference evaluator (BigQuery semantics) over the same landing, and every relation it built
 * is compared row for row (see compare.ts for what "the same" means per type).
 *
 * Both engines must already hold the same landing (including _sim_meta, so both builds see the
 * same vars). Only first runs are compared: the evaluator engine does not apply MERGE/UPDATE.
 * The data tests run on both too, and their outcomes (status, failing rows) must agree.
 */

export interface BuildFailure {
  engine: string;
  uniqueId: string;
  message: string;
}

export interface TestOutcomeDifference {
  test: string;
  duckdb: string;
  bigquery: string;
}

export interface SameAnswersReport {
  comparisons: ComparisonResult[];
  /** Data tests whose outcome (status and failing-row count) differs between the engines. */
  testDifferences: TestOutcomeDifference[];
  /** Data tests run on both engines. */
  testsCompared: number;
  /** Of those, tests that found failing rows (warnings on seeded faults): the comparison is not all zeros. */
  testsWithFailures: number;
  /** Nodes that did not build on one of the engines (each is a difference too). */
  failures: BuildFailure[];
}

export interface SameAnswersOptions {
  /** The target both builds use (its type is replaced by each engine's dialect name). */
  target: TargetInfo;
  select?: string[];
  exclude?: string[];
  /** Run the data tests too and compare their outcomes (default true). */
  tests?: boolean;
}

interface Built {
  resourceType: string;
  /** Tests: "pass (0)", "warn (3)", ... */
  outcome?: string;
  uniqueId: string;
  name: string;
  compiled?: string;
  relation: { schema: string; name: string };
}

async function runBuild(engine: Engine, project: Project, options: SameAnswersOptions, failures: BuildFailure[]): Promise<Map<string, Built>> {
  const built = new Map<string, Built>();
  const onEvent = (event: RunEvent) => {
    if (event.type !== 'node-finish') return;
    const { result } = event;
    const node = project.nodes.get(event.uniqueId);
    if (!node) return; // unit tests run on DuckDB fixtures, not on either warehouse
    if (node.resourceType === 'test' && result.status !== 'error' && result.status !== 'skipped') {
      built.set(event.uniqueId, { uniqueId: event.uniqueId, name: node.name, resourceType: 'test', outcome: `${result.status} (${result.failures ?? 0})`, relation: { schema: '', name: '' } });
      return;
    }
    if (result.status === 'error' || result.status === 'fail') {
      failures.push({ engine: engine.dialect.name === 'bigquery' ? 'BigQuery (ZetaSQL evaluator)' : engine.dialect.name, uniqueId: event.uniqueId, message: result.message ?? 'failed' });
      return;
    }
    if (result.status !== 'success') return;
    const relation = relationOf(result.relation_name ?? '');
    if (relation) built.set(event.uniqueId, { uniqueId: event.uniqueId, name: node.name, resourceType: node.resourceType, compiled: result.compiled_code, relation });
  };
  // 'build' with tests: a test failing on one engine only skips the same children there, and
  // shows up below as a test difference.
  await build(engine, project, { target: { ...options.target, type: engine.dialect.name }, select: options.select, exclude: options.exclude, mode: options.tests === false ? 'run' : 'build', unitTests: false, onEvent });
  return built;
}

/** `"marts"."fct"`, `` `marts`.`fct` `` or `` `marts.fct` `` -> {schema, name}. */
function relationOf(rendered: string): { schema: string; name: string } | undefined {
  const parts = rendered.replace(/[`"]/g, '').split('.');
  if (parts.length < 2) return undefined;
  const [schema, name] = parts.slice(-2);
  return { schema, name };
}

export async function compareEngines(
  server: ZetaSqlServer,
  project: Project,
  engines: { duckdb: Engine; bigquery: ZetaSqlEvaluatorEngine },
  options: SameAnswersOptions,
): Promise<SameAnswersReport> {
  const failures: BuildFailure[] = [];
  const duck = await runBuild(engines.duckdb, project, options, failures);
  const bq = await runBuild(engines.bigquery, project, options, failures);

  // Which results have a defined order: analyse each BigQuery SQL against what was built.
  const catalog = new BigQueryCatalog();
  for (const relation of await engines.bigquery.listRelations()) {
    const table = engines.bigquery.relation(relation.schema, relation.name)!;
    catalog.add({ dataset: relation.schema, name: relation.name, columns: table.columns });
  }
  const analyzer = new BigQueryAnalyzer(server, catalog);
  const comparisons: ComparisonResult[] = [];
  const testDifferences: TestOutcomeDifference[] = [];
  let testsCompared = 0;
  let testsWithFailures = 0;
  try {
    for (const [id, node] of bq) {
      const local = duck.get(id);
      if (!local) continue; // failed on DuckDB: already a failure
      if (node.resourceType === 'test') {
        testsCompared++;
        if (!/\(0\)$/.test(node.outcome ?? '')) testsWithFailures++;
        if (node.outcome !== local.outcome) testDifferences.push({ test: node.name, duckdb: local.outcome!, bigquery: node.outcome! });
        continue;
      }
      const table = engines.bigquery.relation(node.relation.schema, node.relation.name);
      if (!table) continue;
      const ordered = node.compiled ? await analyzer.analyze(node.compiled).then((r) => r.ordered === true, () => false) : false;
      const rows = await engines.duckdb.query(`select * from ${engines.duckdb.dialect.relation(local.relation.schema, local.relation.name)}`);
      comparisons.push(compareResults(node.name, table, rows, { ordered }));
    }
  } finally {
    await analyzer.close();
  }
  return { comparisons, failures, testDifferences, testsCompared, testsWithFailures };
}
