import { pyIdent, pyStr, pyStrDict, shellCommand } from './python.ts';
import type { PipelineStage } from './stages.ts';

/**
 * Renders `ecom_pipeline_dag.py`, a Cloud Composer-ready Airflow DAG that runs the same steps as
 * `sim` through the CLI: one task that generates and lands the shop, then one TaskGroup per layer
 * of the model project (build the layer's models without tests, then run its tests).
 *
 * Why BashOperator and the CLI rather than Python callables: the DAG then runs exactly the
 * commands a developer runs locally, with the same exit codes (a failing data test exits 1, so
 * the task and the DAG run fail), and the DAG file needs nothing but Airflow itself.
 */

export type DagSchedule = 'manual' | 'daily';

export interface DagOptions {
  dagId: string;
  schedule: DagSchedule;
  /** Stages in run order (see `stages.ts`). */
  stages: readonly PipelineStage[];
  /** How a worker calls the CLI (e.g. `sim`, or `npx --no-install sim`). Split on spaces. */
  simCommand: string;
  /** Directory on the worker holding the project (dbt_project.yml, models/, scenario.yml). */
  workdir: string;
  /** The scenario seed passed to generate+land. */
  seed: number;
  /** A scenario file relative to `workdir`, or undefined for the built-in defaults. */
  scenarioFile?: string;
  /** Gemini enrichment: adds the GEMINI_API_KEY Variable to the generate task's environment. */
  enrichGemini: boolean;
  /** `start_date` of the DAG (YYYY-MM-DD); with the daily schedule, runs start from here. */
  startDate: string;
  /**
   * `end_date` of the DAG: with the daily schedule, the scenario's end_date, since a run lands
   * as of its logical date and a date past the horizon is not a valid as_of.
   */
  endDate?: string;
  /** The ecom-sim version that wrote the file, for the header. */
  generatorVersion: string;
}

/** Airflow Variables the DAG reads. Names holding "api_key" are masked by Airflow in logs and the UI. */
export const AIRFLOW_VARIABLES = {
  project: 'ecom_sim_gcp_project',
  location: 'ecom_sim_bq_location',
  datasetPrefix: 'ecom_sim_dataset_prefix',
  geminiApiKey: 'ecom_sim_gemini_api_key',
} as const;

/** The `sim` arguments of each task; the only place that knows the CLI's shape. */
export function taskCommands(options: Pick<DagOptions, 'seed' | 'scenarioFile' | 'schedule' | 'enrichGemini'>): {
  generateLand: string[];
  build: (stage: PipelineStage) => string[];
  test: (stage: PipelineStage) => string[];
} {
  const target = ['--target', 'bigquery'];
  const scenario = options.scenarioFile ? ['--scenario', options.scenarioFile] : [];
  // A daily DAG lands the shop as of the run's logical date, so a re-run or backfill of a given
  // day reproduces exactly that day's landing (the simulator is a pure function of the scenario).
  const asOf = options.schedule === 'daily' ? ['--as-of', '{{ ds }}'] : [];
  const enrich = options.enrichGemini ? ['--enrich', 'gemini'] : [];
  return {
    generateLand: ['run', '--seed', String(options.seed), ...scenario, ...asOf, ...enrich, ...target, '--select', 'none'],
    build: (stage) => ['build', '--select', ...stage.buildSelect, '--no-tests', ...target],
    test: (stage) => ['test', '--select', ...stage.testSelect, ...(stage.testExclude.length ? ['--exclude', ...stage.testExclude] : []), ...target],
  };
}

