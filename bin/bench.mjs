#!/usr/bin/env node
// `npm run bench [-- <suite>... --cases a,b --repeat N]`: runs every bench/*.bench.ts suite (or
// the named ones), each case in its own process (N times with --repeat), and prints a table per
// suite. Figures, not assertions: performance is measured here, never in timed tests.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summariseRuns } from './bench-summary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const casesArg = args.includes('--cases') ? args[args.indexOf('--cases') + 1].split(',') : undefined;
const repeatArg = args.includes('--repeat') ? args[args.indexOf('--repeat') + 1] : '1';
// On a shared machine one run can take half as long again as the next: --repeat N runs each
// case N times and shows the run with the median time, with the fastest and slowest beside it.
const repeat = Number(repeatArg);
if (!Number.isInteger(repeat) || repeat < 1 || repeat > 50) {
  process.stderr.write(`bench: --repeat takes a whole number of runs from 1 to 50, got ${JSON.stringify(repeatArg)}\n`);
  process.exit(2);
}
const wanted = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--cases' && args[i - 1] !== '--repeat');
const suites = fs
  .readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')));

const fmt = (v) => (typeof v === 'number' ? new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(v) : String(v));
process.stdout.write(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}\n`);

for (const file of suites) {
  const script = path.join(root, 'bench', file);
  const meta = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(script)}).then(m => console.log(JSON.stringify({ title: m.default.title, cases: m.default.cases, rankBy: m.default.rankBy })))`], { cwd: root, encoding: 'utf8' });
  if (meta.status !== 0) {
    process.stderr.write(`${file}: ${meta.stderr}\n`);
    process.exitCode = 1;
    continue;
  }
  const { title, cases, rankBy } = JSON.parse(meta.stdout.trim().split('\n').at(-1));
  process.stdout.write(`\n## ${title}\n`);
  const rows = [];
  for (const name of cases.filter((c) => !casesArg || casesArg.includes(c))) {
    const runs = [];
    for (let i = 1; i <= repeat; i++) {
      process.stderr.write(`${file}: ${name}${repeat > 1 ? ` (run ${i} of ${repeat})` : ''} ...\n`);
      const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'run-case.ts'), script, name], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 64 * 1024 * 1024,
      });
      if (run.status !== 0) {
        process.stderr.write(`${file}: case ${name} failed (exit ${run.status})\n`);
        process.exitCode = 1;
        continue;
      }
      runs.push(JSON.parse(run.stdout.trim().split('\n').at(-1)));
    }
    if (runs.length > 0) rows.push(summariseRuns(runs, rankBy));
  }
  if (rows.length === 0) continue;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => columns.map((c) => (c in r ? fmt(r[c]) : '')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values) => `| ${values.map((v, i) => v.padStart(widths[i])).join(' | ')} |`;
  process.stdout.write(`${line(columns)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const row of cells) process.stdout.write(`${line(row)}\n`);
}
