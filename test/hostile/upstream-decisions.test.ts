/**
 * The decisions of issue 21, item 14, each held against the built dist/ (SECURITY.md, "What
 * Keyless decides about its upstreams"): signing keys only from the issuer's own origin; no cap on
 * a token's lifetime beyond its exp; the runner's request token trimmed, never repaired inside. (A
 * socks5:// proxy is refused: test/hostile/endpoints.test.ts.)
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAction } from '../helpers/runner.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(() => fakes.reset());

const run = (inputs: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runAction({ inputs: { ...fakes.inputs, ...inputs }, env: { ...fakes.env, ...env } });

describe('a jwks_uri on another origin than the issuer', () => {
  it('is refused: the keys of another origin are never fetched, STS is never called', async () => {
    // An issuer whose discovery document points at the loopback issuer's (valid) JWKS: followed,
    // the token it signs would verify, with keys the issuer's own origin never published.
    const server: Server = createServer((request, response) => {
      const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      if (request.url === '/.well-known/openid-configuration') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: origin, jwks_uri: `${fakes.issuer.url}/.well-known/jwks` }));
      } else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      fakes.issuer.setRunnerTokenOptions({ claims: { iss: origin } });
      const result = await run({ 'oidc-issuer': origin });
      expect(result.exitCode).toBe(1);
      expect(result.errors.join('\n')).toMatch(/names a jwks_uri on another origin \("http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks"\); Keyless takes signing keys only from the issuer's own origin/);
      expect(fakes.actionIssuerRequests().filter((path) => path.endsWith('/jwks'))).toEqual([]);
      expect(fakes.sts.calls).toHaveLength(0);
      expect(result.env).toEqual({});
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('token lifetime', () => {
  it('is not capped: a token valid for ten years is accepted as its signature and exp say (GitHub has issued 6-hour tokens)', async () => {
    fakes.issuer.setRunnerTokenOptions({ lifetimeSeconds: 10 * 365 * 24 * 3600 });
    const result = await run();
    expect(result.exitCode, result.stdout).toBe(0);
    expect(fakes.sts.calls).toHaveLength(1);
  });
});

describe("the runner's request token", () => {
  it('a trailing line break is trimmed: the token endpoint gets the bearer it issued', async () => {
    const result = await run({}, { ACTIONS_ID_TOKEN_REQUEST_TOKEN: `${fakes.issuer.requestToken}\r\n` });
    expect(result.exitCode, result.stdout).toBe(0);
  });

  it.each([
    ['a header injected after a line break', (token: string) => `${token}\r\nX-Injected: 1`],
    ['a space inside', (token: string) => `${token.slice(0, 8)} ${token.slice(8)}`],
    ['a control character inside', (token: string) => `${token.slice(0, 8)}\u001b${token.slice(8)}`],
  ])('%s is refused before any request, without showing the token', async (_name, spoil) => {
    const before = fakes.connections();
    const result = await run({}, { ACTIONS_ID_TOKEN_REQUEST_TOKEN: spoil(fakes.issuer.requestToken) });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/ACTIONS_ID_TOKEN_REQUEST_TOKEN has whitespace or control characters inside it/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(fakes.issuer.requestToken.slice(8));
    expect(fakes.connections() - before).toBe(0);
  });
});
