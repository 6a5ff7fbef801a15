/**
 * Parse phase: reads dbt_project.yml, sources/schema YAML, models, seeds, snapshots, singular
 * tests and macros into a `Project`. Never touches a warehouse and never renders for a target.
 */
import type { Project } from './types.ts';

export interface LoadOptions {
  /** `--vars` (already parsed YAML/JSON): override dbt_project.yml vars during parse-time rendering. */
  vars?: Record<string, unknown>;
}

/**
 * Loads and validates the project in `dir` (a folder with dbt_project.yml).
 * Throws InputError naming `file:line` for: bad YAML, unknown YAML key, duplicate model name,
 * unknown ref/source, undefined macro, a Jinja syntax error, and a dependency cycle.
 */
export async function loadProject(dir: string, options: LoadOptions = {}): Promise<Project> {
  void dir;
  void options;
  throw new Error('loadProject: being implemented (MODEL-FRONT)');
}
