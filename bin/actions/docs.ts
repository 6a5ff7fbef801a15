import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../contract/errors.ts';
import { generateDocs } from '../../warehouse/docs/generate.ts';
import { serveDocs } from '../../warehouse/docs/serve.ts';
import { openDuckDB } from '../../warehouse/duckdb/index.ts';
import { compileProject } from '../../warehouse/render/compile-project.ts';
import type { GenerateFlags } from '../commands/docs.ts';

export async function generateSite(flags: GenerateFlags, cwd = process.cwd()): Promise<{ outDir: string; pages: number; warehouse: boolean }> {
  const targetDir = path.resolve(cwd, 'target');
  const warehousePath = path.resolve(cwd, flags.warehouse);
  const built = existsSync(warehousePath);
  if (flags.compile) {
    // Compiled against the warehouse (its landed scenario and existing relations), so the pages
    // show the SQL the last build ran. BigQuery first, DuckDB last: both write manifest.json,
    // and the DuckDB one matches the local warehouse.
    for (const target of ['bigquery', 'duckdb']) {
      await compileProject({ target, projectDir: flags.projectDir, warehouse: built ? warehousePath : undefined }, cwd);
    }
  } else if (!existsSync(path.join(targetDir, 'manifest.json'))) {
    throw new InputError('target/manifest.json not found; run `sim compile` or `sim`, or drop --no-compile');
  }
  const engine = built ? await openDuckDB(warehousePath) : undefined;
  try {
    const site = await generateDocs({ targetDir, engine });
    return { ...site, warehouse: engine !== undefined };
  } finally {
    await engine?.close();
  }
}

/** `sim docs generate` */
export async function generateCommand(flags: GenerateFlags): Promise<void> {
  const site = await generateSite(flags);
  const rel = path.relative(process.cwd(), site.outDir) || '.';
  process.stdout.write(`wrote ${site.pages} pages to ${rel}/ (open ${rel}/index.html)${site.warehouse ? '' : `; no warehouse at ${flags.warehouse}, so no row counts or charts`}\n`);
}

/** `sim docs serve`: runs until the process is stopped. */
export async function serveCommand(flags: { port: string }): Promise<void> {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`--port ${flags.port}: expected an integer from 0 to 65535`);
  const siteDir = path.resolve('target', 'docs');
  if (!existsSync(path.join(siteDir, 'index.html'))) throw new InputError('target/docs/index.html not found; run `sim docs generate` first');
  const { url } = await serveDocs(siteDir, port);
  process.stderr.write(`serving ${path.relative(process.cwd(), siteDir)} on ${url} (Ctrl-C to stop)\n`);
  await new Promise(() => undefined);
}
