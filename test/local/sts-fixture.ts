// The loopback issuer and an STS that trusts it, shared by the STS test files: the servers, an
// SDK client pointed at them, and helpers to assume a role and look at SDK errors.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { AssumeRoleWithWebIdentityCommand, STSClient, type Credentials } from '@aws-sdk/client-sts';
import { startLocalIssuer, type LocalIssuer } from '../../src/local/issuer.js';
import type { MintOptions } from '../../src/local/issuer-tokens.js';
import { startLocalSts, type LocalSts, type LocalStsOptions } from '../../src/local/sts.js';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/deploy/github/KeylessDeploy';
export const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

// Live bindings: a test file reads the servers of the test that is running.
export let issuer: LocalIssuer;
export let sts: LocalSts;

/** Starts the issuer once per file and closes each test's STS after it. */
export function useLoopbackServers(): void {
  beforeAll(async () => {
    issuer = await startLocalIssuer();
  });
  afterAll(async () => {
    await issuer.close();
  });
  afterEach(async () => {
    issuer.setFault('ok');
    await sts.close();
  });
}

/** Makes `server` the STS the helpers talk to (closed after the test). */
export function useSts(server: LocalSts): LocalSts {
  sts = server;
  return server;
}

export async function startTrustingSts(extra: Partial<LocalStsOptions> = {}): Promise<LocalSts> {
  return useSts(
    await startLocalSts({
      trustedIssuer: { url: issuer.url, jwksUrl: `${issuer.url}/.well-known/jwks`, audiences: ['sts.amazonaws.com'] },
      ...extra,
    }),
  );
}

export function client(credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): STSClient {
  return new STSClient({
    region: 'us-east-1',
    endpoint: sts.url,
    maxAttempts: 1,
    // AssumeRoleWithWebIdentity is unsigned: the SDK needs no credentials for it.
    ...(credentials === undefined ? {} : { credentials }),
  });
}

export async function mintForSts(options: MintOptions = {}): Promise<string> {
  return issuer.mint({ ...options, claims: { aud: 'sts.amazonaws.com', ...options.claims } });
}

export async function assumeWithWebIdentity(options: MintOptions = {}, durationSeconds?: number) {
  return client().send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: ROLE_ARN,
      RoleSessionName: 'keyless-run-1',
      WebIdentityToken: await mintForSts(options),
      ...(durationSeconds === undefined ? {} : { DurationSeconds: durationSeconds }),
    }),
  );
}

export function sdkCredentials(credentials: Credentials | undefined) {
  return {
    accessKeyId: credentials?.AccessKeyId ?? '',
    secretAccessKey: credentials?.SecretAccessKey ?? '',
    sessionToken: credentials?.SessionToken ?? '',
  };
}

/** The SDK error for a failed send, so tests can look at name, message and status. */
export async function sdkError(promise: Promise<unknown>): Promise<{ name: string; message: string; $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

export async function postForm(params: Record<string, string>): Promise<Response> {
  return fetch(sts.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  });
}
