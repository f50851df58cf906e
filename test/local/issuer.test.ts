import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, exportSPKI, importJWK, jwtVerify } from 'jose';
import { startLocalIssuer, type LocalIssuer } from '../../src/local/issuer.js';

// A real token from github.com in 2026 (see test/corpus/oidc-tokens/SOURCE.txt).
const REAL_TOKEN = JSON.parse(
  readFileSync(
    new URL(
      '../corpus/oidc-tokens/decoded/token_marchenko1985_github_oidc_token_demo.decoded.json',
      import.meta.url,
    ),
    'utf8',
  ),
) as { header: Record<string, unknown>; payload: Record<string, unknown> };

let issuer: LocalIssuer;
beforeEach(async () => {
  issuer = await startLocalIssuer();
});
afterEach(async () => {
  await issuer.close();
});

function verifyWithJwks(token: string, audience?: string) {
  const jwks = createRemoteJWKSet(new URL(`${issuer.url}/.well-known/jwks`), { cooldownDuration: 0, cacheMaxAge: 0 });
  return jwtVerify(token, jwks, { issuer: issuer.url, algorithms: ['RS256'], ...(audience ? { audience } : {}) });
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

describe('discovery and JWKS', () => {
  it('serves a GitHub-shaped discovery document pointing at its JWKS', async () => {
    const { status, body } = await getJson(`${issuer.url}/.well-known/openid-configuration`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: issuer.url,
      jwks_uri: `${issuer.url}/.well-known/jwks`,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid'],
    });
    expect((body as { claims_supported: string[] }).claims_supported).toEqual(expect.arrayContaining(['sub', 'aud', 'repository', 'job_workflow_ref']));
  });

  it('serves the public key only, with kid, alg and use', async () => {
    const { body } = await getJson(`${issuer.url}/.well-known/jwks`);
    const keys = (body as { keys: Record<string, unknown>[] }).keys;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: issuer.kid, n: expect.any(String), e: 'AQAB' });
    expect(issuer.publicJwk).toEqual(keys[0]);
  });

  it('mints tokens that verify against the served JWKS', async () => {
    const { payload, protectedHeader } = await verifyWithJwks(await issuer.mint({ claims: { aud: 'sts.amazonaws.com' } }), 'sts.amazonaws.com');
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: issuer.kid, typ: 'JWT' });
    expect(payload.iss).toBe(issuer.url);
    expect(issuer.requests.map((request) => request.path)).toContain('/.well-known/jwks');
  });

  it('serves a GitHub Enterprise Server-like issuer under a path', async () => {
    const ghes = await startLocalIssuer({ pathPrefix: '/_services/token' });
    try {
      expect(ghes.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_services\/token$/);
      const { body } = await getJson(`${ghes.url}/.well-known/openid-configuration`);
      expect(body).toMatchObject({ issuer: ghes.url, jwks_uri: `${ghes.url}/.well-known/jwks` });
      expect(decodeJwt(await ghes.mint()).iss).toBe(ghes.url);
    } finally {
      await ghes.close();
    }
  });
});

