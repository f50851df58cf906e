/** The credential cache's pure rules: keys, entries read back, when credentials may be handed out. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contextFromEnv } from '../helpers/context.js';
import { parseSettings } from '../../src/inputs/settings.js';
import { buildProcessConfig, type CredentialProcessConfig } from '../../src/credential-process/config.js';
import { accountProblem, accountsFor, cacheFileName, canHandOut, credentialCacheKey, parseCacheEntry, REFRESH_MARGIN_SECONDS, serializeCacheEntry, type CacheEntry } from '../../src/credential-process/cache-policy.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const BASE_INPUTS = { 'role-to-assume': ROLE, 'aws-region': 'eu-west-1' };

/** The configuration the action writes for these inputs. */
function configFor(inputs: Record<string, string>, env: Record<string, string> = {}, profile = 'deploy'): CredentialProcessConfig {
  const all: Record<string, string> = { ...BASE_INPUTS, ...inputs };
  const context = contextFromEnv({ GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '1', ...env });
  const settings = parseSettings((name) => (all[name] ?? '').trim(), context);
  return buildProcessConfig(settings, context, { profile, auditFile: '/t/keyless/audit.jsonl', cwd: '/work/repo' }).config;
}

describe('credentialCacheKey', () => {
  const base = credentialCacheKey(configFor({}), {});

  it('is the same for the same configuration, and holds no secret of the runner', () => {
    expect(credentialCacheKey(configFor({}), {})).toBe(base);
    const env = { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-bearer-secret', ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner.example/token?secret=1' };
    expect(credentialCacheKey(configFor({}, env), env)).not.toMatch(/runner-bearer-secret|secret=1/);
  });

  it.each<[string, Record<string, string>]>([
    ['another role', { 'role-to-assume': 'arn:aws:iam::123456789012:role/other' }],
    ['a role-by-environment table', { 'role-to-assume': '', 'role-by-environment': `production: ${ROLE}` }],
    ['another session name', { 'role-session-name': 'other' }],
    ['another duration', { 'role-duration-seconds': '7200' }],
    ['an inline session policy', { 'inline-session-policy': '{"Version":"2012-10-17","Statement":[]}' }],
    ['a managed session policy', { 'managed-session-policies': 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    ['another region', { 'aws-region': 'us-east-1' }],
    ['another issuer', { 'oidc-issuer': 'https://token.actions.githubusercontent.com/octo-enterprise' }],
    ['another audience', { audience: 'https://github.com/octo-org' }],
    ['an STS endpoint', { 'sts-endpoint': 'https://sts.eu-west-1.amazonaws.com' }],
    ['require-claims', { 'require-claims': 'environment: production' }],
    ['a trust policy', { 'trust-policy': 'trust.json' }],
    ['allowed account ids', { 'allowed-account-ids': '123456789012' }],
    ['a token file', { 'web-identity-token-file': '/tmp/token' }],
  ])('changes with %s', (_name, inputs) => {
    expect(credentialCacheKey(configFor(inputs), {})).not.toBe(base);
  });

  it('changes with the profile, so two profiles never share credentials', () => {
    expect(credentialCacheKey(configFor({}, {}, 'other'), {})).not.toBe(base);
  });

  it("counts the caller's endpoint variables only when the configuration pins no endpoint", () => {
    expect(credentialCacheKey(configFor({}), { AWS_ENDPOINT_URL_STS: 'http://localhost:4566' })).not.toBe(base);
    expect(credentialCacheKey(configFor({}), { AWS_ENDPOINT_URL: 'http://localhost:4566' })).not.toBe(base);
    expect(credentialCacheKey(configFor({}), { AWS_ENDPOINT_URL_STS: '' })).toBe(base);
    const pinned = configFor({ 'sts-endpoint': 'https://sts.eu-west-1.amazonaws.com' });
    expect(credentialCacheKey(pinned, { AWS_ENDPOINT_URL_STS: 'http://localhost:4566' })).toBe(credentialCacheKey(pinned, {}));
  });

  it('property: input order never matters, and any changed value changes the key', () => {
    const inputs = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.string(), { minKeys: 1 });
    fc.assert(
      fc.property(inputs, fc.string(), (record, other) => {
        const config = (values: Record<string, string>): CredentialProcessConfig => ({ version: 1, profile: 'p', auditFile: null, inputs: values });
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(credentialCacheKey(config(reversed), {})).toBe(credentialCacheKey(config(record), {}));
        const [name, value] = Object.entries(record)[0]!;
        if (other !== value) expect(credentialCacheKey(config({ ...record, [name]: other }), {})).not.toBe(credentialCacheKey(config(record), {}));
      }),
    );
  });
});

describe('cacheFileName', () => {
  it.each([
    // FNV-1a 64 test vectors (Fowler, Noll, Vo).
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
  ])('FNV-1a of %j is %s', (text, hex) => {
    expect(cacheFileName(text)).toBe(hex);
  });

  it('hashes the UTF-8 bytes, so any key gives a plain file name', () => {
    expect(cacheFileName('ärger/../x')).toMatch(/^[0-9a-f]{16}$/);
    expect(cacheFileName('ä')).not.toBe(cacheFileName('a'));
  });
});

const KEY = '{"version":1,"profile":"deploy"}';
const ENTRY: CacheEntry = {
  version: 2,
  key: KEY,
  obtainedAt: Date.parse('2030-01-01T00:00:00Z'),
  account: '111111111111',
  credentials: { Version: 1, AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: '2030-01-01T01:00:00.000Z' },
};

describe('parseCacheEntry', () => {
  const text = serializeCacheEntry(ENTRY);
  it('reads back what was written', () => {
    expect(parseCacheEntry(text, KEY)).toEqual(ENTRY);
  });

  it.each<[string, string | undefined]>([
    ['no file', undefined],
    ['an empty file', ''],
    ['a torn file', text.slice(0, 40)],
    ['not an object', '[1]'],
    ['null', 'null'],
    ['another version', text.replace('"version":2', '"version":1')],
    ['no account', text.replace('"account":"111111111111",', '')],
    ['an account that is not 12 digits', text.replace('"account":"111111111111"', '"account":"1111"')],
    ['no obtainedAt', text.replace(/"obtainedAt":\d+,/, '')],
    ['an empty secret', text.replace('"SecretAccessKey":"secret"', '"SecretAccessKey":""')],
    ['a credentials Version other than 1', text.replace('"Version":1', '"Version":2')],
    ['an Expiration that is no date', text.replace('2030-01-01T01:00:00.000Z', 'soon')],
  ])('treats %s as no entry', (_name, damaged) => {
    expect(parseCacheEntry(damaged, KEY)).toBeUndefined();
  });

  it("treats another key's entry as no entry (file names may collide; keys never do)", () => {
    expect(parseCacheEntry(text, '{"version":1,"profile":"other"}')).toBeUndefined();
  });
});

describe('canHandOut', () => {
  const expiresAt = Date.parse(ENTRY.credentials.Expiration);
  const minutes = (n: number) => n * 60_000;
  it('has a margin beyond the AWS CLI and botocore advisory refresh window (15 min)', () => {
    expect(REFRESH_MARGIN_SECONDS).toBeGreaterThan(15 * 60);
  });

  it.each<[string, number, number, boolean]>([
    // [what, ms left, invocation started (ms after the entry was obtained), handed out]
    ['40 min left', minutes(40), minutes(20), true],
    ['a minute more than the margin left', REFRESH_MARGIN_SECONDS * 1000 + minutes(1), minutes(30), true],
    ['exactly the margin left', REFRESH_MARGIN_SECONDS * 1000, minutes(30), false],
    ["15 min left (the CLI's advisory window)", minutes(15), minutes(30), false],
    ['expired', -1000, minutes(30), false],
    ['15 min left, but obtained after this invocation started (it waited for that refresh)', minutes(15), -1000, true],
    ['obtained after this invocation started, but expired', -1000, -minutes(61), false],
  ])('%s: %s', (_name, left, startedAfterObtained, expected) => {
    expect(canHandOut(ENTRY, { nowMs: expiresAt - left, startedAtMs: ENTRY.obtainedAt + startedAfterObtained })).toBe(expected);
  });
});

describe('accountsFor and accountProblem: whose credentials a profile may hand out', () => {
  const ROLE_A = 'arn:aws:iam::111111111111:role/deploy';
  const ROLE_B = 'arn:aws:iam::222222222222:role/deploy';
  const config = (inputs: Record<string, string>) => ({ version: 1 as const, profile: 'p', inputs, auditFile: null });
  it.each<[string, Record<string, string>, readonly string[] | undefined]>([
    ['role-to-assume: its account', { 'role-to-assume': ROLE_A }, ['111111111111']],
    ['role-by-environment: every role\'s account', { 'role-by-environment': `prod: ${ROLE_A}\nstaging: ${ROLE_B}` }, ['111111111111', '222222222222']],
    ['narrowed by allowed-account-ids', { 'role-by-environment': `prod: ${ROLE_A}\nstaging: ${ROLE_B}`, 'allowed-account-ids': '222222222222' }, ['222222222222']],
    ['allowed-account-ids alone when no role ARN names an account', { 'allowed-account-ids': '333333333333, 444444444444' }, ['333333333333', '444444444444']],
    ['nothing to check against', {}, undefined],
  ])('%s', (_name, inputs, accounts) => {
    expect(accountsFor(config(inputs))).toEqual(accounts);
  });

  it.each<[string, readonly string[] | undefined, boolean]>([
    ['111111111111', ['111111111111'], true],
    ['999999999999', ['111111111111'], false],
    ['999999999999', [], false],
    ['999999999999', undefined, true],
  ])('an entry for %s with accounts %j: handed out %s', (account, accounts, ok) => {
    expect(accountProblem({ account }, accounts) === undefined).toBe(ok);
  });
});
