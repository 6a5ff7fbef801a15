import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
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
import { addBigQueryOptions, prepareTarget, targetOption, type BigQueryFlags } from '../../warehouse/targets.ts';

/**
 * `sim build`: models, seeds, snapshots and their tests in DAG order on the current landing
 * (dbt build); `--no-tests` is dbt's run. Also the flag set and helpers `sim test` and
 * `sim show` share (one place, so the three commands read the same flags the same way).
 */

export interface ModelFlags extends BigQueryFlags {
  select?: string[];
  exclude?: string[];
  threads: number;
  fullRefresh?: boolean;
  vars?: string;
  warehouse: string;
  target: string;
  projectDir?: string;
  json?: boolean;
  quiet?: boolean;
  tests?: boolean;
}

export function addModelOptions(cmd: Command, options: { selection?: boolean } = {}): Command {
  if (options.selection !== false) {
    cmd.option('-s, --select <selector...>', "nodes to run (dbt syntax: name, +name, name+, tag:x, path:x, config.materialized:x)").option('--exclude <selector...>', 'nodes to leave out (same syntax)');
  }
  cmd
    .option('--threads <n>', 'nodes run at the same time where the DAG allows (1..64)', intIn('--threads', 1, 64), 4)
    .option('--vars <yaml>', "vars as YAML or JSON, over the scenario's and dbt_project.yml's, e.g. '{as_of: 2024-06-30}'")
    .option('--warehouse <path>', 'DuckDB warehouse file holding the landing (see `sim run`)', './warehouse.duckdb')
    .addOption(targetOption())
    .option('--project-dir <dir>', 'model project (default: the current folder if it has dbt_project.yml, else the built-in project)')
    .option('--json', 'print the run results as JSON on stdout')
    .option('--quiet', 'no per-node lines (errors and the summary only)');
  return addBigQueryOptions(cmd);
}

export function registerBuild(program: Command): void {
  const cmd = program
    .command('build')
    .description('build models, seeds and snapshots and run their tests in DAG order on the current landing (dbt build); a failing test skips everything downstream')
    .option('--full-refresh', 'rebuild incremental models from scratch')
    .option('--no-tests', 'models, seeds and snapshots only (dbt run)');
  addModelOptions(cmd).addHelpText(
    'after',
    `
Scenario vars (as_of, start_date, end_date, seed) come from the landed scenario (landing._sim_meta);
--vars overrides them. Writes target/run_results.json (dbt's shape).

Examples:
  sim build
  sim build --select +fact_orders --threads 2
  sim build --select tag:marts --exclude dim_date
  sim build --no-tests --full-refresh

Exit codes: 0 ok (warnings included), 1 a data test failed, 2 a model/flag is wrong, 3 engine error.`,
  );
  cmd.action(async (flags: ModelFlags) => {
    await runModelCommand(flags.tests === false ? 'run' : 'build', flags);
  });
}

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

function intIn(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`${flag} must be an integer from ${min} to ${max}`);
    return n;
  };
}
