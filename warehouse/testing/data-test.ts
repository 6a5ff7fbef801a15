import { InputError } from '../../contract/errors.ts';
import type { Engine } from '../engine.ts';
import { StatementLog } from '../materializations/execute.ts';
import { body, rel, transaction } from '../materializations/sql.ts';
import { materializeTable } from '../materializations/table.ts';

/**
 * Runs one data test (generic or singular): its SQL returns the failing rows; the failure count
 * decides the status through severity, warn_if and error_if, exactly as dbt does:
 * error severity and error_if true -> fail; else warn_if true -> warn; else pass.
 */

export type TestStatus = 'pass' | 'warn' | 'fail';

export interface DataTestConfig {
  severity: 'error' | 'warn';
  warn_if: string;
  error_if: string;
  store_failures: boolean;
  limit?: number;
  fail_calc?: string;
}

export interface DataTestRequest {
  /** The test's name (dbt's, e.g. unique_dim_customers_customer_id): the audit table's name. */
  name: string;
  uniqueId: string;
  /** The failing-rows SELECT. */
  sql: string;
  config: DataTestConfig;
  /** Where stored failures go, e.g. main_dbt_test__audit. */
  auditSchema: string;
  /** "models/02_marts/schema.yml:14", for errors in the config. */
  where: string;
}

export interface DataTestOutcome {
  status: TestStatus;
  failures: number;
  message: string;
  /** `schema.table` of the stored failing rows, with store_failures. */
  storedIn?: string;
  statements: string[];
}

/** The table in the audit schema holding, per test, the query that reproduces its failures. */
export const TEST_QUERIES_TABLE = 'dbt_test__queries';

export async function runDataTest(engine: Engine, request: DataTestRequest): Promise<DataTestOutcome> {
  const { config } = request;
  const judge = judgeFailures(config, request.where);
  const log = new StatementLog(engine, request.uniqueId);
  const d = engine.dialect;
  const limited = withLimit(request.sql, config.limit);
  let source = body(limited);
  let storedIn: string | undefined;
  if (config.store_failures) {
    const audit = { schema: request.auditSchema, name: request.name };
    await engine.ensureSchema(audit.schema);
    await materializeTable(log, audit, limited);
    await recordQuery(log, request, rel(d, audit));
    storedIn = `${audit.schema}.${audit.name}`;
    source = rel(d, audit);
  }
  const rows = await log.query<{ failures: number | null }>(`select ${config.fail_calc ?? 'count(*)'} as failures from ${source} dbt_internal_test`);
  const { status, failures, message } = judge(Number(rows[0]?.failures ?? 0));
  const stored = storedIn ? `; failing rows in ${storedIn} (select * from ${storedIn})` : '';
  return { status, failures, message: `${message}${stored}`, storedIn, statements: log.statements };
}

function withLimit(sql: string, limit: number | undefined): string {
  return limit ? `${sql.trim().replace(/;\s*$/, '')}\nlimit ${Math.trunc(limit)}` : sql;
}

/**
 * dbt's verdict on a failure count: error severity and error_if true -> fail; else warn_if true
 * -> warn; else pass. Parsing the conditions first makes a bad warn_if/error_if an input error
 * before any SQL runs.
 */
export function judgeFailures(config: DataTestConfig, where: string): (failures: number) => { status: TestStatus; failures: number; message: string } {
  const warnIf = condition(config.warn_if, 'warn_if', where);
  const errorIf = condition(config.error_if, 'error_if', where);
  return (failures) => {
    const status: TestStatus = config.severity === 'error' && errorIf(failures) ? 'fail' : warnIf(failures) ? 'warn' : 'pass';
    const found = `Got ${failures} result${failures === 1 ? '' : 's'}, configured to ${status === 'fail' ? `fail if ${config.error_if}` : `warn if ${config.warn_if}`}`;
    return { status, failures, message: status === 'pass' ? 'PASS' : found };
  };
}

/** One test of a batch: its failing-rows SELECT reads the relation through BATCH_RELATION. */
export interface BatchedTest {
  sql: string;
  config: DataTestConfig;
  where: string;
}

/** The CTE name batched tests read their relation through. */
export const BATCH_RELATION = 'dbt_batch_relation';

/**
 * Several tests of one relation in a single query: the relation is read once through a CTE
 * (DuckDB materializes a CTE that is referenced more than once, so a view under test is computed
 * once instead of once per test) and each test's failure count is one scalar subquery. Counts,
 * and so verdicts, are exactly those of running the tests one by one. Not for store_failures.
 */
export async function runDataTestBatch(engine: Engine, relation: string, tests: readonly BatchedTest[], label?: string): Promise<{ outcomes: DataTestOutcome[]; sql: string }> {
  const judges = tests.map((t) => judgeFailures(t.config, t.where));
  const d = engine.dialect;
  const counts = tests.map((t, i) => `(select ${t.config.fail_calc ?? 'count(*)'} from ${body(withLimit(t.sql, t.config.limit))} dbt_internal_test) as ${d.quoteIdentifier(`t${i}`)}`);
  const sql = `with ${BATCH_RELATION} as (\n    select * from ${relation}\n)\nselect\n    ${counts.join(',\n    ')}`;
  const [row] = await engine.query(sql, { label });
  const outcomes = judges.map((judge, i) => ({ ...judge(Number(row?.[`t${i}`] ?? 0)), statements: [sql] }));
  return { outcomes, sql };
}

/** Keeps the test's query beside its failing rows, so they can be reproduced after the data moved on. */
async function recordQuery(log: StatementLog, request: DataTestRequest, storedRelation: string): Promise<void> {
  const d = log.engine.dialect;
  const table = rel(d, { schema: request.auditSchema, name: TEST_QUERIES_TABLE });
  const s = d.stringLiteral;
  await log.execute(`CREATE TABLE IF NOT EXISTS ${table} (test_name ${d.physicalType('STRING')}, unique_id ${d.physicalType('STRING')}, failures_relation ${d.physicalType('STRING')}, query ${d.physicalType('STRING')})`);
  await log.execute(
    transaction([
      `DELETE FROM ${table} WHERE unique_id = ${s(request.uniqueId)}`,
      `INSERT INTO ${table} (test_name, unique_id, failures_relation, query) VALUES (${s(request.name)}, ${s(request.uniqueId)}, ${s(storedRelation)}, ${s(request.sql)})`,
    ]),
  );
}

const CONDITION = /^\s*(==|=|!=|<>|>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Parses dbt's warn_if/error_if ('!=0', '>10', '>= 5') into a predicate on the failure count. */
export function condition(text: string, key: string, where: string): (failures: number) => boolean {
  const m = CONDITION.exec(text ?? '');
  if (!m) throw new InputError(`${where}: ${key} '${text}' is not a condition on the failure count (accepted: an operator =, !=, <>, >, >=, <, <= and a number, e.g. '>10')`);
  const limit = Number(m[2]);
  switch (m[1]) {
    case '=':
    case '==':
      return (n) => n === limit;
    case '!=':
    case '<>':
      return (n) => n !== limit;
    case '>':
      return (n) => n > limit;
    case '>=':
      return (n) => n >= limit;
    case '<':
      return (n) => n < limit;
    default:
      return (n) => n <= limit;
  }
}
