import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../simulator/scenario/defaults.ts';
import { addDays, steppedScenario } from './step.ts';

const meta = (asOf: string) => ({ scenario: JSON.stringify({ ...defaultScenario(), as_of: asOf, end_date: '2025-12-31' }) });

describe('steppedScenario', () => {
  it('moves only as_of, across month and year ends', () => {
    const stepped = steppedScenario(meta('2025-02-27'), 3, 'w.duckdb');
    expect(stepped).toEqual({ ...defaultScenario(), as_of: '2025-03-02', end_date: '2025-12-31' });
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('refuses to step past end_date, or without a landing, in one line', () => {
    expect(() => steppedScenario(meta('2025-12-25'), 10, 'w.duckdb')).toThrow(
      "--days 10 would move as_of from 2025-12-25 to 2026-01-04, past the scenario's end_date 2025-12-31; use at most --days 6 or re-land with a later --end-date",
    );
    expect(() => steppedScenario(meta('2025-12-31'), 1, 'w.duckdb')).toThrow(/already as of its end_date 2025-12-31/);
    expect(() => steppedScenario({}, 1, 'w.duckdb')).toThrow(/w\.duckdb has no landing to step from/);
  });
});
