import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { LANDING_SCHEMA, LANDING_TABLES } from '../../contract/landing.ts';

/**
 * models/sources.yml documents the landing tables for dbt users and the docs site; the contract
 * (contract/landing.ts) is what the simulator writes and the loader creates. They must not drift:
 * a column added to the contract and not to sources.yml (or a renamed one) fails here.
 */
interface SourceColumn { name: string; description?: string; data_type?: string }
interface SourceTableYaml { name: string; description?: string; columns?: SourceColumn[] }
interface SourcesYaml { sources: Array<{ name: string; schema?: string; tables: SourceTableYaml[] }> }

const sourcesPath = fileURLToPath(new URL('../../models/sources.yml', import.meta.url));
const sources = YAML.parse(readFileSync(sourcesPath, 'utf8')) as SourcesYaml;
const landing = sources.sources.find((s) => s.name === 'landing');

describe('models/sources.yml agrees with contract/landing.ts', () => {
  it('declares the landing source in the contract schema', () => {
    expect(landing).toBeDefined();
    expect(landing?.schema ?? landing?.name).toBe(LANDING_SCHEMA);
  });

  it('lists exactly the contract tables, in load order', () => {
    expect(landing?.tables.map((t) => t.name)).toEqual(LANDING_TABLES.map((t) => t.name));
  });

  for (const table of LANDING_TABLES) {
    describe(table.name, () => {
      const yamlTable = () => landing?.tables.find((t) => t.name === table.name);

      it('has the contract description', () => {
        expect(yamlTable()?.description).toBe(table.description);
      });

      it('has the contract columns, descriptions and types, in order', () => {
        const got = (yamlTable()?.columns ?? []).map((c) => ({ name: c.name, description: c.description, data_type: c.data_type }));
        const want = table.columns.map((c) => ({ name: c.name, description: c.description, data_type: c.type }));
        expect(got).toEqual(want);
      });
    });
  }
});
