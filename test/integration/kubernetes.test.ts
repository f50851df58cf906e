/**
 * Self-hosted runners in Kubernetes (EKS, Actions Runner Controller): a projected service-account
 * token in a file, issued by the cluster's OIDC issuer, which serves its keys at /keys as EKS does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '../helpers/runner.js';
import { startLocalIssuer, type LocalIssuer } from '../../src/local/issuer.js';
import { startLocalSts, type LocalSts } from '../../src/local/sts.js';

let cluster: LocalIssuer;
let sts: LocalSts;
let workspace: string;
beforeAll(async () => {
  cluster = await startLocalIssuer({ pathPrefix: '/id/EXAMPLED539D4633E53DE1B71EXAMPLE', jwksPath: '/keys' });
  sts = await startLocalSts({ trustedIssuer: { url: cluster.url, jwksUrl: `${cluster.url}/keys`, audiences: ['sts.amazonaws.com'] } });
  workspace = mkdtempSync(join(tmpdir(), 'keyless-workspace-'));
  // What the kubelet projects: a service-account subject, the audience IRSA asks for, an hour of life.
  const token = await cluster.mint({
    claims: { sub: 'system:serviceaccount:arc-runners:runner', aud: 'sts.amazonaws.com', 'kubernetes.io': { namespace: 'arc-runners', serviceaccount: { name: 'runner' } } },
    lifetimeSeconds: 3600,
  });
  writeFileSync(join(workspace, 'sa-token'), `${token}\n`);
});
afterAll(async () => {
  await Promise.all([cluster.close(), sts.close()]);
});

const run = (inputs: Record<string, string>) =>
  runAction({
    inputs: { 'role-to-assume': 'arn:aws:iam::123456789012:role/arc-runner', 'aws-region': 'us-east-1', 'web-identity-token-file': 'sa-token', ...inputs },
    env: { GITHUB_WORKSPACE: workspace, AWS_ENDPOINT_URL_STS: sts.url },
  });

describe('a Kubernetes projected service-account token', () => {
  it('works with oidc-issuer naming the cluster issuer, the keys found where discovery says', async () => {
    const result = await run({ 'oidc-issuer': cluster.url });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/Verified OIDC token: sub "system:serviceaccount:arc-runners:runner"/);
    const paths = cluster.requests.filter((r) => r.userAgent !== 'keyless-local-sts').map((r) => r.path);
    expect(paths).toContain('/id/EXAMPLED539D4633E53DE1B71EXAMPLE/.well-known/openid-configuration');
    expect(paths).toContain('/id/EXAMPLED539D4633E53DE1B71EXAMPLE/keys');
    expect(result.env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/);
  });

  it('with oidc-issuer naming another issuer: refused before any request, naming the issuer the token carries and the input to set', async () => {
    // The configured issuer is a loopback one too, so that "no request" can be counted there.
    const github = await startLocalIssuer();
    const stsCallsBefore = sts.calls.length;
    try {
      const result = await run({ 'oidc-issuer': github.url });
      expect(result.exitCode).toBe(1);
      const errors = result.errors.join('\n');
      expect(errors).toMatch(/issuer mismatch: expected "http:\/\/127\.0\.0\.1:\d+" \(input oidc-issuer\), token has iss "http:\/\/127\.0\.0\.1:\d+\/id\/EXAMPLED539D4633E53DE1B71EXAMPLE"/);
      expect(errors).toMatch(/set the input oidc-issuer: http:\/\/127\.0\.0\.1:\d+\/id\/EXAMPLED539D4633E53DE1B71EXAMPLE \(for a Kubernetes service-account token/);
      // The token file is read locally: nothing was requested from anyone.
      expect(github.connections).toBe(0);
      expect(sts.calls.length).toBe(stsCallsBefore);
    } finally {
      await github.close();
    }
  });
});
