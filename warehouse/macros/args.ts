import { InputError } from '../../contract/errors.ts';

/** Valid date parts, in dbt's spelling. `week` is always the ISO week (Monday start) on every engine. */
export const DATE_PARTS = ['microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type DatePart = (typeof DATE_PARTS)[number];

const ALIASES: Record<string, DatePart> = { isoweek: 'week', days: 'day', months: 'month', years: 'year', weeks: 'week', hours: 'hour', minutes: 'minute', seconds: 'second' };

/** Accepts 'day', "'day'", DAY; throws one clear line for anything else. */
export function datePart(value: unknown, macro: string): DatePart {
  const text = String(value ?? '').trim().replace(/^['"]|['"]$/g, '').toLowerCase();
  const part = (ALIASES[text] ?? text) as DatePart;
  if (!DATE_PARTS.includes(part)) {
    throw new InputError(`${macro}: unknown date part '${String(value)}' (accepted: ${DATE_PARTS.join(', ')})`);
  }
  return part;
}

/** A SQL expression argument: strings are SQL as written, numbers and relations their text. */
export function sql(value: unknown, macro: string, param: string): string {
  if (value === undefined || value === null || value === '') throw new InputError(`${macro}: argument '${param}' is required`);
  return String(value);
}

/** True for date parts of a day or coarser (their truncations are dates, not timestamps). */
export function isDateGrain(part: DatePart): boolean {
  return part === 'day' || part === 'week' || part === 'month' || part === 'quarter' || part === 'year';
}

/** The scenario's "today" (var as_of, YYYY-MM-DD or a timestamp); the models never read the clock. */
export function asOf(vars: Record<string, unknown>, macro: string): string {
  const value = vars.as_of;
  if (value === undefined || value === null || value === '') {
    throw new InputError(`${macro}: var 'as_of' is not set (the runner sets it from landing._sim_meta; or pass --vars '{as_of: 2024-12-31}')`);
  }
  const text = String(value);
  if (!/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(text)) {
    throw new InputError(`${macro}: var 'as_of' must be YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS', got '${text}'`);
  }
  return text.replace('T', ' ');
}

export function asOfDate(vars: Record<string, unknown>, macro: string): string {
  return asOf(vars, macro).slice(0, 10);
}

/** "Now" for the models: the end of the as_of day when as_of is a date. */
export function asOfTimestamp(vars: Record<string, unknown>, macro: string): string {
  const text = asOf(vars, macro);
  return text.length === 10 ? `${text} 23:59:59` : text;
}

export function listArg(value: unknown, macro: string, param: string): string[] {
  if (Array.isArray(value)) return value.map((v) => sql(v, macro, param));
  return [sql(value, macro, param)];
}
