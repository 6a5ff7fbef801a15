import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram, main } from '../../bin/cli.ts';
import { selectNodes } from '../../warehouse/dag/select.ts';
import { openDuckDB } from '../../warehouse/duckdb/index.ts';
import { loadProject } from '../../warehouse/project/load.ts';
import { projectLayers } from '../layers.ts';
import { DAG_FILE_NAME, renderDag, stagesFromProject, writeAirflowDag, type DagOptions } from './index.ts';
import { writeFakeAirflow, type LoadedDag } from './testing/fake-airflow.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sim-airflow-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A small project laid out like the built-in one: a source with tests, a seed and a snapshot
 * outside the layer folders, a consumption test that touches a mart (eager selection would leak
 * it into the marts group), macros and a singular test.
 */
function writeProject(dir: string): string {
  const f = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  f('dbt_project.yml', [
    'name: shop',
    'model-paths: [models]',
    'macro-paths: [models/macros]',
    'test-paths: [models/tests]',
    'seed-paths: [models/seeds]',
    'snapshot-paths: [models/snapshots]',
    'models:',
    '  shop:',
    '    01_staging: {+schema: staging, +materialized: view}',
    '    02_marts: {+schema: marts, +materialized: table}',
    '    03_consumption: {+materialized: table}',
    '',
  ].join('\n'));
  f('models/sources.yml', [
    'version: 2',
    'sources:',
    '  - name: landing',
    '    tables:',
    '      - name: orders',
    '        columns:',
    '          - name: order_id',
    '            data_tests: [unique]',
    '',
  ].join('\n'));
  f('models/seeds/regions.csv', 'code,name\nUS,Americas\n');
  f('models/01_staging/stg_orders.sql', "select order_id, updated_at from {{ source('landing', 'orders') }}");
  f('models/01_staging/schema.yml', 'version: 2\nmodels:\n  - name: stg_orders\n    columns:\n      - name: order_id\n        data_tests: [not_null]\n');
  f('models/snapshots/snap_orders.sql', "{% snapshot snap_orders %}{{ config(unique_key='order_id', strategy='timestamp', updated_at='updated_at') }}select * from {{ ref('stg_orders') }}{% endsnapshot %}");
  f('models/02_marts/core/fact_orders.sql', "select * from {{ ref('stg_orders') }}");
  f('models/02_marts/schema.yml', 'version: 2\nmodels:\n  - name: fact_orders\n    columns:\n      - name: order_id\n        data_tests: [unique]\n');
  f('models/03_consumption/daily_revenue.sql', "select * from {{ ref('fact_orders') }}");
  f('models/03_consumption/schema.yml', [
    'version: 2',
    'models:',
    '  - name: daily_revenue',
    '    columns:',
    '      - name: order_id',
    '        data_tests:',
    '          - relationships:',
    "              to: ref('fact_orders')",
    '              field: order_id',
    '',
  ].join('\n'));
  f('models/macros/cents.sql', '{% macro cents(x) %}{{ x }}{% endmacro %}');
  f('models/tests/revenue_matches.sql', "select 1 from {{ ref('daily_revenue') }} join {{ ref('fact_orders') }} using (order_id) where false");
  return dir;
}

/** The words after a flag, up to the next flag. */
function flagValues(command: string, flag: string): string[] {
  const words = command.split(' ');
  const at = words.indexOf(flag);
  if (at < 0) return [];
  const out: string[] = [];
  for (const w of words.slice(at + 1)) {
    if (w.startsWith('--')) break;
    out.push(w);
  }
  return out;
}

/**
 * What the DAG's commands would run, evaluated with the model engine's own selector, compared
 * with the layers `sim run` builds in one process.
 */
