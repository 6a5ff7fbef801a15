import path from 'node:path';
import { compileInlineQuery, compileProject, type CompileOptions } from '../../warehouse/render/compile-project.ts';

/** `sim compile`: the project's nodes (or one --inline query) rendered to SQL for the target. */
export async function compileCommand(flags: CompileOptions): Promise<void> {
  if (flags.inline !== undefined) {
    const sql = await compileInlineQuery(flags);
    process.stdout.write(sql.endsWith('\n') ? sql : `${sql}\n`);
    return;
  }
  const result = await compileProject(flags);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result.files, null, 2)}\n`);
    return;
  }
  process.stderr.write(`compiled ${result.files.length} node(s) for ${flags.target} into ${path.relative(process.cwd(), result.dir) || '.'}; wrote ${path.relative(process.cwd(), result.manifest)}\n`);
  // Like dbt compile --select: one model or snapshot selected, its SQL on stdout.
  if (result.single) process.stdout.write(result.single.endsWith('\n') ? result.single : `${result.single}\n`);
}
