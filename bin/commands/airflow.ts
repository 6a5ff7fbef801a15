import { Command, Option } from 'commander';
import { DAG_FILE_NAME } from '../../orchestrator/airflow/dag-file.ts';
import type { DagSchedule } from '../../orchestrator/airflow/index.ts';

export interface AirflowFlags {
  out: string;
  schedule: DagSchedule;
  projectDir?: string;
  dagId: string;
  seed: string;
  scenario?: string;
  enrich: 'none' | 'gemini';
  simCommand: string;
  workdir: string;
  startDate?: string;
}

export function registerAirflow(program: Command): void {
  program
    .command('airflow')
    .description(`write a Cloud Composer-ready Airflow DAG (${DAG_FILE_NAME}) that runs the pipeline on BigQuery through the sim CLI`)
    .option('--out <dir>', 'folder to write the DAG into (e.g. your Composer bucket\'s dags/)', 'dags')
    .addOption(new Option('--schedule <when>', 'manual (trigger by hand) or daily (@daily, as_of = the run\'s logical date)').choices(['manual', 'daily']).default('manual'))
    .option('--project-dir <dir>', 'model project whose layers become TaskGroups (default: the current folder if it has dbt_project.yml, else the built-in project)')
    .option('--dag-id <id>', 'Airflow dag_id', 'ecom_pipeline')
    .option('--seed <n>', 'scenario seed of the generate task', '42')
    .option('--scenario <file>', 'scenario file, relative to --workdir on the workers')
    .addOption(new Option('--enrich <mode>', 'product catalog of the generate task').choices(['none', 'gemini']).default('none'))
    .option('--sim-command <cmd>', 'how workers call the CLI', 'npx --no-install sim')
    .option('--workdir <dir>', 'project folder on the workers (Composer maps gs://<bucket>/data/ to /home/airflow/gcs/data/)', '/home/airflow/gcs/data/ecom-sim')
    .option('--start-date <YYYY-MM-DD>', 'the DAG\'s start_date (default: the scenario\'s start_date)')
    .addHelpText('after', `
Examples:
  sim airflow --out dags/                       # manual trigger, built-in project
  sim airflow --out dags/ --schedule daily      # @daily; each run lands the shop as of {{ ds }}
  gsutil cp dags/${DAG_FILE_NAME} gs://<composer-bucket>/dags/

The DAG reads the optional Airflow Variables ecom_sim_gcp_project, ecom_sim_bq_location,
ecom_sim_dataset_prefix (and ecom_sim_gemini_api_key with --enrich gemini) at task runtime, through
the secrets backend; BigQuery credentials come from the Composer environment's service account.`)
    // the action (and the project reader, zod, ...) is imported only when the command runs
    .action(async (flags: AirflowFlags) => (await import('../actions/airflow.ts')).writeDag(flags));
}
