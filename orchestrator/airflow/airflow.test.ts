import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../bin/cli.ts';
import { DAG_FILE_NAME, renderDag, stagesFromProject, writeAirflowDag, type DagOptions } from './index.ts';
import { writeFakeAirflow, type LoadedDag } from './testing/fake-airflow.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sim-airflow-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A small project laid out like the built-in one, with folders that are not layers. */
function writeProject(dir: string): string {
  const f = (rel: string, text = '') => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  f('dbt_project.yml', [
    'name: shop',
    'model-paths: [models]',
    'macro-paths: [models/macros]',
    'test-paths: [models/tests]',
    'snapshot-paths: [models/snapshots]',
    'models:',
    '  shop:',
    '    01_staging: {+schema: staging}',
    '    02_marts: {+schema: marts}',
    '    03_consumption: {+materialized: table}',
    '',
  ].join('\n'));
  f('models/sources.yml', 'version: 2\n');
  f('models/01_staging/stg_orders.sql', 'select 1 as id');
  f('models/02_marts/core/fact_orders.sql', "select * from {{ ref('stg_orders') }}");
  f('models/03_consumption/daily_revenue.sql', "select * from {{ ref('fact_orders') }}");
  f('models/macros/cents.sql', '{% macro cents(x) %}{{ x }}{% endmacro %}');
  f('models/tests/revenue_positive.sql', 'select 1 where false');
  f('models/snapshots/prices.sql', '{% snapshot prices %}select 1{% endsnapshot %}');
  f('models/docs_only/README.md', 'not a layer: no SQL here');
  return dir;
}

const baseOptions: Omit<DagOptions, 'stages'> = {
  dagId: 'ecom_pipeline',
  schedule: 'manual',
  simCommand: 'npx --no-install sim',
  workdir: '/home/airflow/gcs/data/ecom-sim',
  seed: 42,
  enrichGemini: false,
  startDate: '2024-01-01',
  generatorVersion: '0.0.0-test',
};

function loadDag(dagFile: string, layout: 'airflow2' | 'airflow3'): LoadedDag {
  const fakeDir = join(work, `fake-${layout}`);
  const dump = writeFakeAirflow(fakeDir, layout);
  const out = execFileSync('python3', [dump, dagFile], { env: { ...process.env, PYTHONPATH: fakeDir }, encoding: 'utf8' });
  const dags = JSON.parse(out) as LoadedDag[];
  expect(dags).toHaveLength(1);
  return dags[0]!;
}

describe('layers of a model project', () => {
  it('are the model folders that hold SQL, in folder order, named by their +schema or folder', () => {
    const stages = stagesFromProject(writeProject(join(work, 'p1')));
    expect(stages.map((s) => [s.id, s.select])).toEqual([
      ['staging', 'path:models/01_staging'],
      ['marts', 'path:models/02_marts'],
      ['consumption', 'path:models/03_consumption'],
    ]);
  });

  it('a folder without dbt_project.yml is bad input (exit 2, no file written)', async () => {
    const empty = join(work, 'not-a-project');
    mkdirSync(empty, { recursive: true });
    const out = join(work, 'out-bad');
    const code = await main(['node', 'sim', 'airflow', '--project-dir', empty, '--out', out]);
    expect(code).toBe(2);
    expect(existsSync(join(out, DAG_FILE_NAME))).toBe(false);
  });
});

