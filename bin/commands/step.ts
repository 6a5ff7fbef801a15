import { Command } from 'commander';
import { addPipelineOptions, intIn, type PipelineFlags } from './run.ts';

export type StepFlags = PipelineFlags & { days: number };

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
  cmd.action(async (flags: StepFlags) => (await import('../actions/step.ts')).stepCommand(flags));
}
