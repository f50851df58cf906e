import { describe, expect, it } from 'vitest';
import { backoffDelayMs, RetriesExhausted, withRetry } from '../../src/shared/retry.js';

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

  it('does not start an attempt that would begin after the deadline', async () => {
    let now = 0;
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        now += 400;
        throw new Error('slow');
      },
      () => true,
      { ...policy, maxAttempts: 10, deadline: 1000 },
      { random: () => 0.99, now: () => now, sleep: async (ms) => void (now += ms) },
    ).catch((e: unknown) => e);
    expect((error as RetriesExhausted).stoppedByDeadline).toBe(true);
    expect(calls).toBe(2);
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
