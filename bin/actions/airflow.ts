import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { InputError } from '../../contract/errors.ts';
import { writeAirflowDag } from '../../orchestrator/airflow/index.ts';
import { resolveScenario, type Scenario } from '../../simulator/index.ts';
import { isCalendarDate } from '../../simulator/scenario/schema.ts';
import { resolveProjectDir } from '../../warehouse/project/locate.ts';
import type { AirflowFlags } from '../commands/airflow.ts';
import { packageVersion } from '../version.ts';

/** `sim airflow`: validates the flags against the project's scenario and writes the DAG file. */
export async function writeDag(flags: AirflowFlags): Promise<void> {
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
}

/** The scenario file as the workers will read it: --scenario, else the project's scenario.yml, else defaults. */
function localScenario(projectDir: string, file: string | undefined, seed: number): Scenario {
  const local = file !== undefined ? (isAbsolute(file) ? file : join(projectDir, file)) : join(projectDir, 'scenario.yml');
  if (file !== undefined && !existsSync(local)) throw new InputError(`--scenario ${file}: not found in the project (${local}); the workers read it relative to --workdir, from the same project`);
  return resolveScenario({ file: existsSync(local) ? local : undefined, overrides: { seed }, env: {} });
}
