import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, progressMode } from './progress.ts';

function stream(isTTY: boolean) {
  const s = new PassThrough() as PassThrough & { isTTY: boolean; columns: number };
  s.isTTY = isTTY;
  s.columns = 120;
  let text = '';
  s.on('data', (d) => (text += d));
  return { s: s as unknown as NodeJS.WriteStream, text: () => text };
}

describe('progress', () => {
  it('is a bar on a TTY, plain lines elsewhere, nothing with --quiet', () => {
    expect(progressMode({}, stream(true).s)).toBe('tty');
    expect(progressMode({}, stream(false).s)).toBe('plain');
    expect(progressMode({ quiet: true }, stream(true).s)).toBe('quiet');
  });

  it('writes a line per quarter of a long step and one line per short step in plain mode', () => {
    const out = stream(false);
    const p = createProgress('plain', out.s);
    p.begin('generate+land', 1_000_000, 'rows');
    for (let done = 100_000; done <= 1_000_000; done += 100_000) p.update(done);
    p.end('1,000,000 rows in 0.5 s');
    p.begin('staging:build', 8, 'nodes');
    for (let done = 1; done <= 8; done++) p.update(done, `model_${done}`);
    p.end('success (8 nodes, 0.1 s)');
    expect(out.text()).toBe(
      [
        'generate+land: started (about 1,000,000 rows)',
        'generate+land: 25% (300,000 rows)',
        'generate+land: 50% (500,000 rows)',
        'generate+land: 75% (800,000 rows)',
        'generate+land: 1,000,000 rows in 0.5 s',
        'staging:build: success (8 nodes, 0.1 s)',
        '',
      ].join('\n'),
    );
  });

  it('draws a bar with the running node on a TTY and ends with a plain line', () => {
    const out = stream(true);
    const p = createProgress('tty', out.s);
    p.begin('marts:build', 4, 'nodes');
    p.update(1, 'fact_orders');
    p.end('success (4 nodes, 0.3 s)');
    expect(out.text()).toContain('marts:build [');
    expect(out.text()).toContain('| fact_orders');
    expect(out.text()).toMatch(/marts:build: success \(4 nodes, 0\.3 s\)\n$/);
  });
});
