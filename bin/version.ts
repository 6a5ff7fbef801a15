import { readFileSync } from 'node:fs';

let version: string | undefined;

/** ecom-sim's version (package.json): printed by `sim --version`, recorded with every landing and DAG. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
