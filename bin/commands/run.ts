import { Command, InvalidArgumentError } from 'commander';
import { TestFailureError } from '../../contract/errors.ts';
import { projectLayers } from '../../orchestrator/layers.ts';
import { createProgress, progressMode, type Progress } from '../../orchestrator/progress.ts';
import type { RunReport } from '../../orchestrator/report.ts';
import { defaultTargetDir, defaultWorkers, runPipeline, type BuildPlan } from '../../orchestrator/run.ts';
import { formatSummary } from '../../orchestrator/summary.ts';
import { checkWarehousePath } from '../../orchestrator/warehouse-path.ts';
import { simulate, type Scenario } from '../../simulator/index.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { selectNodes } from '../../warehouse/dag/select.ts';
import { loadProject } from '../../warehouse/project/load.ts';
import { addBigQueryOptions, bigqueryOptionsFromFlags, checkTargetFlags, openTarget, targetOption, type BigQueryFlags } from '../../warehouse/targets.ts';
import { addEnrichmentOptions, enrichmentOptionsFromFlags } from '../enrichment-options.ts';
import { addScenarioOptions, scenarioFromOptions } from '../scenario-options.ts';
import { resolveCatalog } from '../../simulator/enrichment/index.ts';
import { parseVarsFlag, resolveProjectDir } from '../../warehouse/project/locate.ts';
import { packageVersion } from '../version.ts';


/** Flags of the pipeline commands (`sim`/`sim run`, `sim step`, `sim retry`). */
export interface PipelineFlags extends BigQueryFlags {
  warehouse: string;
  target: string;
  json?: boolean;
  quiet?: boolean;
  batchSize: number;
  workers?: number;
  select?: string[];
  exclude?: string[];
  threads: number;
  fullRefresh?: boolean;
  vars?: string;
  projectDir?: string;
  [scenarioFlag: string]: unknown;
}

export function registerRun(program: Command): void {
  const run = program
    .command('run', { isDefault: true })
    .description('the whole pipeline (the default command): generate the seeded shop, land it atomically, then build and test each model layer, fail-fast');
  addScenarioOptions(run);
  addPipelineOptions(run);
  run.addHelpText(
    'after',
    `
Steps: generate -> land -> staging (models, then tests) -> marts -> consumption. A failing test
stops every later step; the summary lists what was skipped and why. Each run is recorded in
target/runs/<run-id>/ and the warehouse table sim_runs.history (see \`sim history\`).

Examples:
  sim --seed 42                               # into ./warehouse.duckdb
  sim run --seed 7 --scale medium --warehouse /tmp/shop.duckdb
  sim --seed 42 --json > summary.json         # the summary as JSON on stdout
  sim --seed 42 --faults 0.01                 # seeded data-quality faults for staging to clean
  sim --seed 42 --select none                 # generate and land only
  sim --seed 42 --target bigquery             # the same pipeline in BigQuery

Exit codes: 0 ok, 1 a data test failed, 2 bad input (nothing was changed), 3 engine error.`,
  );
  program.addHelpText(
    'after',
    `
With no command, sim runs \`sim run\`: generate -> land -> build -> test (\`sim run --help\` lists its flags).

Quick start:
  sim --seed 42                       # the whole pipeline into ./warehouse.duckdb
  sim --seed 42 --as-of 2025-06-30    # the shop as of a day...
  sim step                            # ...then the next day, incrementally
  sim history                         # the last runs
  sim build --select +fact_orders     # models only, on the current landing`,
  );
  run.action(async (flags: PipelineFlags) => {
    const scenario = scenarioFromOptions(flags);
    await runPipelineCommand('run', scenario, flags);
  });
}

/** The warehouse, output and model flags shared by run, step and retry. */
export function addPipelineOptions(cmd: Command): Command {
  cmd
    .option('--warehouse <path>', 'DuckDB warehouse file (or :memory:)', './warehouse.duckdb')
    .addOption(targetOption())
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress output (errors and the summary only)')
    .option('--batch-size <rows>', 'rows per landing batch (1000..1048576)', intIn('--batch-size', 1000, 1 << 20), 65_536)
    .option('--workers <n>', 'generator threads beside the loader, 0 = generate on the main thread (0..16; default: 1 from 100,000 customers, else 0)', intIn('--workers', 0, 16))
    .option('-s, --select <selector...>', "models to build after landing (dbt syntax); 'none' = land only")
    .option('--exclude <selector...>', 'models to leave out (dbt syntax)')
    .option('--threads <n>', 'models built at the same time where the DAG allows (1..64)', intIn('--threads', 1, 64), 4)
    .option('--full-refresh', 'rebuild incremental models from scratch')
    .option('--vars <yaml>', "model vars as YAML or JSON, over the scenario's and dbt_project.yml's")
    .option('--project-dir <dir>', 'model project (default: the current folder if it has dbt_project.yml, else the built-in project)');
  addEnrichmentOptions(cmd);
  return addBigQueryOptions(cmd);
}

