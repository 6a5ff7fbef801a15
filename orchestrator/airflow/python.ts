/**
 * Small helpers to write Python and bash source text safely. The generated DAG is code a user
 * will read, so values are emitted as plain literals, never as pickled or base64 blobs.
 */

/**
 * A Python string literal. JSON's escapes (\" \\ \n \t \uXXXX) are all valid Python escapes,
 * so a JSON string is a correct double-quoted Python literal for any input.
 */
export function pyStr(value: string): string {
  return JSON.stringify(value);
}

/** A Python dict literal of string keys and string values, one entry per line. */
export function pyStrDict(entries: ReadonlyArray<readonly [string, string]>, indent: string): string {
  if (entries.length === 0) return '{}';
  const lines = entries.map(([k, v]) => `${indent}    ${pyStr(k)}: ${pyStr(v)},`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/** A valid Python identifier derived from a name ("01_staging" -> "layer_01_staging"). */
export function pyIdent(name: string, prefix: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_');
  return `${prefix}${cleaned}`;
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One shell word: left bare when it has no special characters (so the command in the DAG reads
 * like the one a user would type), single-quoted otherwise.
 */
export function shellWord(word: string): string {
  if (word !== '' && SHELL_SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}