describe('claims', () => {
  it('has exactly the claim names of a real github.com token, with the same value types', async () => {
    const claims = decodeJwt(await issuer.mint());
    expect(Object.keys(claims).sort()).toEqual(Object.keys(REAL_TOKEN.payload).sort());
    for (const [name, value] of Object.entries(REAL_TOKEN.payload)) expect([name, typeof claims[name]]).toEqual([name, typeof value]);
    expect(claims).toMatchObject({
      sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
      aud: 'https://github.com/octo-org',
      repository: 'octo-org/octo-repo',
      repository_owner: 'octo-org',
      job_workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
      event_name: 'push',
      ref_type: 'branch',
      runner_environment: 'github-hosted',
      head_ref: '',
      base_ref: '',
    });
    expect(claims.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lives 300 seconds and becomes valid 300 seconds before iat, as GitHub tokens do', async () => {
    const claims = decodeJwt(await issuer.mint());
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
    expect((claims.iat ?? 0) - (claims.nbf ?? 0)).toBe(300);
    expect(Math.abs((claims.iat ?? 0) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('merges claim overrides, removes claims set to undefined and shifts time', async () => {
    const token = await issuer.mint({
      claims: { sub: 'repo:octo-org/octo-repo:environment:prod', environment: 'prod', ref_protected: undefined },
      lifetimeSeconds: 60,
      issuedAtOffsetSeconds: -600,
    });
    const claims = decodeJwt(token);
    expect(claims.sub).toBe('repo:octo-org/octo-repo:environment:prod');
    expect(claims.environment).toBe('prod');
    expect(claims).not.toHaveProperty('ref_protected');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(60);
    await expect(verifyWithJwks(token)).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it('takes start-time claim overrides into the defaults, deriving the default audience from the owner', async () => {
    const other = await startLocalIssuer({ claims: { repository_owner: 'acme', repository: 'acme/app' } });
    try {
      expect(other.defaultClaims).toMatchObject({ repository_owner: 'acme', repository: 'acme/app', aud: 'https://github.com/acme' });
    } finally {
      await other.close();
    }
  });
});

describe('signing modes', () => {
  it('foreign-key: same kid, signature from another key', async () => {
    const token = await issuer.mint({ signWith: 'foreign-key' });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: issuer.kid });
    await expect(verifyWithJwks(token)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('none: alg none and an empty signature', async () => {
    const token = await issuer.mint({ signWith: 'none' });
    const [, , signature] = token.split('.');
    expect(signature).toBe('');
    expect(decodeProtectedHeader(token).alg).toBe('none');
    await expect(verifyWithJwks(token)).rejects.toThrow();
  });

  it('hs256-with-public-key: an HMAC keyed with the public key PEM, which RS256 verification refuses', async () => {
    const token = await issuer.mint({ signWith: 'hs256-with-public-key' });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', kid: issuer.kid });
    const [header, payload, signature] = token.split('.');
    const publicKey = await importJWK(issuer.publicJwk, 'RS256', { extractable: true });
    if (publicKey instanceof Uint8Array) throw new Error('expected an RSA key');
    const publicKeyPem = await exportSPKI(publicKey);
    const expected = createHmac('sha256', Buffer.from(publicKeyPem)).update(`${header}.${payload}`).digest('base64url');
    expect(signature).toBe(expected);
    await expect(verifyWithJwks(token)).rejects.toBeInstanceOf(errors.JOSEAlgNotAllowed);
  });

  it('header overrides reach the token (an unknown kid fails key lookup)', async () => {
    const token = await issuer.mint({ header: { kid: 'nope', x5t: 'thumb' } });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: 'nope', typ: 'JWT', x5t: 'thumb' });
    await expect(verifyWithJwks(token)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });
});

describe('runner token endpoint', () => {
  const withAudience = (audience: string) => `${issuer.requestUrl}&audience=${encodeURIComponent(audience)}`;

  it('refuses a missing or wrong bearer token', async () => {
    expect((await fetch(withAudience('sts.amazonaws.com'))).status).toBe(401);
    const wrong = await fetch(withAudience('sts.amazonaws.com'), { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('hands out a token whose aud is the audience parameter', async () => {
    expect(issuer.requestUrl).toMatch(/\?api-version=2\.0$/);
    const response = await fetch(withAudience('sts.amazonaws.com'), { headers: { Authorization: `Bearer ${issuer.requestToken}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { count: number; value: string };
    expect(body.count).toBe(1);
    const { payload } = await verifyWithJwks(body.value, 'sts.amazonaws.com');
    expect(payload.sub).toBe('repo:octo-org/octo-repo:ref:refs/heads/main');
    expect(issuer.requests.some((request) => request.path === new URL(issuer.requestUrl).pathname)).toBe(true);
  });

  it('defaults aud to the owner URL and applies setRunnerTokenOptions', async () => {
    const headers = { authorization: `bearer ${issuer.requestToken}` };
    const first = (await (await fetch(issuer.requestUrl, { headers })).json()) as { value: string };
    expect(decodeJwt(first.value).aud).toBe('https://github.com/octo-org');

    issuer.setRunnerTokenOptions({ claims: { sub: 'repo:evil/repo:ref:refs/heads/main' }, signWith: 'foreign-key' });
    const second = (await (await fetch(withAudience('sts.amazonaws.com'), { headers })).json()) as { value: string };
    expect(decodeJwt(second.value)).toMatchObject({ sub: 'repo:evil/repo:ref:refs/heads/main', aud: 'sts.amazonaws.com' });
    await expect(verifyWithJwks(second.value)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });
});

describe('faults and key rotation', () => {
  it('down answers 503 and garbage answers 200 with a body that is not JSON', async () => {
    issuer.setFault('down');
    expect((await fetch(`${issuer.url}/.well-known/jwks`)).status).toBe(503);
    issuer.setFault('garbage');
    const garbage = await fetch(`${issuer.url}/.well-known/openid-configuration`);
    expect(garbage.status).toBe(200);
    await expect(garbage.json()).rejects.toThrow();
    issuer.setFault('ok');
    expect((await fetch(`${issuer.url}/.well-known/jwks`)).status).toBe(200);
  });

  it('hang never answers, and close() still finishes promptly', async () => {
    issuer.setFault('hang');
    const pending = fetch(`${issuer.url}/.well-known/jwks`, { signal: AbortSignal.timeout(200) });
    await expect(pending).rejects.toThrow();
    const hanging = fetch(`${issuer.url}/.well-known/jwks`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await issuer.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hanging).toBeInstanceOf(Error);
  });

  it('can announce a different issuer in discovery', async () => {
    issuer.setFault({ discoveryIssuer: 'https://token.actions.githubusercontent.com' });
    const { body } = await getJson(`${issuer.url}/.well-known/openid-configuration`);
    expect(body).toMatchObject({ issuer: 'https://token.actions.githubusercontent.com', jwks_uri: `${issuer.url}/.well-known/jwks` });
  });

  it('rotates keys, serving old and new until the old one is dropped', async () => {
    const oldKid = issuer.kid;
    const oldToken = await issuer.mint();
    await issuer.rotateKey();
    expect(issuer.kid).not.toBe(oldKid);
    const { body } = await getJson(`${issuer.url}/.well-known/jwks`);
    expect((body as { keys: { kid: string }[] }).keys.map((key) => key.kid)).toEqual([issuer.kid, oldKid]);
    await expect(verifyWithJwks(oldToken)).resolves.toBeDefined();
    await expect(verifyWithJwks(await issuer.mint())).resolves.toBeDefined();

    await issuer.rotateKey({ dropOld: true });
    await expect(verifyWithJwks(oldToken)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });

  it('records every request with its path and time', async () => {
    const before = Date.now();
    await fetch(`${issuer.url}/.well-known/openid-configuration`);
    await fetch(`${issuer.url}/nowhere`);
    expect(issuer.requests.map((request) => request.path)).toEqual(['/.well-known/openid-configuration', '/nowhere']);
    expect(issuer.requests[0]?.at).toBeGreaterThanOrEqual(before);
  });
});

describe('simulated network latency', () => {
  it('delays every response by at least the configured time', async () => {
    const issuer = await startLocalIssuer();
    try {
      issuer.setLatency(120);
      const started = performance.now();
      const response = await fetch(`${issuer.url}/.well-known/jwks`);
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    } finally {
      await issuer.close();
    }
  });
});
