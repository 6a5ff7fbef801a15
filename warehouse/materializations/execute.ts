import type { Engine } from '../engine.ts';
import type { RelationKind } from './sql.ts';
import type { RelationRef } from './types.ts';

/**
 * Runs the statements of one node and remembers them, so run_results and error messages can
 * show exactly what ran.
 */
export class StatementLog {
  readonly statements: string[] = [];
  constructor(
    readonly engine: Engine,
    readonly label?: string,
  ) {}

  async execute(sql: string): Promise<number | undefined> {
    this.statements.push(sql);
    try {
      const result = await this.engine.execute(sql, { label: this.label });
      return result.rowsAffected;
    } catch (error) {
      // A script that failed after BEGIN leaves its transaction open on the connection; close it
      // so the half-applied statements are undone and later statements do not run inside it.
      if (/^\s*BEGIN TRANSACTION/i.test(sql)) await this.engine.execute('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    this.statements.push(sql);
    return (await this.engine.query(sql, { label: this.label })) as T[];
  }

  /** A best-effort cleanup (dropping a scratch relation) whose failure must not hide the real error. */
  async tryExecute(sql: string): Promise<void> {
    try {
      await this.execute(sql);
    } catch {
      // the original error, if any, is what the user needs to see
    }
  }

  async count(sql: string): Promise<number> {
    const rows = await this.query<{ n: number | string | bigint }>(sql);
    return Number(rows[0]?.n ?? 0);
  }
}

/** What is at `target` now: a table, a view, or nothing. */
export async function relationKind(engine: Engine, target: RelationRef): Promise<RelationKind | undefined> {
  const relations = await engine.listRelations(target.schema);
  const name = target.name.toLowerCase();
  return relations.find((r) => r.name.toLowerCase() === name)?.kind;
}
