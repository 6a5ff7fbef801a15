import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startZetaSql, zetaSqlAvailable, type ZetaSqlServer } from './server.ts';

/**
 * ZetaSQL tests skip where the optional package is not installed (a developer who skipped
 * optional dependencies), but never in CI (`CI` set, as GitHub Actions does): there `npm ci`
 * installs it, and a missing package must fail the build rather than skip the proof.
 */
export const skipWithoutZetaSql = !zetaSqlAvailable() && !process.env.CI;

/**
 * For a describe block that checks a small project: writes `files` (path -> text) into a temp
 * folder and starts a ZetaSQL server before the tests, stops and removes both after. The
 * returned object is filled in by beforeAll.
 */
export function checkFixture(name: string, files: Record<string, string>): { dir: string; server: ZetaSqlServer } {
  const fixture = {} as { dir: string; server: ZetaSqlServer };
  beforeAll(async () => {
    fixture.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(fixture.dir, file)), { recursive: true });
      fs.writeFileSync(path.join(fixture.dir, file), text);
    }
    fixture.server = await startZetaSql();
  });
  afterAll(async () => {
    await fixture.server?.stop();
    if (fixture.dir) fs.rmSync(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}
