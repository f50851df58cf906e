/**
 * Injected faults at the runner level. Each ends in success after retry or in a clear error
 * naming the cause, within the configured timeouts, and never with credentials half-exported.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAction, secretLeaks, type ActionRun } from '../helpers/runner.js';
import { handledSecrets, startFakes, type Fakes } from '../helpers/fakes.js';
import type { IssuerFault } from '../../src/local/issuer.js';
import type { StsBehaviour } from '../../src/local/sts.js';

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(() => {
  fakes.reset();
});

const FAST = { 'action-timeout-s': '4', 'retry-max-attempts': '2' };

function run(inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  return runAction({ inputs: { ...fakes.inputs, ...FAST, ...inputs }, env: { ...fakes.env, ...env }, killAfterMs: 30_000 });
}

/** Either everything was exported or nothing was: never a partial set of credentials. */
function expectAllOrNothing(result: ActionRun) {
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
  const present = names.filter((name) => result.env[name] !== undefined);
  expect(present.length === 0 || present.length === names.length, `partial export: ${present.join(', ')}`).toBe(true);
  expect(result.exitCode === 0).toBe(present.length === names.length);
  expect(secretLeaks(result, handledSecrets(fakes.sts))).toEqual([]);
}

describe('issuer faults (discovery and JWKS)', () => {
  it.each<[string, IssuerFault, RegExp]>([
    ['JWKS endpoint down', 'down', /Could not get the OIDC issuer's signing keys: discovery document http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration: HTTP 503 \(2 attempts\)/],
    ['JWKS endpoint returns garbage', 'garbage', /Could not get the OIDC issuer's signing keys: discovery document .* is not JSON/],
    ['discovery names another issuer', { discoveryIssuer: 'https://evil.example' }, /discovery document .* names issuer "https:\/\/evil\.example", expected "http:\/\/127\.0\.0\.1:\d+"/],
  ])('%s', async (_name, fault, message) => {
    fakes.issuer.setFault(fault);
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(message);
    expect(fakes.sts.calls).toHaveLength(0);
    expectAllOrNothing(result);
  });

  it('JWKS endpoint never answers: ends within action-timeout-s', async () => {
    fakes.issuer.setFault('hang');
    const result = await run();
    expect(result.errors.join('\n')).toMatch(/Could not get the OIDC issuer's signing keys: discovery document \S+: no complete answer within 3 s \(1 attempt, stopped by action-timeout-s\)/);
    expect(result.durationMs).toBeLessThan(8000);
    expect(fakes.sts.calls).toHaveLength(0);
    expectAllOrNothing(result);
  });

  it('key rotation: a token signed by a key the fetched JWKS lacks triggers one more fetch', async () => {
    await fakes.issuer.rotateKey();
    fakes.issuer.setFault('stale-jwks-once');
    const before = fakes.actionIssuerRequests().filter((p) => p.endsWith('/jwks')).length;
    const result = await run();
    expect(result.exitCode, result.stdout).toBe(0);
    expect(fakes.actionIssuerRequests().filter((p) => p.endsWith('/jwks')).length - before).toBe(2);
    expectAllOrNothing(result);
  });

  it('a key dropped from the JWKS is refused after the one extra fetch', async () => {
    fakes.issuer.setRunnerTokenOptions({ header: { kid: 'retired-key' } });
    const result = await run();
    expect(result.errors.join('\n')).toMatch(/unknown signing key: kid "retired-key"/);
    expectAllOrNothing(result);
  });
});

describe('STS faults', () => {
  it.each<[string, StsBehaviour[], RegExp | 'ok', number]>([
    ['reset before answering, then fine', [{ kind: 'reset' }], 'ok', 2],
    ['reset mid-response, then fine', [{ kind: 'reset-mid-response' }], 'ok', 2],
    ['slow but inside the request timeout', [{ kind: 'slow', delayMs: 500 }], 'ok', 1],
    ['500 then fine', [{ kind: 'error', status: 500, code: 'InternalFailure', message: 'internal' }], 'ok', 2],
    ['503 twice', [
      { kind: 'error', status: 503, code: 'ServiceUnavailable', message: 'unavailable' },
      { kind: 'error', status: 503, code: 'ServiceUnavailable', message: 'unavailable' },
    ], /failed after 2 attempts: HTTP 503 ServiceUnavailable: unavailable/, 2],
    ['reset twice', [{ kind: 'reset' }, { kind: 'reset' }], /failed after 2 attempts: (ECONNRESET|socket hang up)/, 2],
    ['malformed XML', [{ kind: 'raw', status: 200, body: '<AssumeRoleWithWebIdentityResponse><Assu', contentType: 'text/xml' }], /not valid STS XML|without complete credentials/, 1],
    [
      'XML without credentials',
      [{ kind: 'raw', status: 200, body: '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/deploy/s</Arn><AssumedRoleId>AROAX:s</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>', contentType: 'text/xml' }],
      /STS answered AssumeRoleWithWebIdentity without complete credentials .*; nothing was exported/,
      1,
    ],
    ['Expiration in the past', [{ kind: 'expired-credentials' }], /without credentials that are still valid \(Expiration .* is in the past\)/, 1],
    ['HTML error page with 502', [{ kind: 'raw', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' }, { kind: 'raw', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' }], /failed after 2 attempts: HTTP 502/, 2],
  ])('%s', async (_name, behaviours, outcome, calls) => {
    fakes.sts.script(...behaviours);
    const result = await run();
    if (outcome === 'ok') {
      expect(result.exitCode, result.stdout).toBe(0);
    } else {
      expect(result.exitCode).toBe(1);
      expect(result.errors.join('\n')).toMatch(outcome);
    }
    expect(fakes.sts.calls).toHaveLength(calls);
    expectAllOrNothing(result);
  });

  it('connection refused', async () => {
    const result = await run({}, { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
    expect(result.errors.join('\n')).toMatch(/failed after 2 attempts: ECONNREFUSED/);
    expectAllOrNothing(result);
  });

  it('slower than the request timeout, every time: ends within action-timeout-s', async () => {
    fakes.sts.setDefault({ kind: 'hang' });
    const result = await run({ 'action-timeout-s': '3' });
    expect(result.errors.join('\n')).toMatch(/got no answer before action-timeout-s ran out: 1 attempt/);
    expect(result.durationMs).toBeLessThan(7000);
    expectAllOrNothing(result);
  });
});
