import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMPILE_TARGETS } from '../warehouse/render/compile-project.ts';
import * as engines from '../warehouse/targets.ts';
import { addBigQueryOptions, TARGETS, targetOption } from './target-options.ts';

// bin/target-options.ts declares the flags without importing the engines (so `sim --help` stays
// light); warehouse/targets.ts opens them and reads the flags back.
const flagNames = (cmd: Command) => cmd.options.map((o) => o.attributeName());

describe('the CLI target flags', () => {
  it('are the ones warehouse/targets.ts opens and reads back', () => {
    expect(TARGETS).toEqual(engines.TARGETS);
    expect(TARGETS).toEqual(COMPILE_TARGETS);
    for (const target of TARGETS) expect(new Command('a').addOption(targetOption(target)).opts()).toEqual({ target });
    // Every declared BigQuery flag is one bigqueryOptionsFromFlags and checkTargetFlags read.
    const names = flagNames(addBigQueryOptions(new Command('a')));
    expect(names).toEqual(['bqProject', 'bqLocation', 'datasetPrefix', 'bqDataset', 'maximumBytesBilled', 'bqLabel', 'dryRun']);
    const given = Object.fromEntries(names.map((n) => [n, n === 'bqDataset' ? ['staging=s'] : n === 'bqLabel' ? ['team=data'] : n === 'dryRun' ? true : n === 'maximumBytesBilled' ? '1GB' : 'x']));
    expect(() => engines.checkTargetFlags('duckdb', given)).toThrow(/--bq-project, --bq-location, --dataset-prefix, --bq-dataset, --maximum-bytes-billed, --bq-label, --dry-run apply only to --target bigquery/);
    expect(Object.values(engines.bigqueryOptionsFromFlags(given)).every((v) => v !== undefined)).toBe(true);
  });

  it('collect repeated --bq-dataset and --bq-label values', () => {
    const cmd = addBigQueryOptions(new Command('x').exitOverride());
    cmd.parse(['--bq-dataset', 'staging=s', '--bq-dataset', 'marts=m', '--bq-label', 'team=data'], { from: 'user' });
    expect(cmd.opts()).toEqual({ bqDataset: ['staging=s', 'marts=m'], bqLabel: ['team=data'] });
  });
});
