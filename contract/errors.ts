/**
 * Errors that map to the CLI's exit codes (DESIGN.md, "CLI conventions"):
 * 0 ok, 1 data tests failed, 2 bad input or usage, 3 engine or network error.
 * Anything thrown that is none of these is a bug and exits 3 with its stack under --verbose.
 */

/** Bad input: a flag, a scenario field, a model file, credentials. Exit code 2. */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Data tests failed (severity error). Exit code 1. */
export class TestFailureError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'TestFailureError';
  }
}

export function exitCodeOf(error: unknown): number {
  if (error && typeof error === 'object' && 'exitCode' in error && typeof error.exitCode === 'number') return error.exitCode;
  return 3;
}
