/**
 * The job's issuer keys against the loopback issuer (real HTTP) and the file store in a temporary
 * folder: kept keys are used without a request, `refresh` always fetches, and what the JWKS
 * response's Cache-Control forbids is not kept.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalIssuer, type LocalIssuer } from '../../src/local/issuer.js';
import { jobIssuerKeys } from '../../src/verify/job-keys.js';
import { fileKeyStore, jobKeyStore, type KeyStore } from '../../src/job/key-store.js';

let issuer: LocalIssuer;
let dir: string;
let store: KeyStore;
const NOW = 1_900_000_000_000;
const source = () => ({ issuer: issuer.url, timeoutMs: 2000, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, deadline: Date.now() + 10_000 } });
const requests = () => issuer.requests.map((r) => r.path);

beforeAll(async () => {
  issuer = await startLocalIssuer();
});
afterAll(() => issuer.close());
beforeEach(() => {
  issuer.requests.length = 0;
  issuer.setJwksCacheControl('max-age=600');
  dir = mkdtempSync(join(tmpdir(), 'keyless-keys-'));
  store = fileKeyStore(join(dir, 'jwks'), [dir]);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('jobIssuerKeys', () => {
  it('fetches once, keeps the keys for max-age, then serves them without a request', async () => {
    let now = NOW;
    const keys = jobIssuerKeys(source(), store, { now: () => now });
    const first = await keys.current();
    expect(first.keys.map((k) => k.kid)).toEqual([issuer.kid]);
    expect(requests().sort()).toEqual(['/.well-known/jwks', '/.well-known/openid-configuration']);
    expect(store.read(issuer.url)).toMatchObject({ issuer: issuer.url, jwksUri: `${issuer.url}/.well-known/jwks`, fetchedAt: NOW, expiresAt: NOW + 600_000 });
    now = NOW + 599_999;
    expect(await jobIssuerKeys(source(), store, { now: () => now }).current()).toEqual(first);
    expect(requests()).toHaveLength(2);
    now = NOW + 600_000;
    await jobIssuerKeys(source(), store, { now: () => now }).current();
    expect(requests()).toHaveLength(4);
  });

  it('keepLater: fetched keys reach the store only at keepFetched(), once', async () => {
    const keys = jobIssuerKeys(source(), store, { now: () => NOW, keepLater: true });
    await keys.current();
    expect(store.read(issuer.url)).toBeUndefined();
    keys.keepFetched();
    expect(store.read(issuer.url)).toMatchObject({ issuer: issuer.url, fetchedAt: NOW, expiresAt: NOW + 600_000 });
    store.remove(issuer.url);
    keys.keepFetched();
    expect(store.read(issuer.url)).toBeUndefined();
  });

  it('refresh always fetches, and keeps what it fetched', async () => {
    const keys = jobIssuerKeys(source(), store, { now: () => NOW });
    await keys.current();
    await issuer.rotateKey({ dropOld: true });
    expect((await keys.current()).keys.map((k) => k.kid)).not.toEqual([issuer.kid]);
    expect((await keys.refresh()).keys.map((k) => k.kid)).toEqual([issuer.kid]);
    expect(requests()).toHaveLength(4);
    expect((await keys.current()).keys.map((k) => k.kid)).toEqual([issuer.kid]);
  });

  it('no-store: nothing is kept, and what was kept goes', async () => {
    const keys = jobIssuerKeys(source(), store, { now: () => NOW });
    await keys.current();
    issuer.setJwksCacheControl('no-store');
    await keys.refresh();
    expect(store.read(issuer.url)).toBeUndefined();
  });

  it('a store that cannot be written costs a fetch next time, nothing else', async () => {
    const messages: string[] = [];
    const failing: KeyStore = { read: () => undefined, write: () => { throw new Error('disk full'); }, remove: () => undefined };
    const keys = await jobIssuerKeys(source(), failing, { now: () => NOW, debug: (m) => messages.push(m) }).current();
    expect(keys.keys).toHaveLength(1);
    expect(messages).toEqual(["the issuer's keys were not kept for the job: disk full"]);
  });

  it('without a store (no RUNNER_TEMP) every call fetches', async () => {
    expect(jobKeyStore(undefined)).toBeUndefined();
    const keys = jobIssuerKeys(source(), undefined);
    await keys.current();
    await keys.current();
    expect(requests()).toHaveLength(4);
  });
});

describe('fileKeyStore', () => {
  const kept = (issuerUrl: string) => ({ issuer: issuerUrl, jwksUri: `${issuerUrl}/.well-known/jwks`, jwks: { keys: [{ kty: 'RSA', kid: 'k' }] }, fetchedAt: NOW, expiresAt: NOW + 1000 });

  it('keeps each issuer apart, owner-only', () => {
    store.write(kept('https://a.example'));
    store.write(kept('https://b.example/enterprise'));
    expect(store.read('https://a.example')).toEqual(kept('https://a.example'));
    expect(store.read('https://b.example/enterprise')).toEqual(kept('https://b.example/enterprise'));
    expect(store.read('https://b.example')).toBeUndefined();
    const files = readdirSync(join(dir, 'jwks'));
    expect(files).toHaveLength(2);
    for (const file of files) expect(statSync(join(dir, 'jwks', file)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'jwks')).mode & 0o777).toBe(0o700);
  });

  it.each([
    ['torn', (text: string) => text.slice(0, 30)],
    ['for another issuer', (text: string) => text.replace('https://a.example', 'https://evil.example')],
    ['with no keys array', (text: string) => text.replace(/"keys":\[[^\]]*\]/, '"keys":{}')],
    ['of another version', (text: string) => text.replace('"version":1', '"version":9')],
  ])('a file that is %s is no entry', (_name, damage) => {
    store.write(kept('https://a.example'));
    const [file] = readdirSync(join(dir, 'jwks'));
    const path = join(dir, 'jwks', file!);
    writeFileSync(path, damage(readFileSync(path, 'utf8')));
    expect(store.read('https://a.example')).toBeUndefined();
  });
});
