/**
 * Compile phase: renders one parsed node for one target (dialect, schema, vars, is_incremental),
 * and injects ephemeral parents as CTEs. Pure and synchronous; no warehouse access.
 */
import type { CompileContext, CompiledNode, GenericTestNode, Project, RelationRef, TargetInfo, ExecutableNode, SourceTable } from '../project/types.ts';

/**
 * Where a model/seed/snapshot lives for a target: schema = `[schema_prefix_]` + (config.schema ??
 * target.schema), identifier = config.alias ?? name. Sources: their own schema/identifier.
 */
export function relationFor(node: ExecutableNode | SourceTable, target: TargetInfo): RelationRef {
  void node;
  void target;
  throw new Error('relationFor: being implemented (MODEL-FRONT)');
}

/**
 * Renders a model, snapshot (its select body), singular test or analysis to SQL for `ctx`.
 * Generic tests: use `resolveTestArgs` and render the test's SQL (MODEL-RUN, warehouse/testing).
 * Throws InputError with the node's `file:line` on a rendering error (undefined macro, missing var, ...).
 */
export function compileNode(project: Project, nodeId: string, ctx: CompileContext): CompiledNode {
  void project;
  void nodeId;
  void ctx;
  throw new Error('compileNode: being implemented (MODEL-FRONT)');
}

/**
 * A generic test's arguments rendered for a target: `model` becomes the tested relation's SQL
 * name, Jinja in strings (`to: ref('dim_customers')`) is rendered, `column_name` kept.
 */
export function resolveTestArgs(project: Project, test: GenericTestNode, ctx: CompileContext): Record<string, unknown> {
  void project;
  void test;
  void ctx;
  throw new Error('resolveTestArgs: being implemented (MODEL-FRONT)');
}
