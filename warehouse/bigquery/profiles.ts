import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../contract/errors.ts';
import type { BigQueryOptions } from './config.ts';

/** The dbt profile ecom-sim reads (dbt_project.yml says `profile: ecom_sim`). */
export const DEFAULT_PROFILE = 'ecom_sim';

export interface ProfileSettings extends BigQueryOptions {
  /** A service-account key named by the profile (`method: service-account`, `keyfile:`). */
  keyFile?: string;
  /** Where the settings came from, for messages. */
  source: string;
}

/**
 * The config-file layer of the BigQuery settings: a dbt `profiles.yml`, found where dbt looks
 * (`DBT_PROFILES_DIR` if set, else the current folder, then `~/.dbt/`), so a team's existing dbt
 * BigQuery profile works unchanged. Only a `type: bigquery` output is read: `project` (or
 * `database`), `dataset` (or `schema`: like dbt's custom schemas, layers become
 * `<dataset>_staging`, `<dataset>_marts`, ...), `location`, `maximum_bytes_billed`, `keyfile`.
 * `{{ env_var('NAME') }}` and `{{ env_var('NAME', 'default') }}` are expanded as in dbt.
 * Returns undefined when there is no such file, profile or BigQuery output.
 */
export function readDbtProfile(options: { env?: NodeJS.ProcessEnv; cwd?: string; profile?: string; target?: string } = {}): ProfileSettings | undefined {
  const env = options.env ?? process.env;
  const file = profilesFile(env, options.cwd ?? process.cwd());
  if (!file) return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const profile = (doc as Record<string, unknown> | null)?.[options.profile ?? DEFAULT_PROFILE] as { target?: unknown; outputs?: Record<string, unknown> } | undefined;
  if (!profile || typeof profile !== 'object') return undefined;
  const targetName = options.target ?? (typeof profile.target === 'string' ? expand(profile.target, env, file) : undefined);
  const output = targetName ? (profile.outputs?.[targetName] as Record<string, unknown> | undefined) : undefined;
  if (!output || output.type !== 'bigquery') return undefined;
  const field = (...names: string[]): string | undefined => {
    for (const name of names) {
      const value = output[name];
      if (value !== undefined && value !== null) return expand(String(value), env, file);
    }
    return undefined;
  };
  const dataset = field('dataset', 'schema');
  const keyFile = field('keyfile');
  return {
    source: `${file} (profile ${options.profile ?? DEFAULT_PROFILE}, target ${targetName})`,
    project: field('project', 'database'),
    location: field('location'),
    datasetPrefix: dataset ? `${dataset}_` : undefined,
    maximumBytesBilled: field('maximum_bytes_billed'),
    keyFile: keyFile ? path.resolve(path.dirname(file), keyFile.replace(/^~(?=\/)/, os.homedir())) : undefined,
  };
}

/** As dbt: DBT_PROFILES_DIR alone when set, otherwise the current folder, then ~/.dbt. */
function profilesFile(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const dirs = env.DBT_PROFILES_DIR ? [env.DBT_PROFILES_DIR] : [cwd, path.join(os.homedir(), '.dbt')];
  return dirs.map((d) => path.join(d, 'profiles.yml')).find((f) => fs.existsSync(f));
}

/** dbt's `{{ env_var('NAME') }}` / `{{ env_var('NAME', 'default') }}`; any other Jinja is not supported here. */
function expand(value: string, env: NodeJS.ProcessEnv, file: string): string {
  return value.replace(/\{\{\s*env_var\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]*)['"]\s*)?\)\s*\}\}/g, (_m, name: string, fallback?: string) => {
    const v = env[name] ?? fallback;
    if (v === undefined) throw new InputError(`${file}: env_var('${name}') is not set and has no default`);
    return v;
  });
}
