import type { PipelineFlags } from '../commands/run.ts';
import { scenarioFromOptions } from './scenario-from-options.ts';

/**
 * `sim run`: the scenario from the flags first, so a bad scenario flag, variable or file is one
 * line before the pipeline's modules (simulator, DuckDB, BigQuery, Gemini) are even imported.
 */
export async function runCommand(flags: PipelineFlags): Promise<void> {
  const scenario = scenarioFromOptions(flags);
  const { runPipelineCommand } = await import('./pipeline.ts');
  await runPipelineCommand('run', scenario, flags);
}
