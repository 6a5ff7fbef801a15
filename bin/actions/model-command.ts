import fs from 'node:fs';
import path from 'node:path';
import { InputError, TestFailureError } from '../../contract/errors.ts';
import { writeRunResults, type RunResults } from '../../warehouse/artifacts/run-results.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { loadProject } from '../../warehouse/project/load.ts';
import { parseVarsFlag, resolveProjectDir } from '../../warehouse/project/locate.ts';
import type { Project, TargetInfo } from '../../warehouse/project/types.ts';
import { relationFor } from '../../warehouse/render/compile.ts';
import { build, type BuildMode, type RunEvent } from '../../warehouse/runner/build.ts';
import { isInputFailure } from '../../warehouse/runner/errors.ts';
import { exitCodeOfRun, formatEvent, formatSummary } from '../../warehouse/runner/report.ts';
import { prepareTarget } from '../../warehouse/targets.ts';
import type { ModelFlags } from '../commands/build.ts';

/** Shared by `sim build` and `sim test`: validate, load, open, run, write artifacts, print, exit code. */
export async function runModelCommand(mode: BuildMode, flags: ModelFlags): Promise<void> {
  const ctx = await openModelCommand(flags);
  const errors: unknown[] = [];
  let run: RunResults;
  try {
    run = await build(ctx.engine, ctx.project, {
      target: ctx.target,
      select: flags.select,
      exclude: flags.exclude,
      threads: flags.threads,
      fullRefresh: flags.fullRefresh,
      vars: ctx.vars,
      mode,
      onEvent: (event) => {
        if (event.type === 'node-finish' && event.error) errors.push(event.error);
        if (!flags.quiet && !flags.json) printEvent(event, ctx);
      },
    });
  } finally {
    await ctx.engine.close();
  }
  writeRunResults(ctx.targetDir, run);
  process.stdout.write(flags.json ? `${JSON.stringify(run, null, 2)}\n` : formatSummary(run));
  const code = exitCodeOfRun(run, errors, isInputFailure);
  if (code === 1) throw new TestFailureError(`${run.results.filter((r) => r.status === 'fail').length} test(s) failed; the nodes downstream were skipped (see above)`);
  if (code !== 0) process.exitCode = code;
}

export interface ModelCommandContext {
  engine: Engine;
  project: Project;
  target: TargetInfo;
  vars?: Record<string, unknown>;
  targetDir: string;
}

/** Everything that can be wrong in the input is checked here, before the warehouse is opened. */
export async function openModelCommand(flags: ModelFlags): Promise<ModelCommandContext> {
  const vars = parseVarsFlag(flags.vars);
  const prepared = prepareTarget(flags);
  const projectDir = resolveProjectDir(flags.projectDir);
  const project = await loadProject(projectDir, { vars });
  if (prepared.name === 'duckdb' && flags.warehouse !== ':memory:' && !fs.existsSync(flags.warehouse)) {
    throw new InputError(`--warehouse ${flags.warehouse} does not exist; land a scenario first (sim run --seed 42) or pass the file that holds one`);
  }
  const engine = await prepared.open();
  const target: TargetInfo = { name: flags.target, type: engine.dialect.name, schema: 'main' };
  // dbt writes into the project's target-path; the built-in project writes into ./target instead of the install folder.
  const targetDir = flags.projectDir ? path.resolve(projectDir, project.config.targetPath || 'target') : path.resolve('target');
  return { engine, project, target, vars, targetDir };
}

function printEvent(event: RunEvent, ctx: ModelCommandContext): void {
  const line = formatEvent(event, (id) => relationLabel(ctx.project, ctx.target, id));
  if (line) process.stderr.write(`${line}\n`);
}

function relationLabel(project: Project, target: TargetInfo, id: string): string {
  const node = project.nodes.get(id);
  if (!node) return project.unitTests.get(id)?.name ?? id;
  if (node.resourceType === 'test') return node.name;
  const relation = relationFor(node, target);
  return `${relation.schema}.${relation.identifier}`;
}
