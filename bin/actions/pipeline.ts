import { TestFailureError } from '../../contract/errors.ts';
import { projectLayers } from '../../orchestrator/layers.ts';
import { createProgress, progressMode, type Progress } from '../../orchestrator/progress.ts';
import type { RunReport } from '../../orchestrator/report.ts';
import { defaultTargetDir, defaultWorkers, runPipeline, type BuildPlan } from '../../orchestrator/run.ts';
import { formatSummary } from '../../orchestrator/summary.ts';
import { checkWarehousePath } from '../../orchestrator/warehouse-path.ts';
import { resolveCatalog } from '../../simulator/enrichment/index.ts';
import { simulate, type Scenario } from '../../simulator/index.ts';
import { selectNodes } from '../../warehouse/dag/select.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { loadProject } from '../../warehouse/project/load.ts';
import { parseVarsFlag, resolveProjectDir } from '../../warehouse/project/locate.ts';
import { bigqueryOptionsFromFlags, checkTargetFlags, openTarget } from '../../warehouse/targets.ts';
import type { PipelineFlags } from '../commands/run.ts';
import { enrichmentOptionsFromFlags } from '../enrichment-options.ts';
import { packageVersion } from '../version.ts';

// The half of `sim run`, `sim step` and `sim retry` that runs the pipeline: it imports the
// simulator and every engine, so the commands import it once their own input is checked.

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
