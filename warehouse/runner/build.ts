import { randomUUID } from 'node:crypto';
import { DEFAULT_THREADS, type Engine } from '../engine.ts';
import { runResults, type NodeResult, type RunResults } from '../artifacts/run-results.ts';
import { selectNodes } from '../dag/select.ts';
import type { ExecutableNode, Project, TargetInfo } from '../project/types.ts';
import type { NodeRunContext } from './nodes.ts';
import { planBuild } from './plan.ts';
import { readScenarioVars } from './scenario.ts';
import { describe, schedule } from './schedule.ts';
import { runUnitTestPhase } from './unit-phase.ts';

/**
 * The build API (`sim build`, `sim test`, and the pipeline's build step): selects nodes, plans
 * them in DAG order, runs up to `threads` at a time, and returns dbt-shaped run results. A node
 * that errors or a test that fails skips everything waiting on it, with the cause in the
 * message; nodes already built stay as they were.
 */

export type BuildMode = 'build' | 'run' | 'test';

export interface BuildOptions {
  target: TargetInfo;
  select?: string[];
  exclude?: string[];
  /** Nodes running at the same time (default: the engine's defaultThreads(), else DEFAULT_THREADS). */
  threads?: number;
  fullRefresh?: boolean;
  /** --vars; override the scenario's vars, which override dbt_project.yml's. */
  vars?: Record<string, unknown>;
  /** 'build': models, seeds, snapshots and tests; 'run': without tests (`--no-tests`); 'test': tests only. */
  mode?: BuildMode;
  /** Retries of a node after a transient engine error (default 0). */
  retries?: number;
  /**
   * Run the generic tests of one relation as one query (default true): a view under test is
   * then computed once, not once per test. Counts and verdicts are the same either way.
   */
  batchTests?: boolean;
  /** Run the selected models' unit tests first (modes build and test; default true). */
  unitTests?: boolean;
  /** Where landing._sim_meta lives (default: the landing schema). */
  landingSchema?: string;
  onEvent?: (event: RunEvent) => void;
}

export type RunEvent =
  | { type: 'plan'; nodes: Array<{ uniqueId: string; name: string; resourceType: string }>; vars: Record<string, unknown> }
  | { type: 'node-start'; uniqueId: string; name: string; resourceType: string; index: number; total: number }
  | { type: 'node-finish'; uniqueId: string; name: string; resourceType: string; index: number; total: number; result: NodeResult; error?: unknown };

const RESOURCE_TYPES = {
  build: ['model', 'seed', 'snapshot', 'test'],
  run: ['model', 'seed', 'snapshot'],
  test: ['test'],
} as const;

export async function build(engine: Engine, project: Project, options: BuildOptions): Promise<RunResults> {
  const started = performance.now();
  const mode = options.mode ?? 'build';
  const scenario = await readScenarioVars(engine, options.landingSchema);
  const cliVars = { ...scenario, ...(options.vars ?? {}) };
  const vars = { ...project.config.vars, ...cliVars };
  const selected = selectNodes(project, { select: options.select, exclude: options.exclude, resourceTypes: [...RESOURCE_TYPES[mode]] }).filter(
    (id) => isExecuted(project.nodes.get(id)),
  );
  const plan = planBuild(project, selected);
  const unitIds = mode === 'run' || options.unitTests === false ? [] : selectNodes(project, { select: options.select, exclude: options.exclude, resourceTypes: ['unit_test'] });
  options.onEvent?.({ type: 'plan', nodes: [...unitIds.map((id) => ({ uniqueId: id, name: project.unitTests.get(id)!.name, resourceType: 'unit_test' })), ...plan.order.map((id) => describe(project.nodes.get(id)!))], vars });
  const total = unitIds.length + plan.order.length;
  const unit = await runUnitTestPhase(project, unitIds, vars, options.target, total, options.onEvent);

  const schemas = new Map<string, Promise<void>>();
  const ctx: NodeRunContext = {
    engine,
    project,
    compile: { dialect: engine.dialect, target: options.target, vars: cliVars },
    vars,
    fullRefresh: options.fullRefresh === true,
    ensureSchema: (schema) => schemas.get(schema) ?? (schemas.set(schema, engine.ensureSchema(schema)), schemas.get(schema)!),
  };
  const threads = Math.max(1, Math.trunc(options.threads ?? (await engine.defaultThreads?.()) ?? DEFAULT_THREADS));
  const results = await schedule(ctx, plan, threads, options, { before: unitIds.length, total, blocked: unit.blocked });
  const args = { which: mode, select: options.select ?? [], exclude: options.exclude ?? [], threads, full_refresh: ctx.fullRefresh, vars: options.vars ?? {}, target: options.target.name };
  return runResults([...unit.results, ...results], (performance.now() - started) / 1000, args, randomUUID());
}

/** Ephemeral models are inlined into their children, never run (as in dbt). */
function isExecuted(node: ExecutableNode | undefined): boolean {
  return !!node && !(node.resourceType === 'model' && node.config.materialized === 'ephemeral') && node.config.enabled !== false;
}
