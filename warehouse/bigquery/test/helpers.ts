import './loopback-guard.ts';
import { main } from '../../../bin/cli.ts';
import { allocateBatch, columnKind, type LandingBatch } from '../../../contract/batch.ts';
import type { TableContract } from '../../../contract/types.ts';
import { resolveBigQueryConfig, type BigQueryOptions } from '../config.ts';
import { BigQueryEngine, type BigQueryEngineOptions } from '../engine.ts';
import { fakeAuthClient, type FakeBigQuery } from './fake-bigquery.ts';

/**
 * A batch from plain rows, in the batch encodings (contract/batch.ts): NUMERIC given as a decimal
 * number is scaled to cents, TIMESTAMP given as ISO text becomes microseconds, DATE text days.
 */
export function batchOf(table: TableContract, rows: Record<string, unknown>[]): LandingBatch {
  const batch = allocateBatch(table, rows.length);
  table.columns.forEach((col, c) => {
    const data = batch.columns[c];
    rows.forEach((row, r) => {
      const v = row[col.name];
      const kind = columnKind(col);
      if (kind === 'string') (data as (string | null)[])[r] = v === undefined || v === null ? null : String(v);
      else if (kind === 'enum') (data as Uint8Array)[r] = v === null || v === undefined ? 255 : col.enumValues!.indexOf(String(v));
      else {
        let n = NaN;
        if (v !== null && v !== undefined) {
          if (col.type === 'NUMERIC') n = Math.round(Number(v) * 10 ** (col.scale ?? 2));
          else if (col.type === 'TIMESTAMP') n = Date.parse(String(v)) * 1000;
          else if (col.type === 'DATE') n = Date.parse(`${v}T00:00:00Z`) / 86_400_000;
          else n = Number(v);
        }
        (data as Float64Array)[r] = n;
      }
    });
  });
  batch.rowCount = rows.length;
  return batch;
}

export interface TestEngine {
  engine: BigQueryEngine;
  sleeps: number[];
  report: string[];
}

/** A real BigQueryEngine (real client) pointed at the fake server, with recorded sleeps and report lines. */
export async function openTestEngine(fake: FakeBigQuery, options: BigQueryOptions = {}, extra: Partial<BigQueryEngineOptions> = {}): Promise<TestEngine> {
  const sleeps: number[] = [];
  const report: string[] = [];
  const config = resolveBigQueryConfig({ project: 'test-project', ...options });
  const engine = await BigQueryEngine.open({
    config,
    runId: 'run42',
    authClient: fakeAuthClient(),
    apiEndpoint: fake.url,
    sleep: async (ms) => void sleeps.push(ms),
    report: (line) => void report.push(line),
    ...extra,
  });
  return { engine, sleeps, report };
}

/** Runs the `sim` CLI in this process, capturing stdout and stderr, and returns its exit code. */
export async function runSim(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  process.exitCode = undefined;
  try {
    return { code: await main(['node', 'sim', ...args]), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
  }
}
