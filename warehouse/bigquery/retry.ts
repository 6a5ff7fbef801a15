/**
 * Which BigQuery failures are worth another attempt, and when. BigQuery's own guidance (and
 * dbt-bigquery's list) is to retry rate limits and backend errors with exponential backoff; a
 * syntax error, a missing table or a byte limit fails the same way every time.
 */

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
}

/** No jitter on purpose: the schedule is part of the tested behaviour (1 s, 2 s, 4 s, 8 s). */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 1000, multiplier: 2, maxDelayMs: 32_000 };

/** The wait before attempt `retry + 1` (retry counts from 0). */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** retry);
}

const TRANSIENT_REASONS = new Set(['rateLimitExceeded', 'backendError', 'internalError', 'jobBackendError', 'jobInternalError', 'jobRateLimitExceeded']);
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TRANSIENT_NETWORK = /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|EPIPE|socket hang up|network timeout/i;

/** A job's `errorResult.reason` that a new job would likely not hit. */
export function isTransientReason(reason: string | undefined): boolean {
  return reason !== undefined && TRANSIENT_REASONS.has(reason);
}

/** An HTTP or network error from the client (ApiError has `code` and `errors[].reason`). */
export function isTransientError(error: unknown): boolean {
  const e = error as { code?: unknown; errors?: { reason?: string }[]; message?: string };
  // BigQuery reports some rate limits as 403 rateLimitExceeded: the reason decides, not the status.
  if (e?.errors?.some((x) => isTransientReason(x.reason))) return true;
  if (typeof e?.code === 'number') return TRANSIENT_STATUS.has(e.code);
  if (typeof e?.code === 'string' && TRANSIENT_NETWORK.test(e.code)) return true;
  return TRANSIENT_NETWORK.test(String(e?.message ?? ''));
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
