import fs from 'node:fs';
import { InputError } from '../../contract/errors.ts';
import { readLandingMeta } from '../../orchestrator/land.ts';
import { steppedScenario } from '../../orchestrator/step.ts';
import { checkWarehousePath } from '../../orchestrator/warehouse-path.ts';
import { bigqueryOptionsFromFlags, openTarget } from '../../warehouse/targets.ts';
import type { StepFlags } from '../commands/step.ts';
import { runPipelineCommand } from './pipeline.ts';

/** `sim step`: the landed scenario's as_of moved on by --days, then the pipeline, incrementally. */
export async function stepCommand(flags: StepFlags): Promise<void> {
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
}
