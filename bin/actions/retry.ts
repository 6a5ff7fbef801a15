import type { Command } from 'commander';
import { planRetry } from '../../orchestrator/retry.ts';
import { defaultTargetDir } from '../../orchestrator/run.ts';
import type { Scenario } from '../../simulator/index.ts';
import type { PipelineFlags } from '../commands/run.ts';
import { runPipelineCommand } from './pipeline.ts';

/** `sim retry`: the failed and skipped part of the last run, or the whole run if it never landed. */
export async function retryCommand(flags: PipelineFlags, command: Command): Promise<void> {
  const plan = planRetry(defaultTargetDir());
  // the warehouse of the run being retried, unless the flags name another
  if (command.getOptionValueSource('target') === 'default') flags.target = plan.last.target;
  if (command.getOptionValueSource('warehouse') === 'default' && plan.last.target === 'duckdb') flags.warehouse = plan.last.warehouse;
  const scenario = plan.last.scenario as unknown as Scenario;
  if (plan.kind === 'nothing') {
    process.stdout.write(flags.json ? `${JSON.stringify({ runId: plan.last.runId, status: plan.last.status, retried: [] })}\n` : `run ${plan.last.runId} has nothing to retry (status ${plan.last.status})\n`);
    return;
  }
  if (plan.kind === 'pipeline') {
    await runPipelineCommand('retry', scenario, flags);
    return;
  }
  await runPipelineCommand('retry', scenario, flags, { land: false, only: plan.ids });
}