export function renderDag(options: DagOptions): string {
  const sim = options.simCommand.trim().split(/\s+/);
  const commands = taskCommands(options);
  const env: Array<[string, string]> = [
    // An empty value counts as unset for sim: the project then comes from GOOGLE_CLOUD_PROJECT or
    // the credentials (on Composer, the environment's own project), the location defaults to US.
    ['SIM_BQ_PROJECT', `{{ var.value.get(${pyQuoteInJinja(AIRFLOW_VARIABLES.project)}, '') }}`],
    ['SIM_BQ_LOCATION', `{{ var.value.get(${pyQuoteInJinja(AIRFLOW_VARIABLES.location)}, '') }}`],
    ['SIM_BQ_DATASET_PREFIX', `{{ var.value.get(${pyQuoteInJinja(AIRFLOW_VARIABLES.datasetPrefix)}, '') }}`],
  ];
  const generateEnv: Array<[string, string]> = options.enrichGemini
    ? [['GEMINI_API_KEY', `{{ var.value.get(${pyQuoteInJinja(AIRFLOW_VARIABLES.geminiApiKey)}, '') }}`]]
    : [];

  const generateEnvLiteral = generateEnv.length === 0
    ? 'SIM_ENV'
    : `{\n    **SIM_ENV,\n${generateEnv.map(([k, v]) => `    ${pyStr(k)}: ${pyStr(v)},`).join('\n')}\n}`;
  const stageBlocks = options.stages.map((stage) => renderStage(stage, sim, commands)).join('\n\n');
  const chain = ['generate_land', ...options.stages.map((s) => pyIdent(s.id, 'layer_'))].join(' >> ');
  const pyDate = (date: string) => {
    const [y, m, d] = date.split('-').map(Number);
    return `pendulum.datetime(${y}, ${m}, ${d}, tz="UTC")`;
  };

  return `${renderHeader(options)}
from __future__ import annotations

from datetime import timedelta

import pendulum

try:  # Airflow 3
    from airflow.sdk import DAG, TaskGroup
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.utils.task_group import TaskGroup
try:  # Airflow 3 (and Airflow 2 with the standard provider)
    from airflow.providers.standard.operators.bash import BashOperator
except ImportError:  # Airflow 2 (Cloud Composer 2)
    from airflow.operators.bash import BashOperator

# Where the project lives on the workers. On Cloud Composer, files copied to the environment's
# bucket under data/ appear at /home/airflow/gcs/data/.
PROJECT_DIR = ${pyStr(options.workdir)}

# Every task's environment. The values are Jinja templates rendered when the task starts, so
# Variables are read at runtime through Airflow's secrets backend (Secret Manager on Composer,
# when configured): never at parse time, never through XCom, never written to disk. BigQuery
# authenticates with Application Default Credentials: on Composer, the environment's service
# account, so no key file exists anywhere. An empty value counts as unset: the project then comes
# from the credentials (Composer's own project) and the location defaults to US.
SIM_ENV = ${pyStrDict(env, '')}

# Only the generate task may call Gemini. The Variable name contains "api_key", so Airflow masks
# its value in task logs and in the rendered-template view.
GENERATE_ENV = ${generateEnvLiteral}

default_args = {
    "owner": "data-engineering",
    "depends_on_past": False,
    # The CLI's stdout is for people; nothing goes through XCom.
    "do_xcom_push": False,
    # One retry for transient errors (rate limits, preemptible workers). A failing data test
    # exits 1 and fails again on retry: the run fails, and everything downstream stays unbuilt.
    "retries": 1,
    "retry_delay": timedelta(minutes=3),
}

with DAG(
    dag_id=${pyStr(options.dagId)},
    description="ecom-sim: generate and land the shop, then build and test each layer in BigQuery",
    schedule=${options.schedule === 'daily' ? pyStr('@daily') : 'None'},
    start_date=${pyDate(options.startDate)},
${options.endDate ? `    end_date=${pyDate(options.endDate)},\n` : ''}    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["ecom-sim"],
    doc_md=__doc__,
) as dag:
${bashTask('generate_land', 'generate_land', [...sim, ...commands.generateLand], 'GENERATE_ENV', '    ')}

${stageBlocks}

    ${chain}
`;
}

function renderStage(
  stage: PipelineStage,
  sim: string[],
  commands: ReturnType<typeof taskCommands>,
): string {
  const group = pyIdent(stage.id, 'layer_');
  return `    with TaskGroup(group_id=${pyStr(stage.id)}, tooltip=${pyStr(stage.description)}) as ${group}:
${bashTask('build', 'build', [...sim, ...commands.build(stage)], 'SIM_ENV', '        ')}
${bashTask('test', 'test', [...sim, ...commands.test(stage)], 'SIM_ENV', '        ')}
        build >> test`;
}

/** `<variable> = BashOperator(...)`: every task runs one sim command in the project folder. */
function bashTask(variable: string, taskId: string, command: string[], env: string, indent: string): string {
  return [
    `${variable} = BashOperator(`,
    `    task_id=${pyStr(taskId)},`,
    `    bash_command=${pyStr(shellCommand(command))},`,
    `    env=${env},`,
    '    append_env=True,',
    '    cwd=PROJECT_DIR,',
    ')',
  ].map((line) => indent + line).join('\n');
}

function renderHeader(options: DagOptions): string {
  const layers = options.stages.map((s) => `${s.id} (${s.description})`).join('; ');
  const lines = [
    `${options.dagId}: the ecom-sim pipeline on BigQuery, for Airflow 2.4+ / Cloud Composer 2 and 3.`,
    '',
    `Generated by \`sim airflow\` (ecom-sim ${options.generatorVersion}); regenerate it rather than`,
    'editing it, so that it follows the model project.',
    '',
    `Tasks: generate_land >> one TaskGroup per layer: ${layers}.`,
    'Each group runs `sim build --select <layer> --no-tests`, then `sim test --select <layer>`, with',
    'selectors that pick exactly the layer\'s nodes and tests (as `sim run` builds them in one process);',
    'a failing test exits 1, fails its task, and leaves the later layers unbuilt.',
    '',
    'Before the first run:',
    `- Airflow Variables (all optional): \`${AIRFLOW_VARIABLES.project}\` (default: the credentials' project,`,
    `  on Composer the environment's), \`${AIRFLOW_VARIABLES.location}\` (default US), \`${AIRFLOW_VARIABLES.datasetPrefix}\`.`,
    ...(options.enrichGemini
      ? [`- \`${AIRFLOW_VARIABLES.geminiApiKey}\`: the Gemini API key, unless the catalog is already cached in fixtures/enrichment/.`]
      : []),
    '- Variables come from the secrets backend (e.g. Secret Manager, prefix airflow-variables-),',
    '  from Composer environment variables AIRFLOW_VAR_<NAME>, or from the metastore.',
    `- The workers need Node.js 20+ and the project at ${options.workdir} (after \`npm ci\`).`,
    '- The service account needs roles/bigquery.dataEditor and roles/bigquery.jobUser.',
  ];
  return `"""\n${lines.join('\n').replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')}\n"""`;
}

/** A Python string literal for use inside a Jinja expression within a double-quoted string. */
function pyQuoteInJinja(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
