/**
 * Which project a command works on, and `--vars`: shared by every model command so they agree.
 * Default project: the current folder if it has dbt_project.yml, else the package's built-in one.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYamlText } from 'yaml';
import { InputError } from '../../contract/errors.ts';

/** The repository root, which holds the built-in project (dbt_project.yml + models/). */
export const BUILTIN_PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function resolveProjectDir(flag: string | undefined, cwd = process.cwd()): string {
  if (flag !== undefined) {
    const dir = path.resolve(cwd, flag);
    if (!existsSync(path.join(dir, 'dbt_project.yml'))) throw new InputError(`--project-dir ${flag}: no dbt_project.yml there (a project folder holds dbt_project.yml)`);
    return dir;
  }
  return existsSync(path.join(cwd, 'dbt_project.yml')) ? cwd : BUILTIN_PROJECT_DIR;
}

/** `--vars '{as_of: 2024-06-30}'` (YAML or JSON) into a mapping; one clear line otherwise. */
export function parseVarsFlag(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = parseYamlText(text);
  } catch (error) {
    throw new InputError(`--vars: not valid YAML or JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InputError(`--vars: expected a mapping like '{as_of: 2024-06-30}', got ${JSON.stringify(text)}`);
  return value as Record<string, unknown>;
}
