import { Command, CommanderError } from 'commander';
import { exitCodeOf } from '../contract/errors.ts';
import { EngineError } from '../warehouse/engine.ts';
import { registerCommands } from './commands/index.ts';
import { packageVersion } from './version.ts';

/** Builds the `sim` program. Each subcommand lives in `bin/commands/<name>.ts`. */
export function buildProgram(): Command {
  const program = new Command('sim')
    .description('ecom-sim: a deterministic e-commerce shop simulator and dbt-style warehouse builder (DuckDB locally, BigQuery for the real run).')
    .version(packageVersion(), '-V, --version', 'print the version of ecom-sim')
    .option('--verbose', 'print stack traces and engine details on errors')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerCommands(program);
  return program;
}

/** Runs the CLI and returns the exit code (0 ok, 1 tests failed, 2 bad input, 3 engine error). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its message; help and version exit 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    const verbose = argv.includes('--verbose');
    const message = error instanceof Error ? error.message : String(error);
    // One line: what is wrong and what to do next; the stack only on request.
    const hint = (error as { hint?: string })?.hint;
    // Engine errors carry the engine's own message; anything else unexpected is a bug worth a stack.
    const unexpected = exitCodeOf(error) === 3 && !(error instanceof EngineError);
    const next = hint ? ` (${hint})` : unexpected && !verbose ? ' (run again with --verbose for the stack)' : '';
    process.stderr.write(`error: ${message}${next}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return exitCodeOf(error);
  }
}
