import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveDocs } from '../../warehouse/docs/serve.ts';

/** A raw GET, so a path like /../x reaches the server unnormalised. */
function get(url: string, path: string): Promise<{ status: number; type?: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((ok, fail) => {
    request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    }).on('error', fail).end();
  });
}

describe('sim docs serve', () => {
  it('serves the site on loopback, with directory indexes and content types, and nothing outside it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'docs-serve-'));
    const site = join(root, 'docs');
    mkdirSync(join(site, 'models'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<h1>overview</h1>');
    writeFileSync(join(site, 'models', 'fact_orders.html'), '<h1>fact_orders</h1>');
    writeFileSync(join(root, 'secret.txt'), 'not for the browser');
    const { server, url } = await serveDocs(site, 0);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const index = await get(url, '/');
      expect(index).toMatchObject({ status: 200, body: '<h1>overview</h1>' });
      expect(index.type).toContain('text/html');
      expect((await get(url, '/models/fact_orders.html')).body).toBe('<h1>fact_orders</h1>');
      expect((await get(url, '/models/missing.html')).status).toBe(404);
      expect([403, 404]).toContain((await get(url, '/../secret.txt')).status);
      expect([403, 404]).toContain((await get(url, '/%2e%2e/secret.txt')).status);
    } finally {
      server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
