import { describe, expect, it } from 'vitest';
import { parseYaml, parseYamlUncached } from './yaml.ts';

const TEXT = `version: 2
models:
  - name: a
    columns:
      - name: id
        data_tests:
          - unique
          - accepted_values:
              values: [x, y]
`;

describe('parseYaml', () => {
  it('keeps the line of every mapping, key and sequence item', () => {
    const yaml = parseYamlUncached('m.yml', TEXT);
    const model = (yaml.value as { models: Array<Record<string, unknown>> }).models[0];
    const column = (model.columns as Array<Record<string, unknown>>)[0];
    const tests = column.data_tests as unknown[];
    expect(yaml.lineOf(model)).toBe(3);
    expect(yaml.keyLine(model, 'columns')).toBe(4);
    expect(yaml.itemLine(tests, 0)).toBe(7);
    expect(yaml.itemLine(tests, 1)).toBe(8);
    expect(yaml.lineOf(tests[1])).toBe(8);
  });

  it('answers the same from its cache as from a fresh parse', () => {
    const fresh = parseYamlUncached('m.yml', TEXT);
    parseYaml('m.yml', TEXT); // fills the cache if it was empty
    const cached = parseYaml('m.yml', TEXT);
    expect(cached.value).toEqual(fresh.value);
    const lines = (y: typeof fresh) => {
      const model = (y.value as { models: Array<Record<string, unknown>> }).models[0];
      const tests = ((model.columns as Array<Record<string, unknown>>)[0].data_tests as unknown[]);
      return [y.lineOf(model), y.keyLine(model, 'name'), y.itemLine(tests, 1), y.lineOf(tests[1])];
    };
    expect(lines(cached)).toEqual(lines(fresh));
  });

  it('reports invalid YAML with its line, also when a valid version was cached', () => {
    expect(() => parseYaml('bad.yml', 'a: 1\nb: [unclosed\n')).toThrow(/^bad\.yml:\d+: invalid YAML: /);
    expect(() => parseYaml('dup.yml', 'a: 1\na: 2\n')).toThrow(/^dup\.yml:2: invalid YAML: /);
  });
});