/** What the pipeline needs once the flags are validated. Throws InputError; touches nothing. */
export async function preparePipeline(scenario: Scenario, flags: PipelineFlags, only?: ReadonlySet<string>): Promise<{ build?: BuildPlan; progress: Progress }> {
  checkTargetFlags(flags.target, flags);
  if (flags.target === 'duckdb') checkWarehousePath(flags.warehouse);
  const build = await planBuild(flags, only);
  return { build, progress: createProgress(progressMode({ quiet: flags.quiet })) };
}

/** Validates everything, runs the pipeline, prints the summary and sets the exit code. */
export async function runPipelineCommand(
  command: string,
  scenario: Scenario,
  flags: PipelineFlags,
  extra: { land?: boolean; only?: ReadonlySet<string>; engine?: Engine } = {},
): Promise<RunReport> {
  let prepared: Awaited<ReturnType<typeof preparePipeline>>;
  let catalog: Awaited<ReturnType<typeof resolveCatalog>> | undefined;
  try {
    prepared = await preparePipeline(scenario, flags, extra.only);
    // The product catalog (built-in, or Gemini's: cached or fetched) is settled before anything is
    // generated or touched: a missing GEMINI_API_KEY or a failed fetch stops the run here.
    catalog = extra.land === false ? undefined : await resolveCatalog(scenario, enrichmentOptionsFromFlags(flags));
  } catch (error) {
    await extra.engine?.close();
    throw error;
  }
  const { build, progress } = prepared;
  const report = await runPipeline({
    command,
    scenario,
    land: extra.land,
    // an engine the command already opened (sim step read the landed scenario with it) is reused:
    // opening the same file twice in one process is not something DuckDB promises to allow
    openEngine: async () => extra.engine ?? openTarget({ target: flags.target, warehouse: flags.warehouse, bigquery: bigqueryOptionsFromFlags(flags) }),
    target: flags.target,
    warehouse: flags.target === 'duckdb' ? flags.warehouse : 'bigquery',
    targetDir: defaultTargetDir(),
    simulate: (s) => simulate(s, { batchSize: flags.batchSize, workers: flags.workers ?? defaultWorkers(s), catalog }),
    build,
    progress,
    version: packageVersion(),
  });
  printReport(report, flags);
  return report;
}

export function printReport(report: RunReport, flags: { json?: boolean }): void {
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatSummary(report));
  if (report.exitCode === 1) throw new TestFailureError(`data tests failed in run ${report.runId}; later steps were skipped (see the summary)`);
  if (report.exitCode !== 0) {
    const node = report.steps.flatMap((s) => s.nodes).find((n) => n.status === 'error');
    const what = node ? `${node.id} errored${node.message ? `: ${headline(node.message)}` : ''}` : `run ${report.runId} failed`;
    process.stderr.write(`error: ${what}; later steps were skipped (fix it, then \`sim retry\`)\n`);
  }
  process.exitCode = report.exitCode;
}

/** The first two lines of a node error (where, then what) as one line. */
function headline(message: string): string {
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 2)
    .join(': ');
}

async function planBuild(flags: PipelineFlags, only?: ReadonlySet<string>): Promise<BuildPlan | undefined> {
  if (flags.select?.length === 1 && flags.select[0] === 'none') return undefined;
  const vars = parseVarsFlag(flags.vars);
  const project = await loadProject(resolveProjectDir(flags.projectDir), { vars });
  let selected = flags.select || flags.exclude ? new Set(selectNodes(project, { select: flags.select, exclude: flags.exclude })) : undefined;
  if (only) selected = new Set([...(selected ?? project.nodes.keys())].filter((id) => only.has(id)));
  const layers = projectLayers(project, selected);
  return { project, layers, target: { name: flags.target, type: flags.target, schema: 'main' }, threads: flags.threads, fullRefresh: flags.fullRefresh, vars };
}

export function intIn(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} must be an integer from ${min} to ${max}`);
    }
    return n;
  };
}

