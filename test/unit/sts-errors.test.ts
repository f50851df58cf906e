import { describe, expect, it } from 'vitest';
import { classifyStsError, facts, hintFor, isRetryableStsError } from '../../src/assume/sts-errors.js';
import { corpusJson } from '../helpers/corpus.js';

function sdkError(name: string, status: number | undefined, message = name) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, requestId: 'req-1' } });
}

describe('classifying STS failures', () => {
  it.each<[string, unknown, string, boolean]>([
    ['AccessDenied', sdkError('AccessDenied', 403, 'Not authorized to perform sts:AssumeRoleWithWebIdentity'), 'access-denied', false],
    ['Throttling', sdkError('Throttling', 400, 'Rate exceeded'), 'throttled', true],
    ['429', sdkError('SomethingNew', 429), 'throttled', true],
    ['IDPCommunicationError', sdkError('IDPCommunicationError', 400), 'idp-unavailable', true],
    [
      'verification key not retrieved',
      sdkError('InvalidIdentityToken', 400, "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"),
      'idp-unavailable',
      true,
    ],
    ['no OIDC provider', sdkError('InvalidIdentityToken', 400, 'No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com'), 'rejected', false],
    ['incorrect audience', sdkError('InvalidIdentityToken', 400, 'Incorrect token audience'), 'rejected', false],
    ['expired token', sdkError('ExpiredTokenException', 400, 'Token expired'), 'rejected', false],
    ['validation', sdkError('ValidationError', 400, '1 validation error detected'), 'rejected', false],
    ['region disabled', sdkError('RegionDisabledException', 403), 'rejected', false],
    ['500', sdkError('InternalFailure', 500), 'server-error', true],
    ['503', sdkError('ServiceUnavailable', 503), 'server-error', true],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'network', true],
    ['connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'network', true],
    ['our timeout', Object.assign(new Error('no answer'), { name: 'TimeoutError' }), 'timeout', true],
    ['a reset the SDK names TimeoutError', Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' }), 'network', true],
    ['a socket timeout', Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError', code: 'ETIMEDOUT' }), 'timeout', true],
    ['malformed XML with 200', sdkError('Error', 200, 'Deserialization error'), 'bad-response', false],
    ['unknown host', Object.assign(new Error('getaddrinfo ENOTFOUND sts.nowhere'), { code: 'ENOTFOUND' }), 'rejected', false],
  ])('%s', (_name, error, kind, retryable) => {
    expect(classifyStsError(facts(error))).toBe(kind);
    expect(isRetryableStsError(error)).toBe(retryable);
  });

  it('recognises every modeled error code in the corpus, retrying only IDPCommunicationError', () => {
    const catalog = corpusJson<Record<string, unknown>>('sts-responses', 'observed_errors_catalog.json');
    const modeled = Object.entries(catalog).find(([key]) => key.startsWith('modeled_errors'))![1] as { wire_code: string; http: number }[];
    expect(modeled.length).toBeGreaterThan(5);
    for (const { wire_code, http } of modeled) {
      expect(isRetryableStsError(sdkError(wire_code, http)), wire_code).toBe(wire_code === 'IDPCommunicationError');
    }
  });
});

describe('hints keyed by STS messages', () => {
  const context = { issuer: 'https://token.actions.githubusercontent.com', audience: 'sts.amazonaws.com', durationSeconds: 7200 };
  it.each([
    ['No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com', 'InvalidIdentityToken', /no IAM OIDC identity provider/],
    ['Incorrect token audience', 'InvalidIdentityToken', /not in the client-id list/],
    ['The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 'ValidationError', /role-duration-seconds is 7200/],
    ['x', 'RegionDisabledException', /not activated in this region/],
    ['Token expired: current date/time 1626271164 must be before the expiration date/time1626191469', 'ExpiredTokenException', /clock/],
  ])('%s', (message, name, hint) => {
    expect(hintFor(facts(sdkError(name, 400, message)), context).join('\n')).toMatch(hint);
  });
});
