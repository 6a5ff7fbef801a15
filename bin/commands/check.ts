import type { Command } from 'commander';
import { InputError } from '../../contract/errors.ts';
import { parseVarsFlag, resolveProjectDir } from '../../warehouse/project/locate.ts';
import { checkProject, formatProblem } from '../../warehouse/bigquery/zetasql/check-project.ts';
import { startZetaSql } from '../../warehouse/bigquery/zetasql/server.ts';

const CHECKABLE_TARGETS = ['bigquery'];

interface CheckFlags {
  target: string;
  select?: string[];
  exclude?: string[];
  vars?: string;
  projectDir?: string;
  json?: boolean;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description("prove offline that every model, snapshot and test compiles to valid BigQuery SQL: each statement a BigQuery run would send is analysed by ZetaSQL (BigQuery's analyser), in DAG order")
    .option('--target <target>', 'the SQL dialect to check (accepted: bigquery)', 'bigquery')
    .option('-s, --select <selector...>', 'nodes to check (dbt syntax: name, +name, tag:x, path:x, ...); their parents are analysed too')
    .option('--exclude <selector...>', 'nodes to leave out')
    .option('--vars <yaml>', "project vars as YAML or JSON, e.g. '{as_of: 2024-06-30}'")
    .option('--project-dir <dir>', 'model project (default: the current folder if it has dbt_project.yml, else the built-in project)')
    .option('--json', 'print the report as JSON on stdout')
    .addHelpText(
      'after',
      `
Needs the optional dependency @fivetrandevelopers/zetasql (installed by npm ci; it ships the
ZetaSQL server as a native binary). Exit codes: 0 all valid, 2 a node is not valid BigQuery SQL
(each error names the file, the line and column in the compiled SQL, and ZetaSQL's message).

Examples:
  sim check --target bigquery
  sim check --target bigquery --select +fact_orders`,
    )
    .action(async (flags: CheckFlags, command: Command) => {
      if (!CHECKABLE_TARGETS.includes(flags.target)) {
        throw new InputError(`--target: "${flags.target}" cannot be checked (accepted: ${CHECKABLE_TARGETS.join(', ')}); DuckDB SQL is proven by running it: sim build`);
      }
      const verbose = Boolean(command.optsWithGlobals().verbose);
      const vars = parseVarsFlag(flags.vars);
      const projectDir = resolveProjectDir(flags.projectDir);
      const server = await startZetaSql();
      try {
        const started = performance.now();
        const report = await checkProject(server, { projectDir, select: flags.select, exclude: flags.exclude, vars });
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const ok = report.nodes.filter((n) => n.status === 'ok');
        const skipped = report.nodes.filter((n) => n.status === 'skipped');
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ target: flags.target, ...report }, null, 2)}\n`);
        } else {
          for (const problem of report.problems) process.stderr.write(`${formatProblem(problem, verbose)}\n`);
          const counts = countByType(ok.map((n) => n.resourceType));
          process.stdout.write(
            `sim check --target ${flags.target}: ${ok.length} of ${report.nodes.length} nodes valid (${counts}), ${report.statements} statements analysed by ZetaSQL in ${seconds} s` +
              (skipped.length ? `; ${skipped.length} skipped because a parent is invalid` : '') +
              '\n',
          );
        }
        if (report.problems.length) {
          const names = report.problems.map((p) => p.name).join(', ');
          throw new InputError(`${report.problems.length} node(s) are not valid BigQuery SQL: ${names}`);
        }
      } finally {
        await server.stop();
      }
    });
}

function countByType(types: string[]): string {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([t, n]) => `${n} ${t}${n === 1 ? '' : 's'}`).join(', ') || 'none';
}
