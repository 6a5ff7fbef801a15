import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockedHosts } from './loopback-guard.ts';
import { InputError } from '../../../contract/errors.ts';
import { openTarget } from '../../targets.ts';
import { resolveCredentials } from '../credentials.ts';
import type { BigQueryEngine } from '../engine.ts';
import { readDbtProfile } from '../profiles.ts';
import { fakeAuthClient, FakeBigQuery } from './fake-bigquery.ts';

const PROFILES = `
ecom_sim:
  target: "{{ env_var('DBT_TARGET', 'dev') }}"
  outputs:
    dev:
      type: bigquery
      method: service-account
      project: "{{ env_var('GCP_PROJECT') }}"
      dataset: dbt_alice
      location: EU
      maximum_bytes_billed: 5000000000
      keyfile: keys/sa.json
    local:
      type: duckdb
      path: warehouse.duckdb
other_project:
  target: dev
  outputs:
    dev: { type: bigquery, project: elsewhere-1, dataset: x }
`;

let dir: string;
let fake: FakeBigQuery;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecomsim-profiles-'));
  fs.writeFileSync(path.join(dir, 'profiles.yml'), PROFILES);
  fake = await FakeBigQuery.start();
});
afterEach(async () => {
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
  expect(blockedHosts).toEqual([]);
});

describe('BigQuery settings from a dbt profiles.yml', () => {
  it('reads the ecom_sim profile the way dbt does: target, env_var, dataset as the layer prefix, keyfile beside the file', () => {
    const env = { DBT_PROFILES_DIR: dir, GCP_PROJECT: 'team-project-1' };
    expect(readDbtProfile({ env })).toEqual({
      source: `${path.join(dir, 'profiles.yml')} (profile ecom_sim, target dev)`,
      project: 'team-project-1',
      location: 'EU',
      datasetPrefix: 'dbt_alice_',
      maximumBytesBilled: '5000000000',
      keyFile: path.join(dir, 'keys/sa.json'),
    });
    // A non-BigQuery target, or no profiles.yml at all: nothing to read.
    expect(readDbtProfile({ env: { ...env, DBT_TARGET: 'local' } })).toBeUndefined();
    expect(readDbtProfile({ env: { DBT_PROFILES_DIR: path.join(dir, 'none') } })).toBeUndefined();
  });

  it('an env_var without value or default is one clear error naming the file', () => {
    expect(() => readDbtProfile({ env: { DBT_PROFILES_DIR: dir } })).toThrow(new InputError(`${path.join(dir, 'profiles.yml')}: env_var('GCP_PROJECT') is not set and has no default`));
  });

  it('sits below flags and environment: the profile fills what they leave out', async () => {
    const env = { ...process.env, DBT_PROFILES_DIR: dir, GCP_PROJECT: 'test-project' };
    const testing = { apiEndpoint: fake.url, authClient: fakeAuthClient() };
    const fromProfile = (await openTarget({ target: 'bigquery', warehouse: '-', env, testing })) as BigQueryEngine;
    expect(fromProfile.config).toMatchObject({ projectId: 'test-project', location: 'EU', datasetPrefix: 'dbt_alice_', maximumBytesBilled: '5000000000' });
    await fromProfile.ensureSchema('marts');
    expect(fake.find('POST', /datasets$/)[0].body).toMatchObject({ location: 'EU', datasetReference: { datasetId: 'dbt_alice_marts' } });

    const overridden = (await openTarget({ target: 'bigquery', warehouse: '-', env: { ...env, SIM_BQ_LOCATION: 'US' }, bigquery: { datasetPrefix: 'ci_' }, testing })) as BigQueryEngine;
    expect(overridden.config).toMatchObject({ location: 'US', datasetPrefix: 'ci_', maximumBytesBilled: '5000000000' });
  });

  it("the profile's keyfile is checked before anything runs, GOOGLE_APPLICATION_CREDENTIALS wins over it", async () => {
    const keyFile = path.join(dir, 'keys/sa.json');
    await expect(resolveCredentials({ projectId: 'p-123456', keyFile, env: {} })).rejects.toThrow(
      `the profile's keyfile ${keyFile} does not exist: set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file`,
    );
    await expect(resolveCredentials({ projectId: 'p-123456', keyFile, env: { GOOGLE_APPLICATION_CREDENTIALS: path.join(dir, 'env.json') } })).rejects.toThrow(
      `GOOGLE_APPLICATION_CREDENTIALS=${path.join(dir, 'env.json')} does not exist`,
    );
  });
});
