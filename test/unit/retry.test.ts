import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfter, RetriesExhausted, withRetry } from '../../src/shared/retry.js';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, deadline: Number.POSITIVE_INFINITY };

describe('backoffDelayMs: full jitter', () => {
  it.each([
    [1, 0.999, 99],
    [2, 0.999, 199],
    [3, 0.5, 200],
    [5, 0.999, 999],
    [30, 0.999, 999],
    [3, 0, 0],
  ])('attempt %i with random %d waits %i ms', (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, policy, () => random)).toBe(expected);
  });
});

describe('withRetry', () => {
  const noSleep = { sleep: async () => undefined, random: () => 0.5 };

  it('retries what is retryable and returns the first success', async () => {
    let calls = 0;
    const result = await withRetry(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw new Error('throttled');
        return 'ok';
      },
      () => true,
      policy,
      noSleep,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('stops quietly, with no further attempt or retry log, once abandoned', async () => {
    let calls = 0;
    let abandoned = false;
    const logged: number[] = [];
    const error = await withRetry(
      async () => {
        calls++;
        if (calls === 2) abandoned = true;
        throw new Error('unavailable');
      },
      () => true,
      policy,
      { ...noSleep, abandoned: () => abandoned, onRetry: ({ attempt }) => logged.push(attempt) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhausted);
    expect([calls, logged]).toEqual([2, [1]]);
  });

  it('rethrows a non-retryable error after one attempt', async () => {
    let calls = 0;
    const denied = new Error('AccessDenied');
    await expect(
      withRetry(
        async () => {
          calls++;
          throw denied;
        },
        () => false,
        policy,
        noSleep,
      ),
    ).rejects.toBe(denied);
    expect(calls).toBe(1);
  });

  it('stops at maxAttempts with the last error', async () => {
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw new Error(`failure ${calls}`);
      },
      () => true,
      policy,
      noSleep,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhausted);
    expect((error as RetriesExhausted).attempts).toBe(4);
    expect(((error as RetriesExhausted).lastError as Error).message).toBe('failure 4');
    expect((error as RetriesExhausted).stoppedByDeadline).toBe(false);
    expect(calls).toBe(4);
  });

  it('does not start an attempt with less than MIN_ATTEMPT_MS left before the deadline', async () => {
    let now = 0;
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        now += 400;
        throw new Error('slow');
      },
      () => true,
      { ...policy, maxAttempts: 10, deadline: 2500 },
      { random: () => 0.99, now: () => now, sleep: async (ms) => void (now += ms) },
    ).catch((e: unknown) => e);
    // 400 ms a call, delays 99, 198, 396: the fourth would start at 1893 ms with under 1 s left.
    expect((error as RetriesExhausted).stoppedByDeadline).toBe(true);
    expect(calls).toBe(3);
  });

  it('reports each retry with its delay', async () => {
    const seen: number[] = [];
    await withRetry(
      async (attempt) => {
        if (attempt < 3) throw new Error('x');
      },
      () => true,
      policy,
      { ...noSleep, onRetry: ({ attempt, delayMs }) => seen.push(attempt, delayMs) },
    );
    expect(seen).toEqual([1, 50, 2, 100]);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  it.each<[string | undefined, number | undefined]>([
    ['3', 3000],
    [' 0 ', 0],
    ['Tue, 01 Dec 2026 12:00:10 GMT', 10_000],
    ['Tue, 01 Dec 2026 11:59:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it('waits at least what the server asked, even when the backoff is shorter', async () => {
    const waits: number[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls < 2) throw new Error('429');
        return 'ok';
      },
      () => true,
      { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10, deadline: Number.POSITIVE_INFINITY },
      { sleep: async (ms) => void waits.push(ms), random: () => 0.5, retryAfterMs: () => 3000 },
    );
    expect(waits).toEqual([3000]);
  });

  it('gives up at once when the wait asked for would pass the deadline, keeping the ask', async () => {
    const error = await withRetry(
      async () => {
        throw new Error('429');
      },
      () => true,
      { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 10, deadline: 1000 + 2000 },
      { sleep: async () => undefined, now: () => 1000, random: () => 0.5, retryAfterMs: () => 60_000 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhausted);
    expect((error as RetriesExhausted).stoppedByDeadline).toBe(true);
    expect((error as RetriesExhausted).retryAfterMs).toBe(60_000);
    expect((error as RetriesExhausted).attempts).toBe(1);
  });
});
