/**
 * Retry with capped exponential backoff and full jitter, bounded by attempts and by a deadline,
 * honouring a server's Retry-After. Only errors the caller classifies as transient are retried.
 */

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Epoch ms after which no new attempt starts. */
  readonly deadline: number;
}

/**
 * Defaults: 12 attempts (as configure-aws-credentials), 200 ms doubling to at most 3 s. Full
 * jitter averages half the ceiling, so all 12 attempts fit in about 13 s, well inside the
 * default action-timeout-s, and a wide matrix build spreads out instead of retrying in step.
 */
export const DEFAULT_BACKOFF = { baseDelayMs: 200, maxDelayMs: 3000 } as const;

/** No attempt is started with less time than this before the deadline: it could not finish. */
export const MIN_ATTEMPT_MS = 1000;

/** One attempt's time limit: the request timeout, or what is left before the deadline if less. */
export function attemptTimeoutMs(requestTimeoutMs: number, deadline: number, now = Date.now()): number {
  return Math.max(MIN_ATTEMPT_MS, Math.min(requestTimeoutMs, deadline - now));
}

export interface RetryHooks {
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** How long the server asked us to wait (its Retry-After), if it did. */
  readonly retryAfterMs?: (error: unknown) => number | undefined;
  /** True once nobody waits for the result (a parallel request whose partner failed): stop quietly. */
  readonly abandoned?: () => boolean;
}

/** Full jitter: uniform in [0, min(cap, base · 2^(attempt-1))). Spreads a thundering matrix build. */
export function backoffDelayMs(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** A Retry-After header value (seconds, or an HTTP date) in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export class RetriesExhausted extends Error {
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
    readonly stoppedByDeadline: boolean,
    /** The server's Retry-After that the deadline did not leave room for, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(`gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`, { cause: lastError });
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation` until it succeeds, `isRetryable` says no, attempts run out, or the next
 * attempt could not start before the deadline. A non-retryable error is rethrown as it is;
 * running out of attempts or time throws RetriesExhausted carrying the last error.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const random = hooks.random ?? Math.random;
  const sleep = hooks.sleep ?? defaultSleep;
  const now = hooks.now ?? Date.now;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (attempt >= policy.maxAttempts || hooks.abandoned?.()) throw new RetriesExhausted(attempt, error, false);
      const retryAfterMs = hooks.retryAfterMs?.(error);
      const delayMs = Math.max(backoffDelayMs(attempt, policy, random), retryAfterMs ?? 0);
      if (now() + delayMs + MIN_ATTEMPT_MS > policy.deadline) throw new RetriesExhausted(attempt, error, true, retryAfterMs);
      hooks.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
