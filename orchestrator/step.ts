import { InputError } from '../contract/errors.ts';
import type { Scenario } from '../simulator/scenario/types.ts';

/**
 * `sim step --days N`: the landed scenario with `as_of` moved N days forward, the way a daily
 * scheduler advances it. The world (seed, horizon, sizes) stays the same, so by the determinism
 * contract the new landing equals a fresh run as of the new date.
 */
export function steppedScenario(meta: Record<string, string>, days: number, warehouse: string): Scenario {
  if (!meta.scenario) {
    throw new InputError(`${warehouse} has no landing to step from; run \`sim --seed 42 --warehouse ${warehouse}\` first`);
  }
  const scenario = JSON.parse(meta.scenario) as Scenario;
  const asOf = addDays(scenario.as_of, days);
  const left = daysBetween(scenario.as_of, scenario.end_date);
  if (left === 0) {
    throw new InputError(
      `the landing is already as of its end_date ${scenario.end_date}; land with an earlier --as-of (sim --seed ${scenario.seed} --as-of YYYY-MM-DD) or a later --end-date, then step`,
    );
  }
  if (asOf > scenario.end_date) {
    throw new InputError(
      `--days ${days} would move as_of from ${scenario.as_of} to ${asOf}, past the scenario's end_date ${scenario.end_date}; use at most --days ${left} or re-land with a later --end-date`,
    );
  }
  return { ...scenario, as_of: asOf };
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
