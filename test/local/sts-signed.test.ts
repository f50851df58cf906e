import { beforeEach, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { signRequest } from '../../src/local/sigv4.js';
import { assumeWithWebIdentity, client, postForm, sdkCredentials, sdkError, startTrustingSts, sts, useLoopbackServers } from './sts-fixture.js';

useLoopbackServers();

describe('signed calls with issued credentials', () => {
  beforeEach(async () => {
    await startTrustingSts();
  });

  it('GetCallerIdentity through the SDK passes signature verification', async () => {
    const { Credentials, AssumedRoleUser } = await assumeWithWebIdentity();
    const identity = await client(sdkCredentials(Credentials)).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(AssumedRoleUser?.Arn);
    expect(identity.UserId).toBe(AssumedRoleUser?.AssumedRoleId);
    expect(identity.Account).toBe('123456789012');
    expect(sts.calls.at(-1)?.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIA\w+\/\d{8}\/us-east-1\/sts\/aws4_request/);
  });

  it('GetCallerIdentity signed in another region and by our own signer also passes', async () => {
    const { Credentials } = await assumeWithWebIdentity();
    const credentials = sdkCredentials(Credentials);
    const otherRegion = new STSClient({ region: 'eu-central-1', endpoint: sts.url, maxAttempts: 1, credentials });
    await expect(otherRegion.send(new GetCallerIdentityCommand({}))).resolves.toHaveProperty('Account', '123456789012');

    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const signed = signRequest(
      { method: 'POST', path: '/', headers: { host: new URL(sts.url).host, 'content-type': 'application/x-www-form-urlencoded' }, body },
      { ...credentials, region: 'us-west-2', service: 'sts' },
    );
    const response = await fetch(sts.url, { method: 'POST', headers: signed.headers, body });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<GetCallerIdentityResult>');
  });

  it('a tampered secret gets SignatureDoesNotMatch, an unknown key or token InvalidClientTokenId', async () => {
    const credentials = sdkCredentials((await assumeWithWebIdentity()).Credentials);
    const tampered = await sdkError(client({ ...credentials, secretAccessKey: `${credentials.secretAccessKey.slice(1)}A` }).send(new GetCallerIdentityCommand({})));
    expect([tampered.name, tampered.$metadata.httpStatusCode]).toEqual(['SignatureDoesNotMatch', 403]);
    expect(tampered.message).toBe(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
    const unknown = await sdkError(client({ ...credentials, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' }).send(new GetCallerIdentityCommand({})));
    expect([unknown.name, unknown.message, unknown.$metadata.httpStatusCode]).toEqual(['InvalidClientTokenId', 'The security token included in the request is invalid.', 403]);
    const wrongToken = await sdkError(client({ ...credentials, sessionToken: 'forged' }).send(new GetCallerIdentityCommand({})));
    expect(wrongToken.name).toBe('InvalidClientTokenId');
  });

  it('unsigned GetCallerIdentity is refused', async () => {
    const response = await postForm({ Action: 'GetCallerIdentity', Version: '2011-06-15' });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it('expired credentials get ExpiredToken', async () => {
    sts.script({ kind: 'expired-credentials' });
    const { Credentials } = await assumeWithWebIdentity();
    expect(Credentials?.Expiration?.getTime()).toBeLessThan(Date.now());
    const error = await sdkError(client(sdkCredentials(Credentials)).send(new GetCallerIdentityCommand({})));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual(['ExpiredToken', 'The security token included in the request is expired', 400]);
  });

  it('AssumeRole chains into another account and enforces the one-hour chaining limit', async () => {
    const credentials = sdkCredentials((await assumeWithWebIdentity()).Credentials);
    const chained = await client(credentials).send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::999988887777:role/Target', RoleSessionName: 'chained', DurationSeconds: 3600 }),
    );
    expect(chained.AssumedRoleUser?.Arn).toBe('arn:aws:sts::999988887777:assumed-role/Target/chained');
    expect(chained.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    const identity = await client(sdkCredentials(chained.Credentials)).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('999988887777');

    const tooLong = await sdkError(
      client(credentials).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::999988887777:role/Target', RoleSessionName: 'chained', DurationSeconds: 7200 })),
    );
    expect([tooLong.name, tooLong.message]).toEqual([
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    ]);
  });
});
