import { beforeEach, describe, expect, it } from 'vitest';
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { startLocalSts } from '../../src/local/sts.js';
import {
  NAMESPACE,
  ROLE_ARN,
  assumeWithWebIdentity,
  client,
  issuer,
  mintForSts,
  postForm,
  sdkError,
  startTrustingSts,
  sts,
  useLoopbackServers,
  useSts,
} from './sts-fixture.js';

useLoopbackServers();

describe('AssumeRoleWithWebIdentity', () => {
  beforeEach(async () => {
    await startTrustingSts();
  });

  it('answers the SDK with credentials for the role, verifying the token against the issuer', async () => {
    const before = Date.now();
    const output = await assumeWithWebIdentity();
    expect(output.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(output.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(output.Credentials?.SessionToken?.length).toBeGreaterThan(100);
    const expiresIn = (output.Credentials?.Expiration?.getTime() ?? 0) - before;
    expect(expiresIn).toBeGreaterThan(3590_000);
    expect(expiresIn).toBeLessThan(3610_000);
    expect(output.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/KeylessDeploy/keyless-run-1');
    expect(output.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:keyless-run-1$/);
    expect(output.SubjectFromWebIdentityToken).toBe('repo:octo-org/octo-repo:ref:refs/heads/main');
    expect(output.Audience).toBe('sts.amazonaws.com');
    expect(output.Provider).toBe(`arn:aws:iam::123456789012:oidc-provider/${issuer.url.replace('http://', '')}`);

    const issued = sts.issued.get(output.Credentials?.AccessKeyId ?? '');
    expect(issued).toMatchObject({ secretAccessKey: output.Credentials?.SecretAccessKey, account: '123456789012', arn: output.AssumedRoleUser?.Arn });
    expect(sts.calls).toHaveLength(1);
    expect(sts.calls[0]).toMatchObject({ action: 'AssumeRoleWithWebIdentity', params: { RoleArn: ROLE_ARN, RoleSessionName: 'keyless-run-1', Version: '2011-06-15' } });
    expect(issuer.requests.some((request) => request.userAgent === 'keyless-local-sts')).toBe(true);
  });

  it('writes the XML of the real service, with the request id in body and header', async () => {
    const response = await postForm({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: ROLE_ARN,
      RoleSessionName: 'raw',
      WebIdentityToken: await mintForSts(),
      DurationSeconds: '900',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml');
    const xml = await response.text();
    const requestId = response.headers.get('x-amzn-requestid');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(xml).toContain(`<RequestId>${requestId}</RequestId>`);
    expect(xml.startsWith(`<AssumeRoleWithWebIdentityResponse xmlns="${NAMESPACE}">\n  <AssumeRoleWithWebIdentityResult>\n`)).toBe(true);
    const elementOrder = [...xml.matchAll(/<(\w+)>/g)].map((match) => match[1]);
    expect(elementOrder).toEqual([
      'AssumeRoleWithWebIdentityResult', 'SubjectFromWebIdentityToken', 'Audience', 'AssumedRoleUser', 'Arn',
      'AssumedRoleId', 'Credentials', 'SessionToken', 'SecretAccessKey', 'Expiration', 'AccessKeyId', 'Provider',
      'ResponseMetadata', 'RequestId',
    ]);
    expect(xml).toMatch(/<Expiration>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/Expiration>/);
  });

  it('also takes the parameters in a GET query string, and escapes values in the XML', async () => {
    const token = await mintForSts({ claims: { sub: 'repo:o/r:ref:refs/heads/a<b>&"c"' } });
    const query = new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ROLE_ARN, RoleSessionName: 's', WebIdentityToken: token });
    query.set('RoleSessionName', 'via-get');
    const response = await fetch(`${sts.url}/?${query.toString()}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<SubjectFromWebIdentityToken>repo:o/r:ref:refs/heads/a&lt;b&gt;&amp;&quot;c&quot;</SubjectFromWebIdentityToken>');
  });

  it('validates input like the service: missing members and DurationSeconds bounds', async () => {
    const missing = await postForm({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ROLE_ARN });
    expect(missing.status).toBe(400);
    const xml = await missing.text();
    expect(xml).toContain('<Code>ValidationError</Code>');
    expect(xml).toContain(
      "<Message>2 validation errors detected: Value null at &apos;roleSessionName&apos; failed to satisfy constraint: Member must not be null; Value null at &apos;webIdentityToken&apos; failed to satisfy constraint: Member must not be null</Message>",
    );
    expect(xml).toMatch(new RegExp(`^<ErrorResponse xmlns="${NAMESPACE}">\\n  <Error>\\n    <Type>Sender</Type>`));

    for (const duration of [899, 43201]) {
      const error = await sdkError(assumeWithWebIdentity({}, duration));
      expect(error.name).toBe('ValidationError');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toContain(`Value '${duration}' at 'durationSeconds'`);
    }
    const longest = await assumeWithWebIdentity({}, 43200);
    expect(longest.Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now() + 43100_000);
  });

  it('names the role by the last segment of a role ARN with a path, and rejects a malformed ARN', async () => {
    const output = await client().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: 'arn:aws-cn:iam::210987654321:role/a/b/c/Name_1',
        RoleSessionName: 'session',
        WebIdentityToken: await mintForSts(),
      }),
    );
    expect(output.AssumedRoleUser?.Arn).toBe('arn:aws-cn:sts::210987654321:assumed-role/Name_1/session');
    const error = await sdkError(
      client().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::123:user/nobody-here', RoleSessionName: 's1', WebIdentityToken: await mintForSts() })),
    );
    expect([error.name, error.message]).toEqual(['ValidationError', 'Request ARN is invalid']);
  });

  it('rejects tokens real STS would reject, with its codes and messages', async () => {
    const cases: [MintOptions, string, string][] = [
      [{ signWith: 'foreign-key' }, 'InvalidIdentityTokenException', 'signature'],
      [{ signWith: 'none' }, 'InvalidIdentityTokenException', 'signature'],
      [{ signWith: 'hs256-with-public-key' }, 'InvalidIdentityTokenException', 'signature'],
      [{ claims: { aud: 'https://github.com/octo-org' } }, 'InvalidIdentityTokenException', 'Incorrect token audience'],
      [{ claims: { iss: 'https://token.actions.githubusercontent.com' } }, 'InvalidIdentityTokenException', 'No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com'],
      [{ issuedAtOffsetSeconds: -400 }, 'ExpiredTokenException', 'Token expired: current date/time'],
    ];
    for (const [mintOptions, name, message] of cases) {
      const error = await sdkError(assumeWithWebIdentity(mintOptions));
      expect([name, error.name, error.$metadata.httpStatusCode]).toEqual([name, name, 400]);
      expect(error.message).toContain(message);
    }
    expect(sts.issued.size).toBe(0);
  });

  it("says it couldn't retrieve the verification key when the issuer is down", async () => {
    issuer.setFault('down');
    const error = await sdkError(assumeWithWebIdentity());
    expect(error.name).toBe('InvalidIdentityTokenException');
    expect(error.message).toBe(
      "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
    );
  });

  it('says the same when the JWKS is not JSON', async () => {
    issuer.setFault('garbage');
    const error = await sdkError(assumeWithWebIdentity());
    expect(error.message).toMatch(/^Couldn't retrieve verification key/);
  });

  it('reports PackedPolicySize for session policies, refuses malformed ones, and passes SourceIdentity on', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const output = await client().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: ROLE_ARN,
        RoleSessionName: 'scoped',
        WebIdentityToken: await mintForSts({ claims: { 'https://aws.amazon.com/source_identity': 'octocat' } }),
        Policy: policy,
        PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      }),
    );
    expect(output.PackedPolicySize).toBeGreaterThan(0);
    expect(output.SourceIdentity).toBe('octocat');
    expect(sts.calls.at(-1)?.params['PolicyArns.member.1.arn']).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess');

    const malformed = await sdkError(
      client().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'scoped', WebIdentityToken: await mintForSts(), Policy: '{not json' })),
    );
    expect([malformed.name, malformed.$metadata.httpStatusCode]).toEqual(['MalformedPolicyDocumentException', 400]);
  });

  it('accepts tokens signed with a rotated key without waiting for a cache', async () => {
    await issuer.rotateKey();
    await expect(assumeWithWebIdentity()).resolves.toHaveProperty('Credentials');
  });
});

describe('authorisation and scripted behaviours', () => {
  it('refuses claims the role does not trust with 403 AccessDenied', async () => {
    await startTrustingSts({ authorize: (claims) => claims['sub'] === 'repo:octo-org/octo-repo:ref:refs/heads/main' });
    await expect(assumeWithWebIdentity()).resolves.toBeDefined();
    const error = await sdkError(assumeWithWebIdentity({ claims: { sub: 'repo:octo-org/octo-repo:pull_request' } }));
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe('Not authorized to perform sts:AssumeRoleWithWebIdentity');
  });

  it('plays scripted behaviours in order, then the default, recording every call', async () => {
    useSts(await startLocalSts());
    sts.script(
      { kind: 'error', status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' },
      { kind: 'error', status: 503, code: 'ServiceUnavailable', message: 'Service is unable to handle request.' },
      { kind: 'raw', status: 200, body: '<AssumeRoleWithWebIdentityResponse><oops' },
    );
    const denied = await sdkError(assumeWithWebIdentity());
    expect([denied.name, denied.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    const unavailable = await sdkError(assumeWithWebIdentity());
    expect([unavailable.name, unavailable.$metadata.httpStatusCode]).toEqual(['ServiceUnavailable', 503]);
    await expect(assumeWithWebIdentity()).rejects.toThrow();
    await expect(assumeWithWebIdentity()).resolves.toHaveProperty('Credentials');
    expect(sts.calls.map((call) => call.action)).toEqual(Array(4).fill('AssumeRoleWithWebIdentity'));

    sts.setDefault({ kind: 'error', status: 400, code: 'IDPCommunicationError', message: 'x' });
    expect((await sdkError(assumeWithWebIdentity())).name).toBe('IDPCommunicationErrorException');
  });

  it('marks 5xx errors as Receiver faults unless told otherwise', async () => {
    useSts(await startLocalSts());
    sts.script({ kind: 'error', status: 500, code: 'InternalFailure', message: 'boom' });
    const response = await postForm({ Action: 'GetCallerIdentity', Version: '2011-06-15' });
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('<Type>Receiver</Type>');
  });

  it('throttles the given fraction of calls', async () => {
    useSts(await startLocalSts());
    sts.setThrottleRate(1);
    const error = await sdkError(assumeWithWebIdentity());
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual(['Throttling', 'Rate exceeded', 400]);
    const rolls = [0.9, 0.1];
    sts.setThrottleRate(0.5, () => rolls.shift() ?? 0);
    await expect(assumeWithWebIdentity()).resolves.toBeDefined();
    await expect(assumeWithWebIdentity()).rejects.toThrow('Rate exceeded');
  });

  it('hangs, resets and cuts responses short, and close() still returns promptly', async () => {
    useSts(await startLocalSts());
    sts.script({ kind: 'hang' }, { kind: 'reset' }, { kind: 'reset-mid-response' });
    const body = () => ({ Action: 'GetCallerIdentity', Version: '2011-06-15' });
    await expect(fetch(sts.url, { method: 'POST', body: new URLSearchParams(body()), signal: AbortSignal.timeout(150) })).rejects.toThrow();
    await expect(postForm(body())).rejects.toThrow();
    await expect(postForm(body()).then((response) => response.text())).rejects.toThrow();
    expect(sts.calls).toHaveLength(3);

    sts.script({ kind: 'hang' });
    const hanging = postForm(body()).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await sts.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hanging).toBeInstanceOf(Error);
  });

  it('answers slowly when told to', async () => {
    useSts(await startLocalSts());
    sts.script({ kind: 'slow', delayMs: 150 });
    const started = Date.now();
    await assumeWithWebIdentity();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('refuses an unknown action', async () => {
    useSts(await startLocalSts());
    const response = await postForm({ Action: 'DecodeEverything', Version: '2011-06-15' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>InvalidAction</Code>');
  });
});