describe('the generated DAG', () => {
  let dagFile: string;
  beforeAll(() => {
    dagFile = writeAirflowDag(writeProject(join(work, 'p2')), join(work, 'dags'), baseOptions).path;
  });

  it('compiles with python3 -m py_compile', () => {
    const result = spawnSync('python3', ['-m', 'py_compile', dagFile], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  for (const layout of ['airflow2', 'airflow3'] as const) {
    it(`imports under ${layout} with one task for generate+land and a build->test group per layer, chained`, () => {
      const dag = loadDag(dagFile, layout);
      expect(dag.dag_id).toBe('ecom_pipeline');
      const upstream = Object.fromEntries(Object.entries(dag.tasks).map(([id, t]) => [id, t.upstream]));
      expect(upstream).toEqual({
        generate_land: [],
        'staging.build': ['generate_land'],
        'staging.test': ['staging.build'],
        'marts.build': ['staging.test'],
        'marts.test': ['marts.build'],
        'consumption.build': ['marts.test'],
        'consumption.test': ['consumption.build'],
      });
    });
  }

  it('runs the sim CLI against BigQuery: build without tests, then test, per layer selection', () => {
    const dag = loadDag(dagFile, 'airflow2');
    const cmd = (id: string) => dag.tasks[id]!.args.bash_command;
    expect(cmd('marts.build')).toBe('npx --no-install sim build --select path:models/02_marts --no-tests --target bigquery');
    expect(cmd('marts.test')).toBe('npx --no-install sim test --select path:models/02_marts --target bigquery');
    expect(cmd('generate_land')).toContain('--seed 42');
    expect(cmd('generate_land')).toContain('--target bigquery');
    for (const task of Object.values(dag.tasks)) {
      expect(task.operator).toBe('BashOperator');
      expect(task.args.cwd).toBe('/home/airflow/gcs/data/ecom-sim');
      expect(task.args.append_env).toBe(true);
    }
  });

  it('retries each task once after 3 minutes, keeps stdout out of XCom, and is triggered manually', () => {
    const dag = loadDag(dagFile, 'airflow2');
    for (const task of Object.values(dag.tasks)) {
      expect(task.args.retries).toBe(1);
      expect(task.args.retry_delay).toEqual({ seconds: 180 });
      expect(task.args.do_xcom_push).toBe(false);
    }
    expect(dag.kwargs.schedule).toBeNull();
    expect(dag.kwargs.catchup).toBe(false);
  });

  it('reads credentials settings from Airflow Variables at task runtime (templates), never literal values', () => {
    const dag = loadDag(dagFile, 'airflow2');
    const env = dag.tasks['staging.build']!.args.env!;
    expect(env.GOOGLE_CLOUD_PROJECT).toBe('{{ var.value.ecom_sim_gcp_project }}');
    for (const value of Object.values(env)) expect(value).toMatch(/^\{\{ var\.value\./);
    // Without enrichment the Gemini key is not handed to any task.
    for (const task of Object.values(dag.tasks)) expect(task.args.env).not.toHaveProperty('GEMINI_API_KEY');
    const text = readFileSync(dagFile, 'utf8');
    expect(text).not.toMatch(/xcom_push\(|xcom_pull|Variable\.get|open\(/);
  });
});

describe('schedule and enrichment options', () => {
  it('daily: @daily, and generate+land lands as of the logical date; the Gemini key only reaches the generate task', () => {
    const project = writeProject(join(work, 'p3'));
    const text = renderDag({ ...baseOptions, schedule: 'daily', enrichGemini: true, stages: stagesFromProject(project) });
    const file = join(work, 'daily', DAG_FILE_NAME);
    mkdirSync(join(work, 'daily'), { recursive: true });
    writeFileSync(file, text);
    const dag = loadDag(file, 'airflow3');
    expect(dag.kwargs.schedule).toBe('@daily');
    const generate = dag.tasks.generate_land!.args;
    expect(generate.bash_command).toContain("--as-of '{{ ds }}'");
    expect(generate.bash_command).toContain('--enrich gemini');
    expect(generate.env!.GEMINI_API_KEY).toBe("{{ var.value.get('ecom_sim_gemini_api_key', '') }}");
    expect(dag.tasks['marts.build']!.args.env).not.toHaveProperty('GEMINI_API_KEY');
  });
});

describe('sim airflow', () => {
  it('writes ecom_pipeline_dag.py into --out and names the layers', async () => {
    const out = join(work, 'cli-out');
    const code = await main(['node', 'sim', 'airflow', '--project-dir', writeProject(join(work, 'p4')), '--out', out, '--schedule', 'daily']);
    expect(code).toBe(0);
    const dag = loadDag(join(out, DAG_FILE_NAME), 'airflow2');
    expect(dag.kwargs.schedule).toBe('@daily');
  });

  it('rejects an unknown schedule with exit 2', async () => {
    const out = join(work, 'cli-bad-schedule');
    const code = await main(['node', 'sim', 'airflow', '--project-dir', writeProject(join(work, 'p5')), '--out', out, '--schedule', 'weekly']);
    expect(code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
