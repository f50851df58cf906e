/**
 * The issuer's keys kept for the job (RUNNER_TEMP/keyless/cache/jwks): a later invocation of the
 * action and every refresh of the credential process skip discovery and the JWKS, as long as the
 * JWKS response's Cache-Control allows. Requests are counted at the loopback issuer.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakes, type Fakes } from '../helpers/fakes.js';
import { clearCredentialCache, credentialProcessLine, runCommandLine, startJob, type Job } from '../helpers/profiles.js';
import { DEFAULT_JWKS_CACHE_CONTROL } from '../../src/local/issuer.js';
import { DEFAULT_KEYS_LIFETIME_SECONDS, MAX_KEYS_LIFETIME_SECONDS } from '../../src/verify/key-freshness.js';

const DISCOVERY = '/.well-known/openid-configuration';
const JWKS = '/.well-known/jwks';

let fakes: Fakes;
let job: Job;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(() => {
  fakes.issuer.setJwksCacheControl(DEFAULT_JWKS_CACHE_CONTROL);
  fakes.issuer.setRunnerTokenOptions({});
  job = startJob(fakes.env);
});
afterEach(() => job.close());

/** The action's discovery and JWKS requests since `since` (STS's own JWKS fetches excluded). */
const keyRequests = (since: number) => fakes.actionIssuerRequests().slice(since).filter((path) => path === DISCOVERY || path === JWKS);
const keyCacheDir = () => join(job.runnerTemp, 'keyless', 'cache', 'jwks');
function keptKeys(): { file: string; value: { issuer: string; fetchedAt: number; expiresAt: number; jwks: { keys: { kid: string }[] } } } {
  const [name, ...more] = readdirSync(keyCacheDir());
  expect(more).toEqual([]);
  const file = join(keyCacheDir(), name!);
  return { file, value: JSON.parse(readFileSync(file, 'utf8')) };
}

async function step(inputs: Record<string, string> = {}) {
  const since = fakes.actionIssuerRequests().length;
  const run = await job.step({ ...fakes.inputs, ...inputs });
  expect(run.exitCode, run.stdout).toBe(0);
  return keyRequests(since);
}

describe('the job keeps the issuer keys', () => {
  it('a second invocation in the job makes no discovery or JWKS request', async () => {
    expect((await step()).sort()).toEqual([DISCOVERY, JWKS].sort());
    expect(await step()).toEqual([]);
    const { value } = keptKeys();
    expect(value.issuer).toBe(fakes.issuer.url);
    expect(value.jwks.keys.map((key) => key.kid)).toEqual([fakes.issuer.kid]);
    expect(value.expiresAt - value.fetchedAt).toBe(3600 * 1000);
  });

  it('every refresh of the credential process skips discovery and the JWKS', async () => {
    await step({ 'refresh-credentials': 'true', 'aws-profile': 'long' });
    const command = credentialProcessLine(job.env.AWS_CONFIG_FILE!, 'long');
    const since = fakes.actionIssuerRequests().length;
    for (let i = 0; i < 2; i++) {
      clearCredentialCache(job);
      const run = await runCommandLine(command, { ...job.env, AWS_ENDPOINT_URL_STS: undefined });
      expect(run.exitCode, run.stderr).toBe(0);
    }
    // Two refreshes: two token requests, and nothing else at the issuer.
    expect(fakes.actionIssuerRequests().slice(since)).toEqual(['/_apis/token', '/_apis/token']);
  });

  it.each([
    ['no-store', 'no-store'],
    ['no-cache', 'public, no-cache'],
    ['max-age=0', 'max-age=0'],
    ['an invalid max-age', 'max-age=soon'],
  ])('Cache-Control %s: every invocation fetches the keys again', async (_name, header) => {
    fakes.issuer.setJwksCacheControl(header);
    expect(await step()).toHaveLength(2);
    expect(await step()).toHaveLength(2);
    expect(existsSync(keyCacheDir()) ? readdirSync(keyCacheDir()) : []).toEqual([]);
  });

  it.each<[string, string | undefined, number]>([
    ['no Cache-Control: the default lifetime', undefined, DEFAULT_KEYS_LIFETIME_SECONDS],
    ['max-age=120', 'max-age=120', 120],
    ['a max-age of a week: capped', 'public, max-age=604800', MAX_KEYS_LIFETIME_SECONDS],
  ])('%s', async (_name, header, seconds) => {
    fakes.issuer.setJwksCacheControl(header);
    await step();
    const { value } = keptKeys();
    expect(value.expiresAt - value.fetchedAt).toBe(seconds * 1000);
    expect(await step()).toEqual([]);
  });

  it('kept keys that have expired are fetched again', async () => {
    await step();
    const { file, value } = keptKeys();
    writeFileSync(file, JSON.stringify({ ...value, version: 1, fetchedAt: Date.now() - 7200_000, expiresAt: Date.now() - 1000 }));
    expect(await step()).toHaveLength(2);
    expect(keptKeys().value.expiresAt).toBeGreaterThan(Date.now());
  });

  it('a damaged key cache file is treated as none', async () => {
    await step();
    writeFileSync(keptKeys().file, '{"version":1,"issuer":');
    expect(await step()).toHaveLength(2);
  });

  it("after a key rotation the token's unknown kid fetches the keys once, and the new keys are kept", async () => {
    await step();
    await fakes.issuer.rotateKey({ dropOld: true });
    // The kept keys lack the new kid: verification asks for fresh keys once, then succeeds.
    expect((await step()).sort()).toEqual([DISCOVERY, JWKS].sort());
    expect(keptKeys().value.jwks.keys.map((key) => key.kid)).toEqual([fakes.issuer.kid]);
    expect(await step()).toEqual([]);
  });

  it('a token signed by a key the issuer never published is still refused, after one fetch', async () => {
    await step();
    fakes.issuer.setRunnerTokenOptions({ header: { kid: 'never-published' } });
    const since = fakes.actionIssuerRequests().length;
    const run = await job.step(fakes.inputs);
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(/unknown signing key: kid "never-published"/);
    expect(keyRequests(since)).toHaveLength(2);
  });
});
