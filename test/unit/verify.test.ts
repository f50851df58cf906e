import { describe, expect, it } from 'vitest';
import { decodeJwt, type JSONWebKeySet } from 'jose';
import { checkStandardClaims, duplicateTopLevelName, verifyToken, warmUpVerification } from '../../src/verify/token.js';
import { KeylessError } from '../../src/shared/errors.js';
import { corpusJson, corpusTokens } from '../helpers/corpus.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const GITHUB_KEYS = corpusJson<JSONWebKeySet>('oidc-tokens', 'jwks_UNION_all_known_kids.json');
const TOKENS = corpusTokens();

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KeylessError);
    expect((error as KeylessError).code).toBe('token-rejected');
    return (error as KeylessError).message;
  }
  throw new Error('expected the token to be rejected');
}

function flipChar(text: string, index: number): string {
  const c = text[index]!;
  return text.slice(0, index) + (c === 'A' ? 'B' : 'A') + text.slice(index + 1);
}

describe('real GitHub OIDC tokens against the saved GitHub JWKS', () => {
  it('the corpus holds the 8 tokens', () => expect(TOKENS).toHaveLength(8));

  it.each(TOKENS)('$name verifies inside its lifetime', async ({ token }) => {
    const claims = decodeJwt(token);
    const verified = await verifyToken(token, {
      issuer: ISSUER,
      audience: Array.isArray(claims.aud) ? claims.aud[0]! : claims.aud!,
      keys: GITHUB_KEYS,
      nowSeconds: claims.iat! + 10,
    });
    expect(verified.sub).toBe(claims.sub);
    expect(verified.repository).toBe(claims.repository);
  });

  it.each(TOKENS)('$name is refused once expired', async ({ token }) => {
    const claims = decodeJwt(token);
    const message = await rejection(verifyToken(token, { issuer: ISSUER, audience: String(claims.aud), keys: GITHUB_KEYS, nowSeconds: claims.exp! + 3600 }));
    expect(message).toMatch(/token expired: exp .* is 3600 s before now/);
  });

  it.each(TOKENS)('$name fails after a change to header, payload or signature', async ({ token }) => {
    const claims = decodeJwt(token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const options = { issuer: ISSUER, audience: String(claims.aud), keys: GITHUB_KEYS, nowSeconds: claims.iat! + 10 };
    // Header: change the kid's last character inside the base64 text without breaking JSON is hard;
    // re-encode the header with a field added instead.
    const headerJson = JSON.parse(Buffer.from(header, 'base64url').toString());
    const newHeader = Buffer.from(JSON.stringify({ ...headerJson, x: 1 })).toString('base64url');
    await expect(rejection(verifyToken(`${newHeader}.${payload}.${signature}`, options))).resolves.toMatch(/bad signature/);
    const payloadJson = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const newPayload = Buffer.from(JSON.stringify({ ...payloadJson, repository: 'attacker/repo' })).toString('base64url');
    await expect(rejection(verifyToken(`${header}.${newPayload}.${signature}`, options))).resolves.toMatch(/bad signature/);
    await expect(rejection(verifyToken(`${header}.${payload}.${flipChar(signature, 10)}`, options))).resolves.toMatch(/bad signature/);
  });

  it('a token whose key is not in the JWKS names the kid', async () => {
    const { token } = TOKENS[0]!;
    const claims = decodeJwt(token);
    const keys = { keys: GITHUB_KEYS.keys.filter((k) => k.kid !== JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid) };
    const message = await rejection(verifyToken(token, { issuer: ISSUER, audience: String(claims.aud), keys, nowSeconds: claims.iat! + 10 }));
    expect(message).toMatch(/unknown signing key: kid ".+" is not among the issuer's 7 published key\(s\)/);
  });

  it('the wrong audience is named with both values', async () => {
    const { token } = TOKENS.find((t) => t.name.includes('qoomon'))!;
    const claims = decodeJwt(token);
    const message = await rejection(verifyToken(token, { issuer: ISSUER, audience: 'sigstore', keys: GITHUB_KEYS, nowSeconds: claims.iat! + 10 }));
    expect(message).toBe('OIDC token rejected before calling STS: audience mismatch: expected "sigstore" (input audience), token has aud "sts.amazonaws.com"');
  });

  it('refuses alg none and non-JWT input before any key lookup', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;
    const options = { issuer: ISSUER, audience: 'a', keys: GITHUB_KEYS, nowSeconds: 0 };
    expect(await rejection(verifyToken(none, options))).toMatch(/signature algorithm "none" is not allowed; expected "RS256"/);
    expect(await rejection(verifyToken('not-a-jwt', options))).toMatch(/not a JWT/);
    expect(await rejection(verifyToken('x'.repeat(20_000), options))).toMatch(/20000 characters long/);
  });
});

describe('checkStandardClaims', () => {
  const now = 1_800_000_000;
  const good = { iss: ISSUER, aud: 'sts.amazonaws.com', sub: 'repo:o/r:ref:refs/heads/main', iat: now - 5, nbf: now - 5, exp: now + 295 };
  const expected = { issuer: ISSUER, audience: 'sts.amazonaws.com', nowSeconds: now };
  it.each<[string, Record<string, unknown>, RegExp | undefined]>([
    ['a fresh token', {}, undefined],
    ['aud as an array including ours', { aud: ['other', 'sts.amazonaws.com'] }, undefined],
    ['iat a few seconds ahead (GitHub clock skew)', { iat: now + 5, nbf: now + 5 }, undefined],
    ['exp just passed, inside the leeway', { exp: now - 30 }, undefined],
    ['wrong issuer', { iss: 'https://evil.example' }, /issuer mismatch: expected "https:\/\/token.actions.githubusercontent.com" \(input oidc-issuer\), token has iss "https:\/\/evil.example"/],
    ['issuer with trailing slash', { iss: `${ISSUER}/` }, /issuer mismatch/],
    ['wrong audience', { aud: 'https://github.com/octo-org' }, /audience mismatch: expected "sts.amazonaws.com" \(input audience\), token has aud "https:\/\/github.com\/octo-org"/],
    ['aud array without ours', { aud: ['a', 'b'] }, /audience mismatch.*\["a","b"\]/],
    ['missing aud', { aud: undefined }, /token has aud \(absent\)/],
    ['expired', { exp: now - 120 }, /^token expired: exp 2027-01-15T07:58:00Z is 120 s before now 2027-01-15T08:00:00Z \(leeway 60 s\)$/],
    ['exp as a string', { exp: String(now + 100) }, /claim exp must be a number/],
    ['missing iat', { iat: undefined }, /claim iat must be a number/],
    ['not yet valid', { nbf: now + 600 }, /token not yet valid: nbf .* is 600 s after now/],
    ['issued in the future', { iat: now + 600, nbf: undefined }, /token issued in the future.*600 s after now.*runner's clock/],
    ['empty sub', { sub: '' }, /claim sub must be a non-empty string/],
  ])('%s', (_name, change, problem) => {
    const claims = { ...good, ...change };
    const result = checkStandardClaims(claims, expected);
    if (problem) expect(result).toMatch(problem);
    else expect(result).toBeUndefined();
  });
});

describe('duplicateTopLevelName', () => {
  it.each<[string, string | undefined]>([
    ['{"sub":"a","aud":"b"}', undefined],
    ['{"sub":"a","sub":"b"}', 'sub'],
    ['{"sub":"a","s\\u0075b":"b"}', 'sub'],
    ['{"a":{"x":1,"x":2},"b":1}', undefined],
    ['{"a":[{"sub":1},{"sub":2}],"b":"sub"}', undefined],
    ['{"a":"he said \\"sub\\"","sub":1,"c":",\\"sub\\":"}', undefined],
    ['{ "iss" : 1 , "iss" : 2 }', 'iss'],
  ])('%s → %s', (text, expected) => {
    expect(duplicateTopLevelName(text)).toBe(expected);
  });
});

describe('warmUpVerification', () => {
  it('verifies its own token with its own key: the warm-up runs the success path verifyToken takes', async () => {
    expect(await warmUpVerification()).toBe(true);
  });
});
