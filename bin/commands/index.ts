import type { Command } from 'commander';
import { registerAirflow } from './airflow.ts';
import { registerBuild } from './build.ts';
import { registerCheck } from './check.ts';
import { registerHistory } from './history.ts';
import { registerCompile } from './compile.ts';
import { registerDocs } from './docs.ts';
import { registerInit } from './init.ts';
import { registerLs } from './ls.ts';
import { registerReconcile } from './reconcile.ts';
import { registerRetry } from './retry.ts';
import { registerRun } from './run.ts';
import { registerScenario } from './scenario.ts';
import { registerShow } from './show.ts';
import { registerStep } from './step.ts';
import { registerTest } from './test.ts';

/**
 * Every subcommand registers itself here. Keep one file per command in this folder; it declares
 * the flags, help text and examples, and its action does `await import('../actions/<name>.ts')`,
 * which calls into simulator/, warehouse/ or orchestrator/ — no business logic here. Every
 * command module is loaded for `sim --help`, so import nothing heavy at the top of one
 * (bin/cli-start.test.ts fails if an engine, SDK or action module loads for --help).
 */
const registrations: Array<(program: Command) => void> = [
  // (commands are added here, one import each)
  registerAirflow,
  registerBuild,
  registerCheck,
  registerHistory,
  registerCompile,
  registerDocs,
  registerInit,
  registerLs,
  registerReconcile,
  registerRetry,
  registerRun,
  registerScenario,
  registerShow,
  registerStep,
  registerTest,
];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
