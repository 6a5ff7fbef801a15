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
 * Every subcommand registers itself here. Keep one file per command in this folder; a command
 * parses flags and calls into simulator/, warehouse/ or orchestrator/ — no business logic here.
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
