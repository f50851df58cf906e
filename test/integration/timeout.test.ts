/** With default settings, an STS that never answers ends the run with a timeout error within 45 s. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runAction } from '../helpers/runner.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
  fakes.sts.setDefault({ kind: 'hang' });
});
afterAll(() => fakes.close());

it('a silent STS ends in a clear timeout error, not a hang, with default settings', async () => {
  const result = await runAction({ inputs: fakes.inputs, env: fakes.env, killAfterMs: 60_000 });
  expect(result.exitCode).toBe(1);
  expect(result.durationMs).toBeLessThan(45_000);
  expect(result.stdout).toMatch(
    // Retried until action-timeout-s (40 s): the last attempt gets what is left, and STS's own error wins the race.
    /::error::STS AssumeRoleWithWebIdentity for arn:aws:iam::123456789012:role\/deploy got no answer before action-timeout-s ran out: [34] attempts, each with a timeout of up to 10 s/,
  );
  expect(fakes.sts.calls.length).toBeGreaterThanOrEqual(3);
  expect(result.env).toEqual({});
}, 60_000);