async function expectCommandsMatchLayers(projectDir: string, dag: LoadedDag): Promise<string[]> {
  const project = await loadProject(projectDir);
  const layers = projectLayers(project);
  for (const layer of layers) {
    const build = dag.tasks[`${layer.name}.build`]!.args.bash_command!;
    const test = dag.tasks[`${layer.name}.test`]!.args.bash_command!;
    const built = selectNodes(project, { select: flagValues(build, '--select'), indirectSelection: 'empty' }).filter(
      (id) => {
        const node = project.nodes.get(id);
        return node !== undefined && node.resourceType !== 'test' && (node.config as { materialized?: string }).materialized !== 'ephemeral';
      },
    );
    expect(built.sort(), `${layer.name}.build`).toEqual([...layer.nodes].sort());
    const exclude = flagValues(test, '--exclude');
    const tested = selectNodes(project, { select: flagValues(test, '--select'), exclude: exclude.length ? exclude : undefined }).filter(
      (id) => project.nodes.get(id)?.resourceType === 'test',
    );
    expect(tested.sort(), `${layer.name}.test`).toEqual([...layer.tests].sort());
  }
  return layers.map((l) => l.name);
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
  it('are the pipeline layers, with selectors that pick exactly their nodes and tests', async () => {
    const stages = await stagesFromProject(writeProject(join(work, 'p1')));
    expect(stages.map((s) => s.id)).toEqual(['staging', 'marts', 'consumption']);
    const [staging, marts, consumption] = stages;
    // seed and snapshot live outside the folder; the source test is selected through its source
    expect(staging!.buildSelect).toEqual(['path:models/01_staging', 'regions', 'snap_orders']);
    expect(staging!.testSelect).toContain('source:landing');
    // the consumption tests touching fact_orders stay out of the marts group
    expect(marts!.testExclude).toEqual(['path:models/03_consumption+']);
    expect(staging!.testExclude).toEqual([]);
    expect(consumption!.testExclude).toEqual([]);
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
  let project: string;
  beforeAll(async () => {
    project = writeProject(join(work, 'p2'));
    dagFile = (await writeAirflowDag(project, join(work, 'dags'), baseOptions)).path;
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

  it('runs the sim CLI against BigQuery: generate+land only, then per layer build without tests, then test', async () => {
    const dag = loadDag(dagFile, 'airflow2');
    const cmd = (id: string) => dag.tasks[id]!.args.bash_command!;
    expect(cmd('generate_land')).toBe('npx --no-install sim run --seed 42 --target bigquery --select none');
    expect(cmd('marts.build')).toBe('npx --no-install sim build --select path:models/02_marts --no-tests --target bigquery');
    expect(cmd('marts.test')).toBe('npx --no-install sim test --select path:models/02_marts --exclude path:models/03_consumption+ --target bigquery');
    expect(await expectCommandsMatchLayers(project, dag)).toEqual(['staging', 'marts', 'consumption']);
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
    expect(env.SIM_BQ_PROJECT).toBe("{{ var.value.get('ecom_sim_gcp_project', '') }}");
    for (const value of Object.values(env)) expect(value).toMatch(/^\{\{ var\.value\./);
    // Without enrichment the Gemini key is not handed to any task.
    for (const task of Object.values(dag.tasks)) expect(task.args.env).not.toHaveProperty('GEMINI_API_KEY');
    const text = readFileSync(dagFile, 'utf8');
    expect(text).not.toMatch(/xcom_push\(|xcom_pull|Variable\.get|open\(/);
  });
});

describe('schedule and enrichment options', () => {
  it('daily: @daily, and generate+land lands as of the logical date; the Gemini key only reaches the generate task', async () => {
    const project = writeProject(join(work, 'p3'));
    const text = renderDag({ ...baseOptions, schedule: 'daily', enrichGemini: true, stages: await stagesFromProject(project) });
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

describe('the built-in project', () => {
  it('gives the DAG its staging, marts and consumption groups, each selecting exactly its layer', async () => {
    const repo = resolve(import.meta.dirname, '../..');
    const out = join(work, 'builtin');
    const { path } = await writeAirflowDag(repo, out, baseOptions);
    const dag = loadDag(path, 'airflow2');
    expect(await expectCommandsMatchLayers(repo, dag)).toEqual(['staging', 'marts', 'consumption']);
    expect(Object.keys(dag.tasks)).toEqual(['generate_land', 'staging.build', 'staging.test', 'marts.build', 'marts.test', 'consumption.build', 'consumption.test']);
    expect(spawnSync('python3', ['-m', 'py_compile', path]).status).toBe(0);
  });
});

describe('the DAG run for real, on DuckDB instead of BigQuery', () => {
  it('its tasks, run in dependency order, land the shop and build and test every layer of the built-in project', async () => {
    const repo = resolve(import.meta.dirname, '../..');
    const runDir = join(work, 'dag-run');
    mkdirSync(runDir, { recursive: true });
    const { path } = await writeAirflowDag(repo, join(runDir, 'dags'), { ...baseOptions, simCommand: `${process.execPath} ${join(repo, 'bin', 'sim.mjs')}` });
    const dag = loadDag(path, 'airflow2');
    const done = new Set<string>();
    const order: string[] = [];
    const tested: string[] = [];
    while (done.size < Object.keys(dag.tasks).length) {
      const ready = Object.entries(dag.tasks).find(([id, t]) => !done.has(id) && t.upstream.every((u) => done.has(u)));
      expect(ready, 'a task is ready').toBeDefined();
      const [id, task] = ready!;
      // The one substitution: the warehouse. Everything else is the command Airflow would run.
      const command = task.args.bash_command!.replace('--target bigquery', '--target duckdb --warehouse shop.duckdb --quiet');
      const result = await bash(command, runDir);
      expect(result.code, `${id}: ${command}\n${result.stderr}`).toBe(0);
      if (id.endsWith('.test')) {
        const results = JSON.parse(readFileSync(join(runDir, 'target', 'run_results.json'), 'utf8')) as { results: Array<{ unique_id: string; status: string }> };
        for (const r of results.results) if (r.unique_id.startsWith('test.')) tested.push(r.unique_id);
      }
      done.add(id);
      order.push(id);
    }
    expect(order[0]).toBe('generate_land');
    // Every data test of the project ran exactly once, in its layer's group.
    const project = await loadProject(repo);
    const allTests = [...project.nodes.values()].filter((n) => n.resourceType === 'test' && n.config.enabled !== false).map((n) => n.uniqueId);
    expect([...tested].sort()).toEqual(allTests.sort());
    // And every model exists in the warehouse.
    const engine = await openDuckDB(join(runDir, 'shop.duckdb'));
    try {
      for (const node of project.nodes.values()) {
        if (node.resourceType !== 'model' || node.config.materialized === 'ephemeral') continue;
        const relations = await engine.listRelations(String(node.config.schema));
        expect(relations.map((r) => r.name), node.name).toContain(node.name);
      }
    } finally {
      await engine.close();
    }
  });
});

function bash(command: string, cwd: string): Promise<{ code: number; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GEMINI_|GOOGLE_|SIM_)/.test(k)));
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-c', command], { cwd, env: { ...env, SIM_SCALE: 'tiny' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stderr }));
  });
}

describe('the commands in the DAG', () => {
  it('exist in this CLI with these flags and values (the DAG calls nothing the CLI would reject)', async () => {
    const repo = resolve(import.meta.dirname, '../..');
    const { path } = await writeAirflowDag(repo, join(work, 'cli-check'), { ...baseOptions, schedule: 'daily', enrichGemini: true, scenarioFile: 'scenario.yml' });
    const dag = loadDag(path, 'airflow2');
    const program = buildProgram();
    for (const [id, task] of Object.entries(dag.tasks)) {
      const words = task.args.bash_command!.replace(/'/g, '').split(' ').slice(2); // drop "npx --no-install"
      expect(words[0], id).toBe('sim');
      const command = program.commands.find((c) => c.name() === words[1]);
      expect(command, `${id}: sim ${words[1]}`).toBeDefined();
      for (let i = 2; i < words.length; i++) {
        if (!words[i]!.startsWith('--')) continue;
        const option = command!.options.find((o) => o.long === words[i] || o.long === `--no-${words[i]!.slice(2)}` || (o.negate && o.long === words[i]));
        expect(option, `${id}: sim ${words[1]} ${words[i]}`).toBeDefined();
        const choices = (option as unknown as { argChoices?: string[] }).argChoices;
        if (choices && option!.required) expect(choices, `${id}: ${words[i]} ${words[i + 1]}`).toContain(words[i + 1]);
      }
    }
  });
});

describe('sim airflow', () => {
  it('writes ecom_pipeline_dag.py into --out; a daily DAG runs within the project scenario\'s horizon', async () => {
    const project = writeProject(join(work, 'p4'));
    writeFileSync(join(project, 'scenario.yml'), "start_date: '2026-01-01'\nend_date: '2027-06-30'\n");
    const out = join(work, 'cli-out');
    const code = await main(['node', 'sim', 'airflow', '--project-dir', project, '--out', out, '--schedule', 'daily']);
    expect(code).toBe(0);
    const dag = loadDag(join(out, DAG_FILE_NAME), 'airflow2');
    expect(dag.kwargs.schedule).toBe('@daily');
    expect(dag.kwargs.start_date).toBe('2026-01-01T00:00:00+00:00');
    expect(dag.kwargs.end_date).toBe('2027-06-30T00:00:00+00:00');
  });

  it('a manual DAG has no end date; a daily start outside the horizon is bad input', async () => {
    const project = writeProject(join(work, 'p6'));
    const out = join(work, 'cli-manual');
    expect(await main(['node', 'sim', 'airflow', '--project-dir', project, '--out', out])).toBe(0);
    const dag = loadDag(join(out, DAG_FILE_NAME), 'airflow2');
    expect(dag.kwargs.start_date).toBe('2024-01-01T00:00:00+00:00');
    expect(dag.kwargs).not.toHaveProperty('end_date');
    const bad = join(work, 'cli-bad-start');
    expect(await main(['node', 'sim', 'airflow', '--project-dir', project, '--out', bad, '--schedule', 'daily', '--start-date', '2030-01-01'])).toBe(2);
    expect(await main(['node', 'sim', 'airflow', '--project-dir', project, '--out', bad, '--scenario', 'missing.yml'])).toBe(2);
    expect(existsSync(bad)).toBe(false);
  });

  it('rejects an unknown schedule with exit 2', async () => {
    const out = join(work, 'cli-bad-schedule');
    const code = await main(['node', 'sim', 'airflow', '--project-dir', writeProject(join(work, 'p5')), '--out', out, '--schedule', 'weekly']);
    expect(code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
