import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Command, Option } from 'commander';
import { InputError } from '../../contract/errors.ts';
import { resolveScenario, type Scenario } from '../../simulator/index.ts';
import { isCalendarDate } from '../../simulator/scenario/schema.ts';
import { writeAirflowDag, DAG_FILE_NAME, type DagSchedule } from '../../orchestrator/airflow/index.ts';
import { resolveProjectDir } from '../../warehouse/project/locate.ts';
import { packageVersion } from '../version.ts';


interface AirflowFlags {
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
    .action(async (flags: AirflowFlags) => {
      const seed = Number(flags.seed);
      if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError(`--seed: "${flags.seed}" is not a non-negative integer`);
      if (!/^[A-Za-z0-9_.-]+$/.test(flags.dagId)) throw new InputError(`--dag-id: "${flags.dagId}" may only hold letters, digits, _ . -`);
      if (flags.simCommand.trim() === '') throw new InputError('--sim-command: must not be empty');
      const projectDir = resolveProjectDir(flags.projectDir);
      // The scenario the workers will run (the same project, copied to --workdir) fixes the
      // dates: a daily run lands as of its logical date, which must lie within the horizon.
      const scenario = localScenario(projectDir, flags.scenario, seed);
      const startDate = flags.startDate ?? scenario.start_date;
      if (!isCalendarDate(startDate)) throw new InputError(`--start-date: "${startDate}" is not a date in YYYY-MM-DD form`);
      if (flags.schedule === 'daily' && (startDate < scenario.start_date || startDate > scenario.end_date)) {
        throw new InputError(`--start-date ${startDate} is outside the scenario's ${scenario.start_date}..${scenario.end_date}; a daily run lands as of its date, so it must lie within the horizon`);
      }
      const { path, stages } = await writeAirflowDag(projectDir, flags.out, {
        dagId: flags.dagId,
        schedule: flags.schedule,
        simCommand: flags.simCommand,
        workdir: flags.workdir,
        seed,
        scenarioFile: flags.scenario,
        enrichGemini: flags.enrich === 'gemini',
        startDate,
        ...(flags.schedule === 'daily' ? { endDate: scenario.end_date } : {}),
        generatorVersion: packageVersion(),
      });
      process.stdout.write(`wrote ${path}: generate_land >> ${stages.map((s) => s.id).join(' >> ')}\n`);
      if (flags.schedule === 'daily') process.stdout.write(`daily runs land as of their logical date, from ${startDate} to the scenario's end_date ${scenario.end_date}\n`);
    });
}

/** The scenario file as the workers will read it: --scenario, else the project's scenario.yml, else defaults. */
function localScenario(projectDir: string, file: string | undefined, seed: number): Scenario {
  const local = file !== undefined ? (isAbsolute(file) ? file : join(projectDir, file)) : join(projectDir, 'scenario.yml');
  if (file !== undefined && !existsSync(local)) throw new InputError(`--scenario ${file}: not found in the project (${local}); the workers read it relative to --workdir, from the same project`);
  return resolveScenario({ file: existsSync(local) ? local : undefined, overrides: { seed }, env: {} });
}


