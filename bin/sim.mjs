#!/usr/bin/env node
// The `sim` executable. The project is TypeScript run through tsx, so there is no build step
// to forget: `npx sim` always runs the sources that are checked out.
import { register } from 'tsx/esm/api';

register();
// `sim ls | head` closes the pipe early: that is the reader being done, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv);
