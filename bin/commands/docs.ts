import type { Command } from 'commander';

export interface GenerateFlags {
  warehouse: string;
  projectDir?: string;
  compile: boolean;
}

export function registerDocs(program: Command): void {
  const docs = program
    .command('docs')
    .description('the documentation site: lineage, a page per model, the KPI dashboard')
    .addHelpText('after', `
Examples:
  sim --seed 42 && sim docs generate     build the warehouse, then write target/docs/
  sim docs serve --port 8080             browse it on http://127.0.0.1:8080/`);
  docs
    .command('generate')
    .description('write a static, self-contained site to target/docs/ (works from a file:// URL, no network)')
    .option('--warehouse <path>', 'DuckDB warehouse to read row counts, the scenario and the KPI tables from', './warehouse.duckdb')
    .option('--project-dir <dir>', 'model project (default: the current folder if it has dbt_project.yml, else the built-in project)')
    .option('--no-compile', 'use the existing target/manifest.json and target/compiled/ instead of compiling for duckdb and bigquery')
    .addHelpText('after', `
Examples:
  sim --seed 42 && sim docs generate     build the warehouse, then its docs
  sim docs serve                         browse them on http://127.0.0.1:8080/`)
    // vega, vega-lite and the compiler are imported only when the site is generated
    .action(async (flags: GenerateFlags) => (await import('../actions/docs.ts')).generateCommand(flags));
  docs
    .command('serve')
    .description('serve target/docs/ on localhost')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8080')
    .addHelpText('after', `
Example:
  sim docs generate && sim docs serve --port 9000`)
    .action(async (flags: { port: string }) => (await import('../actions/docs.ts')).serveCommand(flags));
}
