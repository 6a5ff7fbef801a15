import fs from 'node:fs';
import { InputError } from '../../contract/errors.ts';
import { HISTORY_SCHEMA } from '../../orchestrator/history.ts';
import { formatReconcile, reconcile } from '../../warehouse/bigquery/reconcile/reconcile.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { bigqueryOptionsFromFlags, openTarget } from '../../warehouse/targets.ts';
import type { ReconcileFlags } from '../commands/reconcile.ts';

/** `sim reconcile`: the local DuckDB build against the remote one, table by table. */
export async function reconcileCommand(flags: ReconcileFlags): Promise<void> {
  if (flags.warehouse !== ':memory:' && !fs.existsSync(flags.warehouse)) {
    throw new InputError(`--warehouse ${flags.warehouse} does not exist; build the same seed locally first (sim --seed 42) or pass the file that holds it`);
  }
  const bigquery = bigqueryOptionsFromFlags(flags);
  // The remote first: missing credentials fail before the local file is even opened.
  const remote = await openTarget({ target: flags.target, warehouse: flags.warehouse, bigquery });
  let local: Engine | undefined;
  try {
    local = await openTarget({ target: 'duckdb', warehouse: flags.warehouse });
    // Run history differs by nature (each warehouse records its own runs).
    const report = await reconcile(local, remote, { local: 'duckdb', remote: flags.target, skipSchemas: [HISTORY_SCHEMA] });
    if (flags.dryRun) return; // the engine printed the priced statements
    process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReconcile(report, { onlyDifferences: flags.differencesOnly }));
    if (!report.ok) process.exitCode = 1;
  } finally {
    await local?.close();
    await remote.close();
  }
}
