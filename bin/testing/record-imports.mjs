// `node --import ./bin/testing/record-imports.mjs ...` appends the URL of every module the process
// imports (one a line) to the file named by SIM_IMPORT_LOG. Tests use it to prove which modules a
// command loads; the hooks run on Node's loader thread, so they write to a file, not a stream.
import { register } from 'node:module';

const log = process.env.SIM_IMPORT_LOG;
if (!log) throw new Error('record-imports.mjs: set SIM_IMPORT_LOG to the file to append module URLs to');
register(new URL('./record-imports-hooks.mjs', import.meta.url), { data: { log } });
