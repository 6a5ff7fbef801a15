import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DAG_FILE_NAME } from './dag-file.ts';
import { renderDag, type DagOptions } from './render-dag.ts';
import { stagesFromProject, type PipelineStage } from './stages.ts';

export { renderDag, taskCommands, AIRFLOW_VARIABLES, type DagOptions, type DagSchedule } from './render-dag.ts';
export { stagesFromProject, type PipelineStage } from './stages.ts';
export { DAG_FILE_NAME } from './dag-file.ts';

export interface WriteDagResult {
  path: string;
  stages: PipelineStage[];
}

/**
 * Reads the layers of the model project in `projectDir` and writes the DAG into `outDir`.
 * The file is fully rendered before it is written, so a bad project leaves no partial file.
 */
export async function writeAirflowDag(
  projectDir: string,
  outDir: string,
  options: Omit<DagOptions, 'stages'>,
): Promise<WriteDagResult> {
  const stages = await stagesFromProject(resolve(projectDir));
  const text = renderDag({ ...options, stages });
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, DAG_FILE_NAME);
  writeFileSync(path, text);
  return { path, stages };
}
