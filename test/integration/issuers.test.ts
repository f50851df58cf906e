/** Issuers with a path: GitHub Enterprise Server (`/_services/token`) and enterprise slugs. */
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../helpers/runner.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';

let fakes: Fakes | undefined;
afterEach(async () => {
  await fakes?.close();
  fakes = undefined;
});

describe.each([
  ['GitHub Enterprise Server', '/_services/token'],
  ['an enterprise issuer slug', '/octo-enterprise'],
])('%s (issuer path %s)', (_name, pathPrefix) => {
  it('verifies against the keys under that path and assumes the role', async () => {
    fakes = await startFakes({ issuer: { pathPrefix } });
    expect(fakes.issuer.url.endsWith(pathPrefix)).toBe(true);
    const result = await runAction({ inputs: fakes.inputs, env: fakes.env });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(fakes.actionIssuerRequests()).toEqual(expect.arrayContaining([`${pathPrefix}/.well-known/openid-configuration`, `${pathPrefix}/.well-known/jwks`]));
  });

  it('explains an AccessDenied with condition keys that carry the path', async () => {
    fakes = await startFakes({ issuer: { pathPrefix } });
    fakes.sts.script({ kind: 'error', status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    const result = await runAction({ inputs: fakes.inputs, env: fakes.env });
    expect(result.exitCode).toBe(1);
    const host = new URL(fakes.issuer.url).host;
    expect(result.errors.join('\n')).toContain(`"${host}${pathPrefix}:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"`);
    expect(result.errors.join('\n')).toContain(`oidc-provider/${host}${pathPrefix}"`);
  });

  it('refuses a token from the same host without the path', async () => {
    fakes = await startFakes({ issuer: { pathPrefix } });
    const origin = new URL(fakes.issuer.url).origin;
    fakes.issuer.setRunnerTokenOptions({ claims: { iss: origin } });
    const result = await runAction({ inputs: fakes.inputs, env: fakes.env });
    expect(result.errors.join('\n')).toMatch(/issuer mismatch: expected ".*" \(input oidc-issuer\), token has iss "http:\/\/127\.0\.0\.1:\d+"/);
    expect(fakes.sts.calls).toHaveLength(0);
  });
});
