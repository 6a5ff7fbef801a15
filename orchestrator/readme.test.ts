import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANDING_TABLES } from '../contract/landing.ts';
import { END, START, withLandingTables } from './readme.ts';

const README = path.join(import.meta.dirname, '..', 'README.md');

describe('README landing tables', () => {
  it('match contract/landing.ts (run `npm run readme` after changing the contract)', () => {
    const readme = fs.readFileSync(README, 'utf8');
    expect(readme).toContain(START);
    expect(readme).toContain(END);
    expect(withLandingTables(readme)).toBe(readme);
    for (const table of LANDING_TABLES) for (const col of table.columns) expect(readme).toContain(`| \`${col.name}\` |`);
  });
});
