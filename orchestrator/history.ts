import fs from 'node:fs';
import path from 'node:path';
import type { TableContract } from '../contract/types.ts';
import type { Engine } from '../warehouse/engine.ts';
import type { RunReport } from './report.ts';

/**
 * Run history, kept twice: `target/runs/<run-id>/run.json` (the full report, next to the other
 * artifacts a dbt user looks for in target/) and one row per run in the warehouse
 * (`sim_runs.history`), so the history survives a wiped target/ and can be queried in SQL.
 * Run ids are a counter (0001, 0002, ...), one past the highest id either place has seen.
 */
export const HISTORY_SCHEMA = 'sim_runs';

export const historyTable: TableContract = {
  name: 'history',
  description: 'One row per pipeline run (sim, sim run, sim step, sim retry).',
  primaryKey: ['run_id'],
  columns: [
    { name: 'run_id', type: 'STRING', nullable: false, description: 'Counter, zero-padded.' },
    { name: 'command', type: 'STRING', nullable: false, description: 'run, step or retry.' },
    { name: 'status', type: 'STRING', nullable: false, description: 'success, failed (a data test failed) or error.' },
    { name: 'exit_code', type: 'INT64', nullable: false, description: 'The CLI exit code of the run.' },
    { name: 'started_at', type: 'TIMESTAMP', nullable: false, description: 'Wall-clock start of the run (describes the run, not the data).' },
    { name: 'seconds', type: 'FLOAT64', nullable: false, description: 'Wall-clock duration.' },
    { name: 'seed', type: 'INT64', nullable: true, description: 'Scenario seed.' },
    { name: 'as_of', type: 'DATE', nullable: true, description: 'Scenario as_of of the landing.' },
    { name: 'landed_rows', type: 'INT64', nullable: true, description: 'Rows landed (all landing tables), NULL when the run did not land.' },
    { name: 'report', type: 'STRING', nullable: false, description: 'The full run report as JSON (steps, node timings, digests, tests).' },
  ],
};

export function runsDir(targetDir: string): string {
  return path.join(targetDir, 'runs');
}

export function formatRunId(n: number): string {
  return String(n).padStart(4, '0');
}

/** The next run id: one past the highest in target/runs and in the warehouse history. */
export async function nextRunId(targetDir: string, engine?: Engine): Promise<string> {
  let max = 0;
  for (const name of listDirs(runsDir(targetDir))) if (/^\d+$/.test(name)) max = Math.max(max, Number(name));
  if (engine && (await hasHistory(engine))) {
    const [row] = await engine.query(`SELECT max(CAST(run_id AS ${engine.dialect.physicalType('INT64')})) AS n FROM ${historyRelation(engine)}`);
    if (typeof row?.n === 'number') max = Math.max(max, row.n);
  }
  return formatRunId(max + 1);
}

/** Writes target/runs/<id>/run.json (and a copy of the build's run_results.json when there is one). */
export function writeRunArtifacts(targetDir: string, report: RunReport): string {
  const dir = path.join(runsDir(targetDir), report.runId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'run.json'), `${JSON.stringify(report, null, 2)}\n`);
  const runResults = path.join(targetDir, 'run_results.json');
  if (fs.existsSync(runResults) && report.steps.some((s) => s.id !== 'generate+land' && s.status !== 'skipped')) {
    fs.copyFileSync(runResults, path.join(dir, 'run_results.json'));
  }
  return dir;
}

export async function recordRun(engine: Engine, report: RunReport): Promise<void> {
  const d = engine.dialect;
  await engine.ensureSchema(HISTORY_SCHEMA);
  const columns = historyTable.columns.map((c) => `${d.quoteIdentifier(c.name)} ${d.physicalType(c.type)}`).join(', ');
  await engine.execute(`CREATE TABLE IF NOT EXISTS ${historyRelation(engine)} (${columns})`);
  const seed = typeof report.scenario.seed === 'number' ? String(report.scenario.seed) : 'NULL';
  const asOf = typeof report.scenario.as_of === 'string' ? `DATE ${d.stringLiteral(report.scenario.as_of)}` : 'NULL';
  const values = [
    d.stringLiteral(report.runId),
    d.stringLiteral(report.command),
    d.stringLiteral(report.status),
    String(report.exitCode),
    // 'YYYY-MM-DD HH:MM:SS.sss' (UTC, no zone): a TIMESTAMP literal both DuckDB and BigQuery read as UTC
    `TIMESTAMP ${d.stringLiteral(report.startedAt.replace('T', ' ').replace('Z', ''))}`,
    String(report.seconds),
    seed,
    asOf,
    report.landing ? String(report.landing.rows) : 'NULL',
    d.stringLiteral(JSON.stringify(report)),
  ];
  await engine.execute(`INSERT INTO ${historyRelation(engine)} VALUES (${values.join(', ')})`);
}

export interface HistoryEntry {
  runId: string;
  command: string;
  status: string;
  exitCode: number;
  startedAt: string;
  seconds: number;
  seed: number | null;
  asOf: string | null;
  landedRows: number | null;
  report: RunReport;
}

/** The last `limit` runs, newest first, from the warehouse history (falling back to target/runs). */
export async function readHistory(targetDir: string, engine: Engine | undefined, limit: number): Promise<HistoryEntry[]> {
  if (engine && (await hasHistory(engine))) {
    const rows = await engine.query(`SELECT * FROM ${historyRelation(engine)} ORDER BY run_id DESC LIMIT ${Math.max(1, Math.floor(limit))}`);
    return rows.map((r) => ({
      runId: String(r.run_id),
      command: String(r.command),
      status: String(r.status),
      exitCode: Number(r.exit_code),
      startedAt: String(r.started_at),
      seconds: Number(r.seconds),
      seed: r.seed === null ? null : Number(r.seed),
      asOf: r.as_of === null ? null : String(r.as_of),
      landedRows: r.landed_rows === null ? null : Number(r.landed_rows),
      report: JSON.parse(String(r.report)) as RunReport,
    }));
  }
  return listDirs(runsDir(targetDir))
    .filter((name) => /^\d+$/.test(name))
    .sort()
    .reverse()
    .slice(0, limit)
    .flatMap((name) => {
      const file = path.join(runsDir(targetDir), name, 'run.json');
      if (!fs.existsSync(file)) return [];
      const report = JSON.parse(fs.readFileSync(file, 'utf8')) as RunReport;
      return [entryFromReport(report)];
    });
}

/** The most recent report in target/runs (what `sim retry` resumes from). */
export function lastRunReport(targetDir: string): RunReport | undefined {
  const last = listDirs(runsDir(targetDir))
    .filter((name) => /^\d+$/.test(name))
    .sort()
    .at(-1);
  if (!last) return undefined;
  const file = path.join(runsDir(targetDir), last, 'run.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as RunReport) : undefined;
}

function entryFromReport(report: RunReport): HistoryEntry {
  return {
    runId: report.runId,
    command: report.command,
    status: report.status,
    exitCode: report.exitCode,
    startedAt: report.startedAt,
    seconds: report.seconds,
    seed: typeof report.scenario.seed === 'number' ? report.scenario.seed : null,
    asOf: typeof report.scenario.as_of === 'string' ? report.scenario.as_of : null,
    landedRows: report.landing?.rows ?? null,
    report,
  };
}

async function hasHistory(engine: Engine): Promise<boolean> {
  return (await engine.listRelations(HISTORY_SCHEMA)).some((r) => r.name === historyTable.name);
}

function historyRelation(engine: Engine): string {
  return engine.dialect.relation(HISTORY_SCHEMA, historyTable.name);
}

function listDirs(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}
