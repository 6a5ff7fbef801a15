import type { Command } from 'commander';
import { InputError } from '../../contract/errors.ts';
import { checkProject, formatProblem } from '../../warehouse/bigquery/zetasql/check-project.ts';
import { startZetaSql } from '../../warehouse/bigquery/zetasql/server.ts';
import { parseVarsFlag, resolveProjectDir } from '../../warehouse/project/locate.ts';
import type { CheckFlags } from '../commands/check.ts';

const CHECKABLE_TARGETS = ['bigquery'];

/** `sim check`: every selected node's statements analysed by ZetaSQL; a problem is exit 2. */
export async function checkCommand(flags: CheckFlags, command: Command): Promise<void> {
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
}

function countByType(types: string[]): string {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([t, n]) => `${n} ${t}${n === 1 ? '' : 's'}`).join(', ') || 'none';
}
