import { InputError } from '../../contract/errors.ts';
import { EngineError } from '../engine.ts';
import { MaterializationError } from '../materializations/incremental.ts';
import type { ExecutableNode } from '../project/types.ts';

/**
 * Turns an error of one node into dbt's one-paragraph form, naming the file and line the user
 * edits: "Database Error in model fact_orders (models/02_marts/fact_orders.sql:12)" followed by
 * the engine's message. The line comes from the engine's "LINE n:" pointer into the compiled
 * SQL, mapped back to the model file by finding that line's text in the raw code (exact for
 * lines without Jinja); otherwise the node's own location.
 */
export function describeNodeError(node: ExecutableNode, error: unknown, compiledSql?: string, statement?: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InputError && message.includes(node.originalFilePath)) return message;
  const line = sourceLine(node, compiledSql, statement, message);
  const kind = error instanceof EngineError ? 'Database Error' : error instanceof MaterializationError ? 'Compilation Error' : 'Error';
  const engineText = message
    .split('\n')
    .filter((l) => l.trim() && !/^LINE \d+:/.test(l) && !/^\s*\^\s*$/.test(l))
    .join('\n  ');
  return `${kind} in ${node.resourceType} ${node.name} (${node.originalFilePath}:${line})\n  ${engineText}`;
}

function sourceLine(node: ExecutableNode, compiledSql: string | undefined, statement: string | undefined, message: string): number {
  const raw = node.rawCode.split('\n');
  const pointer = /LINE (\d+):/.exec(message);
  const text = pointer && compiledSql && statement ? statement.split('\n')[Number(pointer[1]) - 1]?.trim() : undefined;
  let index = text ? raw.findIndex((l) => l.trim() === text) : -1;
  if (index < 0) {
    // Binder errors carry no pointer but quote the name they trip on ("no_such_column"): its first use.
    const name = /"([^"\n]+)"/.exec(message.split('\n')[0])?.[1];
    const word = name && new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
    index = word ? raw.findIndex((l) => word.test(l)) : -1;
  }
  return index >= 0 ? node.rawCodeLine + index : node.location.line;
}

/**
 * Exit code class of a node error: SQL the user wrote (syntax, unknown column, failed cast,
 * schema change refused) is bad input (2); the engine failing underneath (I/O, memory, network,
 * a transient conflict) is 3.
 */
export function isInputFailure(error: unknown): boolean {
  if (error instanceof InputError || error instanceof MaterializationError) return true;
  if (error instanceof EngineError) {
    if (error.transient) return false;
    return /^(Parser|Binder|Catalog|Conversion|Invalid Input|Constraint|Dependency|Not implemented|Syntax) Error|Syntax error|Unrecognized name|No matching signature|not found: /im.test(error.message);
  }
  return false;
}
