import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMPILE_TARGETS } from '../warehouse/render/compile-project.ts';
import * as engines from '../warehouse/targets.ts';
import { addBigQueryOptions, TARGETS, targetOption } from './target-options.ts';

// bin/target-options.ts declares the flags without importing the engines (so `sim --help` stays
// light); warehouse/targets.ts still holds its own copy. Until that copy is gone, they must agree.
const shape = (cmd: Command) => cmd.options.map((o) => ({ flags: o.flags, description: o.description, defaultValue: o.defaultValue, choices: o.argChoices }));

describe('the CLI target flags', () => {
  it('are the ones warehouse/targets.ts declares and opens', () => {
    expect(TARGETS).toEqual(engines.TARGETS);
    expect(TARGETS).toEqual(COMPILE_TARGETS);
    expect(shape(addBigQueryOptions(new Command('a')))).toEqual(shape(engines.addBigQueryOptions(new Command('b'))));
    expect(shape(addBigQueryOptions(new Command('a'))).length).toBe(7);
    for (const target of TARGETS) {
      expect(shape(new Command('a').addOption(targetOption(target)))).toEqual(shape(new Command('b').addOption(engines.targetOption(target))));
    }
  });

  it('collect repeated --bq-dataset and --bq-label values', () => {
    const cmd = addBigQueryOptions(new Command('x').exitOverride());
    cmd.parse(['--bq-dataset', 'staging=s', '--bq-dataset', 'marts=m', '--bq-label', 'team=data'], { from: 'user' });
    expect(cmd.opts()).toEqual({ bqDataset: ['staging=s', 'marts=m'], bqLabel: ['team=data'] });
  });
});
