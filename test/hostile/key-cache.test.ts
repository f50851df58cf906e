/**
 * Issue 21 item 8: a planted JWKS in the job's key cache is not trusted. The one-hour cap on how
 * long kept keys verify tokens applies on read too (an entry that claims ten years is stale an
 * hour after its fetch), and the entry must be the job user's own owner-only file. The attacker's
 * token, signed by the planted key, is refused before STS is called.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakes, type Fakes } from '../helpers/fakes.js';
import { startJob, type Job } from '../helpers/profiles.js';
import { createSigningKey, type SigningKey } from '../../src/local/issuer-keys.js';
import { mintToken } from '../../src/local/issuer-tokens.js';
import { giveToOtherUser, IS_ROOT, skipReasonUnlessRoot } from '../helpers/other-user.js';

let fakes: Fakes;
let job: Job;
let attackerKey: SigningKey;
beforeAll(async () => {
  fakes = await startFakes();
  attackerKey = await createSigningKey('attacker-key');
});
afterAll(() => fakes.close());
beforeEach(() => {
  fakes.reset();
  job = startJob(fakes.env);
});
afterEach(() => job.close());

const HOUR = 3_600_000;

/** The kept-keys file the action reads for the issuer (src/job/key-store.ts), holding the attacker's key. */
function plantKeys(times: { fetchedAt: number; expiresAt: number }): string {
  const dir = join(job.runnerTemp, 'keyless', 'cache', 'jwks');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${createHash('sha256').update(fakes.issuer.url, 'utf8').digest('hex')}.json`);
  const kept = { version: 1, issuer: fakes.issuer.url, jwksUri: `${fakes.issuer.url}/.well-known/jwks`, jwks: { keys: [attackerKey.publicJwk] }, ...times };
  writeFileSync(file, JSON.stringify(kept), { mode: 0o600 });
  return file;
}

/** A step whose token (from a file) the attacker signed, with claims the policy would like. */
async function stepWithAttackersToken() {
  const token = await mintToken({ claims: { aud: 'sts.amazonaws.com', sub: 'repo:octo-org/octo-repo:ref:refs/heads/main' } }, fakes.issuer.defaultClaims, attackerKey, () => createSigningKey());
  const tokenFile = join(job.runnerTemp, 'attacker-token');
  writeFileSync(tokenFile, token);
  return job.step({ ...fakes.inputs, 'web-identity-token-file': tokenFile, 'require-claims': 'sub: repo:octo-org/*' });
}

describe('a planted JWKS in the key cache', () => {
  it('an entry fetched two hours ago that claims ten years is stale: the live keys are fetched, and the forged token never reaches STS', async () => {
    const now = Date.now();
    plantKeys({ fetchedAt: now - 2 * HOUR, expiresAt: now + 10 * 365 * 24 * HOUR });
    const step = await stepWithAttackersToken();
    expect(step.exitCode).not.toBe(0);
    expect(step.errors.join('\n')).toMatch(/OIDC token rejected before calling STS: unknown signing key: kid "attacker-key"/);
    expect(fakes.sts.calls).toHaveLength(0);
    expect(fakes.actionIssuerRequests()).toContain('/.well-known/jwks');
  });

  it.skipIf(!IS_ROOT)("a fresh-looking entry that is another user's file is not read", async () => {
    const now = Date.now();
    giveToOtherUser(plantKeys({ fetchedAt: now - 1000, expiresAt: now + 10 * 60_000 }));
    const step = await stepWithAttackersToken();
    expect(step.exitCode).not.toBe(0);
    expect(step.errors.join('\n')).toMatch(/OIDC token rejected before calling STS: unknown signing key: kid "attacker-key"/);
    expect(fakes.sts.calls).toHaveLength(0);
  });

  it('a fresh-looking entry that others may read and write (0666) is not read', async () => {
    const now = Date.now();
    chmodSync(plantKeys({ fetchedAt: now - 1000, expiresAt: now + 10 * 60_000 }), 0o666);
    const step = await stepWithAttackersToken();
    expect(step.exitCode).not.toBe(0);
    expect(step.errors.join('\n')).toMatch(/OIDC token rejected before calling STS: unknown signing key: kid "attacker-key"/);
    expect(fakes.sts.calls).toHaveLength(0);
  });
  skipReasonUnlessRoot();
});
