import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../contract/errors.ts';
import { renderScenarioFile } from './scenario-file.ts';

/**
 * `sim init DIR`: a new model project that keeps the simulator. It copies the built-in project
 * (dbt_project.yml and every folder it names: models, macros, tests, seeds, snapshots) and adds
 * a commented scenario.yml, a README and a .gitignore. Running `sim` inside DIR then builds these
 * models instead of the built-in ones (the project folder is the current one when it holds
 * dbt_project.yml).
 */

export interface ScaffoldOptions {
  /** The project to copy (the one shipped with ecom-sim). */
  sourceRoot: string;
  /** Write into a non-empty folder, replacing files of the same names. */
  force: boolean;
}

export interface ScaffoldResult {
  dir: string;
  /** Paths written, relative to `dir`, in order. */
  written: string[];
}

export const SCENARIO_FILE = 'scenario.yml';

export function scaffoldProject(target: string, options: ScaffoldOptions): ScaffoldResult {
  const dir = resolve(target);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InputError(`${target} exists and is not a folder; pass a new or empty folder`);
    if (readdirSync(dir).length > 0 && !options.force) {
      throw new InputError(`${target} is not empty; pass an empty or new folder, or --force to write into it (files of the same names are replaced)`);
    }
  }
  const source = resolve(options.sourceRoot);
  const projectFile = join(source, 'dbt_project.yml');
  if (!existsSync(projectFile)) throw new InputError(`the built-in project is missing (${projectFile}); reinstall ecom-sim`);
  if (dir === source || dir.startsWith(`${source}/models`)) throw new InputError(`${target} is inside the built-in project; pick a folder outside it`);

  const folders = projectFolders(projectFile);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (rel: string, text: string) => {
    writeFileSync(join(dir, rel), text);
    written.push(rel);
  };

  cpSync(projectFile, join(dir, 'dbt_project.yml'));
  written.push('dbt_project.yml');
  for (const folder of folders) {
    const from = join(source, folder);
    if (!existsSync(from)) continue;
    cpSync(from, join(dir, folder), { recursive: true, force: true });
    written.push(`${folder}/`);
  }
  put(SCENARIO_FILE, renderScenarioFile());
  put('README.md', readme(basename(dir)));
  put('.gitignore', GITIGNORE);
  return { dir, written };
}

/** The folders dbt_project.yml points at, outermost first and without nested duplicates. */
function projectFolders(projectFile: string): string[] {
  const doc = (parseYaml(readFileSync(projectFile, 'utf8')) ?? {}) as Record<string, unknown>;
  const keys = ['model-paths', 'macro-paths', 'test-paths', 'seed-paths', 'snapshot-paths', 'analysis-paths'];
  const defaults: Record<string, string> = {
    'model-paths': 'models', 'macro-paths': 'macros', 'test-paths': 'tests',
    'seed-paths': 'seeds', 'snapshot-paths': 'snapshots', 'analysis-paths': 'analyses',
  };
  const all = keys.flatMap((k) => (Array.isArray(doc[k]) ? (doc[k] as unknown[]).map(String) : [defaults[k]!]));
  const clean = [...new Set(all.map((p) => p.replace(/^\.\//, '').replace(/\/+$/, '')))].sort();
  return clean.filter((p) => !clean.some((q) => q !== p && !relative(q, p).startsWith('..')));
}

const GITIGNORE = `# build output and local warehouses
target/
*.duckdb
*.duckdb.wal
dags/
# secrets (GEMINI_API_KEY, credentials) never belong in git
.env
`;

function readme(name: string): string {
  return `# ${name}

A data project on ecom-sim: the simulator generates a deterministic
e-commerce shop, and the dbt-style models in \`models/\` turn it into analytics tables.

## Run it

\`\`\`sh
sim --seed 42                 # generate, land, build and test into ./warehouse.duckdb
sim build --select tag:marts  # rebuild part of the project on the current landing
sim docs generate             # a static docs site with lineage and KPI charts in target/docs/
\`\`\`

- \`${SCENARIO_FILE}\`: the simulated shop (dates, sizes, behaviour, categories); flags override it.
- \`dbt_project.yml\` and \`models/\`: staging, marts and consumption layers, with their tests in
  each folder's \`schema.yml\`. Change them freely; \`sim ls\` lists what a selection picks.
- \`sim --target bigquery\` runs the same models in BigQuery; \`sim airflow --out dags/\` writes an
  Airflow DAG for Cloud Composer.
`;
}
