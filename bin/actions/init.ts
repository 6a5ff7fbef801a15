import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaffoldProject } from '../../orchestrator/init/scaffold.ts';

const BUILT_IN_PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `sim init DIR`: the scaffold, copied from the built-in project. */
export function initCommand(dir: string, flags: { force?: boolean }): void {
  const result = scaffoldProject(dir, { sourceRoot: BUILT_IN_PROJECT, force: flags.force === true });
  process.stdout.write(`created ${dir}: ${result.written.join(', ')}\nnext: cd ${dir} && sim --seed 42\n`);
}
