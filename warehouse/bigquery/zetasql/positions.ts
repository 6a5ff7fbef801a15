/**
 * From a position ZetaSQL reports in the statement sent (a CTAS or MERGE wrapped around the
 * model) back to the model's compiled SQL and, where the text allows, to its source file.
 */

export interface CompiledPosition {
  /** 1-based line and column in the node's compiled SQL. */
  line: number;
  column: number;
  /** The compiled line's text, for the excerpt. */
  text: string;
}

/**
 * The position inside `compiled` of a position in `statement`, when the statement embeds the
 * compiled SQL verbatim (as the materializations do); otherwise the position in the statement.
 */
export function positionInCompiled(statement: string, compiled: string, line: number, column: number): CompiledPosition & { inCompiled: boolean } {
  const statementLines = statement.split('\n');
  const body = compiled.trim();
  const at = body ? statement.indexOf(body) : -1;
  if (at >= 0) {
    const startLine = statement.slice(0, at).split('\n').length; // 1-based line where the body starts
    const startColumn = at - statement.lastIndexOf('\n', at - 1); // 1-based column of the body's first char
    const bodyLines = body.split('\n');
    const leadingLines = compiled.slice(0, compiled.indexOf(body)).split('\n').length - 1; // lines trimmed away
    const relative = line - startLine;
    if (relative >= 0 && relative < bodyLines.length) {
      const compiledLine = relative + 1 + leadingLines;
      const compiledColumn = relative === 0 ? column - startColumn + 1 + leadingIndent(compiled, leadingLines) : column;
      return { line: compiledLine, column: compiledColumn, text: compiled.split('\n')[compiledLine - 1] ?? '', inCompiled: true };
    }
  }
  return { line, column, text: statementLines[line - 1] ?? '', inCompiled: false };
}

function leadingIndent(compiled: string, leadingLines: number): number {
  const first = compiled.split('\n')[leadingLines] ?? '';
  return first.length - first.trimStart().length;
}

/**
 * The source line (1-based, in the file) that produced a compiled line: the unique raw line with
 * the same text, or failing that the unique raw line containing the offending token. Jinja
 * changes lines (macros expand, blocks vanish), so this is a best effort and may return undefined.
 */
export function sourceLineFor(rawCode: string, rawCodeLine: number, compiledText: string, token?: string): number | undefined {
  const raw = rawCode.split('\n');
  const wanted = compiledText.trim();
  const unique = (predicate: (l: string) => boolean) => {
    const hits = raw.flatMap((l, i) => (predicate(l) ? [i] : []));
    return hits.length === 1 ? hits[0] + rawCodeLine : undefined;
  };
  if (wanted) {
    const exact = unique((l) => l.trim() === wanted);
    if (exact !== undefined) return exact;
  }
  if (token && token.trim().length >= 3) return unique((l) => l.includes(token) && !/^\s*--/.test(l));
  return undefined;
}

/** The word (identifier, keyword or operator) starting at a 1-based column, to look it up in the source. */
export function tokenAt(text: string, column: number): string | undefined {
  const rest = text.slice(Math.max(0, column - 1));
  return rest.match(/^(`[^`]*`|'[^']*'|[A-Za-z_][\w.]*\s*\(?|::?\w*|\S+)/)?.[0]?.trim();
}

/** `  12 | text` and a caret line under `column`. */
export function excerpt(line: number, column: number, text: string): string {
  const gutter = `${line} | `;
  return `    ${gutter}${text}\n    ${' '.repeat(gutter.length - 2)}| ${' '.repeat(Math.max(0, column - 1))}^`;
}
