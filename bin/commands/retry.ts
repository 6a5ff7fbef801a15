import { Command } from 'commander';
import { addPipelineOptions, type PipelineFlags } from './run.ts';

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
  cmd.action(async (flags: PipelineFlags, command: Command) => (await import('../actions/retry.ts')).retryCommand(flags, command));
}
