import type { NodeResult } from '../warehouse/artifacts/run-results.ts';
import type { Engine } from '../warehouse/engine.ts';
import type { Project, TargetInfo } from '../warehouse/project/types.ts';
import { build, type BuildOptions } from '../warehouse/runner/build.ts';
import type { Layer } from './layers.ts';
import type { Progress } from './progress.ts';
import type { NodeOutcome, StepReport } from './report.ts';

export interface BuildStageOptions {
  target: TargetInfo;
  /** Nodes at the same time; undefined: the engine's default (see build()). */
  threads?: number;
  fullRefresh?: boolean;
  vars?: Record<string, unknown>;
  progress: Progress;
  /** The runner's retries of a node after a transient engine error (the engine backs off too). */
  retries: number;
  /** Each node error as thrown (to tell bad model SQL, exit 2, from engine failures, exit 3). */
  onError?: (error: unknown) => void;
}

export interface BuildStageResult {
  steps: StepReport[];
  skipped: Array<{ id: string; reason: string }>;
  /** Every node's result in run order, skipped ones included (what target/run_results.json holds). */
  results: NodeResult[];
}

/**
 * The model half of the pipeline: for each layer, build its models (and seeds, snapshots), then
 * run its tests; a test that fails or a node that errors stops every later step (fail-fast), and
 * each node not run is reported with the reason. Warnings do not stop anything.
 */
export async function buildLayers(engine: Engine, project: Project, layers: Layer[], options: BuildStageOptions): Promise<BuildStageResult> {
  const steps: StepReport[] = [];
  const skipped: BuildStageResult['skipped'] = [];
  const results: NodeResult[] = [];
  let stoppedBy: string | undefined;

  for (const layer of layers) {
    for (const [kind, ids] of [
      ['build', layer.nodes],
      ['test', layer.tests],
    ] as const) {
      if (ids.length === 0) continue;
      const id = `${layer.name}:${kind}`;
      if (stoppedBy) {
        const reason = `skipped: ${stoppedBy}`;
        steps.push({ id, status: 'skipped', seconds: 0, message: stoppedBy, nodes: ids.map((n) => skippedOutcome(project, n, reason)) });
        for (const n of ids) {
          skipped.push({ id: n, reason: stoppedBy });
          results.push(skippedResult(n, reason));
        }
        continue;
      }
      const step = await runStep(engine, project, id, kind, ids, options);
      steps.push(step.report);
      results.push(...step.results);
      for (const node of step.report.nodes.filter((n) => n.status === 'skipped')) skipped.push({ id: node.id, reason: node.message ?? 'skipped' });
      if (step.report.status === 'fail' || step.report.status === 'error') {
        const culprit = step.report.nodes.find((n) => n.status === 'fail' || n.status === 'error')!;
        stoppedBy = `${id} ${culprit.status === 'fail' ? 'failed' : 'errored'} (${shortName(culprit.id)})`;
      }
    }
  }
  return { steps, skipped, results };
}

async function runStep(
  engine: Engine,
  project: Project,
  id: string,
  kind: 'build' | 'test',
  ids: string[],
  options: BuildStageOptions,
): Promise<{ report: StepReport; results: NodeResult[] }> {
  const { progress } = options;
  const started = performance.now();
  progress.begin(id, ids.length, kind === 'build' ? 'nodes' : 'tests');
  let done = 0;
  const buildOptions: BuildOptions = {
    target: options.target,
    // exact names: the layer decided which nodes belong here (no indirect selection to widen it)
    select: ids.map((n) => project.nodes.get(n)!.name),
    mode: kind === 'build' ? 'run' : 'test',
    threads: options.threads,
    fullRefresh: options.fullRefresh,
    vars: options.vars,
    retries: options.retries,
    onEvent: (event) => {
      if (event.type === 'node-start') progress.update(done, event.name);
      if (event.type !== 'node-finish') return;
      progress.update(++done, event.name);
      if (event.error !== undefined) options.onError?.(event.error);
    },
  };
  const run = await build(engine, project, buildOptions);
  const wanted = new Set(ids);
  const results = run.results.filter((r) => wanted.has(r.unique_id));
  const nodes = results.map((r) => outcome(project, r));
  const status = nodes.some((n) => n.status === 'error') ? 'error' : nodes.some((n) => n.status === 'fail') ? 'fail' : nodes.some((n) => n.status === 'warn') ? 'warn' : 'success';
  const seconds = Math.round(performance.now() - started) / 1000;
  progress.end(`${status} (${nodes.length} ${kind === 'build' ? 'nodes' : 'tests'}, ${seconds.toFixed(1)} s)`);
  for (const n of nodes.filter((x) => x.status === 'fail' || x.status === 'error' || x.status === 'warn')) progress.node(shortName(n.id), `${n.status}${n.message ? `: ${n.message.split('\n')[0]}` : ''}`);
  return { report: { id, status, seconds, nodes }, results };
}

function outcome(project: Project, r: NodeResult): NodeOutcome {
  const kind = project.nodes.get(r.unique_id)?.resourceType ?? r.unique_id.split('.')[0];
  const out: NodeOutcome = { id: r.unique_id, kind, status: r.status, seconds: r.execution_time };
  const rows = r.adapter_response.rows_affected;
  if (typeof rows === 'number') out.rows = rows;
  if (r.status !== 'success' && r.status !== 'pass' && r.message) out.message = r.message;
  if (kind === 'test' && r.failures) out.message = `${r.failures} failing row${r.failures === 1 ? '' : 's'}${r.message ? `: ${r.message}` : ''}`;
  return out;
}

function skippedOutcome(project: Project, id: string, reason: string): NodeOutcome {
  return { id, kind: project.nodes.get(id)?.resourceType ?? 'node', status: 'skipped', seconds: 0, message: reason };
}

function skippedResult(id: string, message: string): NodeResult {
  return { unique_id: id, status: 'skipped', timing: [], thread_id: 'main', execution_time: 0, adapter_response: {}, message, failures: null, compiled: false, relation_name: null, batch_results: null };
}

function shortName(uniqueId: string): string {
  return uniqueId.split('.').slice(2).join('.') || uniqueId;
}
