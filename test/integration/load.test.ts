/**
 * A wide matrix build against a throttling or briefly failing STS: 50 real processes of
 * dist/index.js at once. The report (attempts per run, slowest run) goes to the test log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, secretLeaks, type ActionRun } from '../helpers/runner.js';
import { handledSecrets, startFakes, type Fakes } from '../helpers/fakes.js';

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());

/** Deterministic PRNG (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function attemptsOf(run: ActionRun): number {
  return (run.stdout.match(/STS attempt \d+ of \d+ failed/g) ?? []).length + 1;
}

function report(title: string, runs: ActionRun[]): void {
  const histogram = new Map<number, number>();
  for (const run of runs) histogram.set(attemptsOf(run), (histogram.get(attemptsOf(run)) ?? 0) + 1);
  const slowest = Math.max(...runs.map((r) => r.durationMs));
  const lines = [...histogram.entries()].sort(([a], [b]) => a - b).map(([attempts, count]) => `  ${attempts} attempt(s): ${count} run(s)`);
  console.log(`${title}\n${lines.join('\n')}\n  slowest run: ${slowest.toFixed(0)} ms`);
}

describe('load', () => {
  it('50 concurrent runs, 30 % of STS calls throttled: every run succeeds', async () => {
    fakes.sts.calls.length = 0;
    fakes.sts.setThrottleRate(0.3, seeded(20261130));
    const runs = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        runAction({
          inputs: { ...fakes.inputs, 'role-session-name': `matrix-${i}` },
          env: fakes.env,
          killAfterMs: 90_000,
        }),
      ),
    );
    fakes.sts.setThrottleRate(0);
    report('50 runs against an STS that throttles 30 % of calls:', runs);
    for (const run of runs) expect(run.exitCode, run.stdout).toBe(0);
    const throttled = fakes.sts.calls.length - 50;
    expect(throttled).toBeGreaterThan(0);
    expect(new Set(runs.map((r) => r.env.AWS_ACCESS_KEY_ID)).size).toBe(50);
    for (const run of runs) expect(secretLeaks(run, handledSecrets(fakes.sts))).toEqual([]);
  }, 120_000);

  it('STS answers 503 for 3 s: runs with a retry budget succeed, runs without fail clearly', async () => {
    fakes.sts.setDefault({ kind: 'error', status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable' });
    const started = Date.now();
    const patient = Array.from({ length: 10 }, () =>
      runAction({ inputs: { ...fakes.inputs, 'retry-max-attempts': '12' }, env: fakes.env, killAfterMs: 90_000 }),
    );
    const impatient = Array.from({ length: 10 }, () =>
      runAction({ inputs: { ...fakes.inputs, 'disable-retry': 'true' }, env: fakes.env, killAfterMs: 90_000 }),
    );
    // STS recovers after 3 s, but never before every run without retries has had its answer: on a
    // loaded machine those may take longer than 3 s to start.
    const failed = await Promise.all(impatient);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 3000 - (Date.now() - started))));
    fakes.sts.setDefault({ kind: 'ok' });
    const ok = await Promise.all(patient);
    report('10 runs with retry-max-attempts 12 against 3 s of 503s:', ok);
    for (const run of ok) expect(run.exitCode, run.stdout).toBe(0);
    for (const run of failed) {
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(/::error::STS AssumeRoleWithWebIdentity for .* failed after 1 attempt: HTTP 503 ServiceUnavailable: Service is unavailable/);
      expect(run.env).toEqual({});
    }
  }, 120_000);
});
