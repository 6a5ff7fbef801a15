import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../contract/errors.ts';

/**
 * Checks that a DuckDB warehouse path can be created or written, before anything opens it: bad
 * input must fail with one line and leave the warehouse untouched. Permission bits alone do not
 * answer the question (root ignores them, read-only mounts do not show in them), so the check
 * creates and removes a scratch file beside the warehouse.
 */
export function checkWarehousePath(file: string, flag = '--warehouse'): void {
  if (file === ':memory:') return;
  if (file.trim() === '') throw new InputError(`${flag} is empty; pass a file path such as ./warehouse.duckdb (or :memory:)`);
  const resolved = path.resolve(file);
  const stat = statOrUndefined(resolved);
  if (stat?.isDirectory()) throw new InputError(`${flag} ${file} is a directory; pass a file path such as ${path.join(file, 'warehouse.duckdb')}`);
  if (stat && !stat.isFile()) throw new InputError(`${flag} ${file} is not a regular file; pass a .duckdb file path`);

  const dir = path.dirname(resolved);
  const dirStat = statOrUndefined(dir);
  if (!dirStat) throw new InputError(`${flag} ${file}: directory ${dir} does not exist; create it or choose another path`);
  if (!dirStat.isDirectory()) throw new InputError(`${flag} ${file}: ${dir} is not a directory; choose another path`);

  const probe = path.join(dir, `.sim-write-check-${process.pid}`);
  try {
    fs.closeSync(fs.openSync(probe, 'wx'));
    fs.rmSync(probe, { force: true });
    if (stat) fs.accessSync(resolved, fs.constants.R_OK | fs.constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`${flag} ${file} is not writable (${code}); choose a path in a writable directory`);
  }
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}
