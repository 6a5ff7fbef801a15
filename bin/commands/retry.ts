import { Command } from 'commander';
import { defaultTargetDir } from '../../orchestrator/run.ts';
import { planRetry } from '../../orchestrator/retry.ts';
import type { Scenario } from '../../simulator/index.ts';
import { addPipelineOptions, runPipelineCommand, type PipelineFlags } from './run.ts';

export function registerRetry(program: Command): void {
  const cmd = program
    .command('retry')
    .description('re-run only what failed or was skipped in the last run (from target/run_results.json), on the current landing');
  addPipelineOptions(cmd).addHelpText(
    'after',
    `
If the last run failed before its landing was committed, the whole pipeline runs again with the
same scenario. Otherwise the landing stays as it is and only the failed, errored and skipped
models and tests run, layer by layer, fail-fast, in the warehouse of that run (unless
--warehouse/--target say otherwise).

Examples:
  sim --seed 42 || sim retry
  sim retry --json`,
  );
  cmd.action(async (flags: PipelineFlags, command: Command) => {
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
  });
}
