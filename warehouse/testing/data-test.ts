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
  const warnIf = condition(config.warn_if, 'warn_if', request.where);
  const errorIf = condition(config.error_if, 'error_if', request.where);
  const log = new StatementLog(engine, request.uniqueId);
  const d = engine.dialect;
  const limited = config.limit ? `${request.sql.trim().replace(/;\s*$/, '')}\nlimit ${Math.trunc(config.limit)}` : request.sql;
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
  const failures = Number(rows[0]?.failures ?? 0);
  const status: TestStatus = config.severity === 'error' && errorIf(failures) ? 'fail' : warnIf(failures) ? 'warn' : 'pass';
  const found = `Got ${failures} result${failures === 1 ? '' : 's'}, configured to ${status === 'fail' ? `fail if ${config.error_if}` : `warn if ${config.warn_if}`}`;
  const stored = storedIn ? `; failing rows in ${storedIn} (select * from ${storedIn})` : '';
  return { status, failures, message: status === 'pass' ? `PASS${stored}` : `${found}${stored}`, storedIn, statements: log.statements };
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
