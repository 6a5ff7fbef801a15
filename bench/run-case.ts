// Runs one case of one suite in this process and prints its figures as one JSON line on stdout.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchSuite } from './suite.ts';
import { peakRssMiB } from './suite.ts';

const [file, caseName] = process.argv.slice(2);
const suite = (await import(pathToFileURL(path.resolve(file)).href)).default as BenchSuite;
const figures = await suite.run(caseName);
process.stdout.write(`${JSON.stringify({ case: caseName, ...figures, peak_rss_mib: peakRssMiB() })}\n`);
