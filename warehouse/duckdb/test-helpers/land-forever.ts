// Child process for the atomicity test: starts a landing over an existing warehouse, says so on
// stdout, and keeps appending until it is killed (the parent sends SIGKILL mid-landing).
import { openDuckDB } from '../engine.ts';
import { versioned, versionedBatch } from './tables.ts';

const engine = await openDuckDB(process.argv[2]);
const writer = await engine.openLanding('landing', [versioned]);
let from = 0;
for (;;) {
  await writer.append(versionedBatch('killed', from, 10_000));
  from += 10_000;
  if (from === 50_000) process.stdout.write('loading\n');
  await new Promise((resolve) => setImmediate(resolve));
}
