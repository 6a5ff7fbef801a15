import { LANDING_SCHEMA, landingMeta } from '../../contract/landing.ts';
import type { Engine } from '../engine.ts';

/** The scenario settings models may read as vars; everything else in _sim_meta (digests) is not a var. */
export const SCENARIO_VARS = ['as_of', 'start_date', 'end_date', 'seed'] as const;

/**
 * The scenario of the current landing (landing._sim_meta), as vars: "today" for the models is
 * the landed scenario's as_of, whatever the wall clock says. Empty when nothing was landed yet
 * (then dbt_project.yml's vars and --vars apply).
 */
export async function readScenarioVars(engine: Engine, landingSchema = LANDING_SCHEMA): Promise<Record<string, string>> {
  const relations = await engine.listRelations(landingSchema);
  if (!relations.some((r) => r.name === landingMeta.name)) return {};
  const rows = await engine.query(`select key, value from ${engine.dialect.relation(landingSchema, landingMeta.name)}`);
  const vars: Record<string, string> = {};
  for (const row of rows) {
    const key = String(row.key);
    if ((SCENARIO_VARS as readonly string[]).includes(key)) vars[key] = String(row.value);
  }
  return vars;
}
