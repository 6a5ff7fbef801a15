import { Command } from 'commander';
import { readLandingMeta } from '../../orchestrator/land.ts';
import { steppedScenario } from '../../orchestrator/step.ts';
import { checkWarehousePath } from '../../orchestrator/warehouse-path.ts';
import { InputError } from '../../contract/errors.ts';
import { bigqueryOptionsFromFlags, openTarget } from '../../warehouse/targets.ts';
import { addPipelineOptions, intIn, runPipelineCommand, type PipelineFlags } from './run.ts';
import fs from 'node:fs';

export function registerStep(program: Command): void {
  const cmd = program
    .command('step')
    .description("advance the landed scenario's as_of by N days and run the pipeline incrementally, as a daily scheduler would")
    .option('--days <n>', 'days to advance as_of (1..3660)', intIn('--days', 1, 3660), 1);
  addPipelineOptions(cmd).addHelpText(
    'after',
    `
The scenario (seed, dates, sizes) is read from the warehouse's landing (landing._sim_meta); only
as_of moves, and it must stay within the scenario's end_date. Incremental models pick up the new
and updated orders. Landing as of D after a step equals a fresh run as of D.

Examples:
  sim --seed 42 --as-of 2025-06-30 && sim step      # one day, as a daily schedule would
  sim step --days 7 --json`,
  );
  cmd.action(async (flags: PipelineFlags & { days: number }) => {
    if (flags.target === 'duckdb') {
      checkWarehousePath(flags.warehouse);
      if (!fs.existsSync(flags.warehouse)) throw new InputError(`--warehouse ${flags.warehouse} does not exist; land a scenario first (sim --seed 42 --as-of 2025-06-30)`);
    }
    const engine = await openTarget({ target: flags.target, warehouse: flags.warehouse, bigquery: bigqueryOptionsFromFlags(flags) });
    let scenario;
    try {
      scenario = steppedScenario(await readLandingMeta(engine), flags.days, flags.warehouse);
    } catch (error) {
      await engine.close();
      throw error;
    }
    await runPipelineCommand('step', scenario, flags, { engine });
  });
}
