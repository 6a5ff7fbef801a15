#!/usr/bin/env node
// The `sim` executable. The project is TypeScript run through tsx, so there is no build step
// to forget: `npx sim` always runs the sources that are checked out.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv);
