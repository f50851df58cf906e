/**
 * The Query-protocol AssumeRoleWithWebIdentity (src/assume/sts-query.ts) against the AWS SDK for
 * JS v3 as the oracle: the same request body, and the same reading of every answer (real ones
 * from the corpus, and the shapes STS and proxies send), down to the classification that decides
 * whether a failure is retried.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRfc3339, readWebIdentityAnswer, webIdentityForm, type QueryAnswer, type WebIdentityParameters } from '../../src/assume/sts-query.js';
import { classifyStsError, facts } from '../../src/assume/sts-errors.js';
import { CORPUS } from '../helpers/corpus.js';
import { sdkAnswer, sdkRequest } from '../helpers/sdk-sts.js';

const xml = (name: string) => readFileSync(join(CORPUS, 'sts-responses', 'xml', name), 'utf8');
/** What the SDK makes of an answer: its output, or its exception. */
async function sdkReading(answer: QueryAnswer): Promise<Outcome> {
  try {
    return success(await sdkAnswer(answer));
  } catch (error) {
    return failure(error);
  }
}

function ourReading(answer: QueryAnswer): Outcome {
  try {
    return success(readWebIdentityAnswer(answer));
  } catch (error) {
    return failure(error);
  }
}

type Outcome = Record<string, unknown>;
const success = (o: ReturnType<typeof readWebIdentityAnswer>): Outcome => ({
  accessKeyId: o.Credentials?.AccessKeyId,
  secretAccessKey: o.Credentials?.SecretAccessKey,
  sessionToken: o.Credentials?.SessionToken,
  expiration: o.Credentials?.Expiration?.getTime(),
  arn: o.AssumedRoleUser?.Arn,
  assumedRoleId: o.AssumedRoleUser?.AssumedRoleId,
  requestId: o.$metadata.requestId,
});
const failure = (error: unknown): Outcome => {
  const f = facts(error);
  return { kind: classifyStsError(f), name: f.name, message: f.message, status: f.httpStatus, requestId: f.requestId };
};

describe('the request', () => {
  it.each<[string, WebIdentityParameters]>([
    ['the minimum', { roleArn: 'arn:aws:iam::123456789012:role/deploy', roleSessionName: 'GitHubActions', webIdentityToken: 'eyJ.a-b_c.d' }],
    [
      'every parameter, with characters the encodings disagree on',
      {
        roleArn: 'arn:aws-cn:iam::123456789012:role/path/with+plus=eq,comma.dot@at_under-dash',
        roleSessionName: "keyless-9876543210-1@octo_org=x,y.z-(!'*)",
        webIdentityToken: 'eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJyZXBvOm8vcjpyZWY6cmVmcy9oZWFkcy9tYWluIn0.c2ln~',
        durationSeconds: 43200,
        policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/ü 😀"}]}',
        policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::123456789012:policy/a b'],
      },
    ],
  ])('%s: the same parameters, each encoded as the SDK encodes it', async (_, parameters) => {
    const pairs = (body: string) => body.split('&').sort();
    expect(pairs(webIdentityForm(parameters))).toEqual(pairs((await sdkRequest(parameters)).body));
  });
});

const future = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
const success200 = (inner: string, headers: Record<string, string> = {}): QueryAnswer => ({
  status: 200,
  headers: { 'content-type': 'text/xml', ...headers },
  body: `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>${inner}</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>rid-body</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
});
const credentials = `<Credentials><SessionToken>FwoGZXIvYXdzE+/x=</SessionToken><SecretAccessKey>wJalr/K7MDENG+bPxRfiCY</SecretAccessKey><Expiration>${future}</Expiration><AccessKeyId>ASIAEXAMPLE</AccessKeyId></Credentials>`;
const user = '<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/deploy/s&amp;x</Arn><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId></AssumedRoleUser>';
const errorAnswer = (status: number, code: string, message: string, headers: Record<string, string> = {}): QueryAnswer => ({
  status,
  headers: { 'content-type': 'text/xml', ...headers },
  body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>rid-error</RequestId></ErrorResponse>`,
});
const corpusAnswer = (status: number, name: string, change = (body: string) => body): QueryAnswer => ({ status, headers: { 'content-type': 'text/xml' }, body: change(xml(name)) });

describe('the answer: read as the SDK reads it', () => {
  it.each<[string, QueryAnswer]>([
    ['credentials and the assumed-role user', success200(`${user}${credentials}<Provider>p</Provider>`)],
    ['the request id from the header wins over the body', success200(`${user}${credentials}`, { 'x-amzn-requestid': 'rid-header' })],
    ['an answer without credentials', success200(user)],
    ['the corpus: the current AWS docs sample', corpusAnswer(200, 'success_AssumeRoleWithWebIdentity_awsdocs_current_sample.xml')],
    ['the corpus: the current sample, valid until later', corpusAnswer(200, 'success_AssumeRoleWithWebIdentity_awsdocs_current_sample.xml', (b) => b.replace(/<Expiration>[^<]+</, `<Expiration>${future}<`))],
    ['the corpus: ExpiredTokenException (2019)', corpusAnswer(400, 'error_ExpiredTokenException_real_2019.xml')],
    ['the corpus: IDPRejectedClaim (2013)', corpusAnswer(403, 'error_IDPRejectedClaim_real_2013.xml')],
    ['the corpus: InvalidIdentityToken, verification key', corpusAnswer(400, 'error_InvalidIdentityToken_verification-key_as-quoted.xml')],
    ['AccessDenied', errorAnswer(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity')],
    ['Throttling, with a request id header', errorAnswer(400, 'Throttling', 'Rate exceeded', { 'x-amzn-requestid': 'rid-header' })],
    ['a 503 ErrorResponse', errorAnswer(503, 'ServiceUnavailable', 'Service is unavailable')],
    ['an escaped message', errorAnswer(400, 'ValidationError', '1 validation error: &lt;RoleSessionName&gt; &amp; more')],
  ])('%s', async (_, answer) => {
    const { requestId: ourRequestId, ...ours } = ourReading(answer);
    const { requestId: sdkRequestId, ...sdk } = await sdkReading(answer);
    expect(ours).toEqual(sdk);
    // One deliberate difference: the SDK takes the request id from the x-amzn-requestid header only;
    // Keyless falls back to the RequestId in the body, so a message can name it whatever sent the answer.
    expect(ourRequestId).toBe(sdkRequestId ?? /<RequestId>([^<]+)</.exec(answer.body)?.[1]);
  });
});

describe('the answer: what is not STS XML is classified as the SDK classifies it', () => {
  it.each<[string, QueryAnswer, string]>([
    ['a truncated success', { status: 200, headers: {}, body: '<AssumeRoleWithWebIdentityResponse><Assu' }, 'bad-response'],
    ['a padded Expiration (the 2013 sample)', corpusAnswer(200, 'success_AssumeRoleWithWebIdentity_awsdocs_2013_sample_via_boto.xml'), 'bad-response'],
    ['a 502 HTML page', { status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body>Bad Gateway</body></html>' }, 'server-error'],
    ['a 503 with an empty body', { status: 503, headers: {}, body: '' }, 'server-error'],
    ['a 429 with plain text', { status: 429, headers: {}, body: 'slow down' }, 'throttled'],
    ['a 400 that is not XML', { status: 400, headers: {}, body: 'nope' }, 'rejected'],
  ])('%s: %s', async (_, answer, kind) => {
    expect((await sdkReading(answer))['kind']).toBe(kind);
    expect(ourReading(answer)['kind']).toBe(kind);
  });

  it('a proxy page answering 200: the SDK reads it as an answer without credentials (refused later by readCredentials); Keyless refuses it as not STS XML', async () => {
    const page: QueryAnswer = { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Login</body></html>' };
    expect(await sdkReading(page)).toMatchObject({ accessKeyId: undefined, arn: undefined });
    expect(ourReading(page)).toMatchObject({ kind: 'bad-response', name: 'StsXmlError' });
  });

  it('says what was wrong, quoting the start of the body', () => {
    expect(ourReading({ status: 200, headers: {}, body: '<html><body>Login</body></html>' })['message']).toBe('expected an AssumeRoleWithWebIdentityResponse, got "html": "<html><body>Login</body></html>"');
    expect(ourReading({ status: 502, headers: {}, body: '\n\n' })['message']).toBe('HTTP 502 with a body that is not an STS error: (an empty body)');
  });
});

describe('what only Keyless reads (the SDK has no opinion)', () => {
  it.each<[string, number | undefined]>([
    ['2026-12-07T21:00:00Z', Date.UTC(2026, 11, 7, 21)],
    ['2026-12-07T21:00:00.123456789Z', Date.UTC(2026, 11, 7, 21, 0, 0, 123)],
    ['2026-12-07t21:00:00+01:30', Date.UTC(2026, 11, 7, 19, 30)],
    ['2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29)],
    ['2026-02-29T00:00:00Z', undefined],
    ['2026-02-30T00:00:00Z', undefined],
    ['2026-12-07T24:00:00Z', undefined],
    ['2026-12-07T21:60:00Z', undefined],
    ['2016-12-31T23:59:60Z', Date.UTC(2017, 0, 1)],
    ['2026-12-07T21:00:61Z', undefined],
    ['2026-12-07T21:00:00-23:59', Date.UTC(2026, 11, 8, 20, 59)],
    ['2026-12-07T21:00:00.5Z', Date.UTC(2026, 11, 7, 21, 0, 0, 500)],
    ['2026-12-07T21:00:00+25:00', undefined],
    ['2026-12-07 21:00:00Z', undefined],
    ['2026-12-07T21:00:00', undefined],
    [' 2026-12-07T21:00:00Z', undefined],
  ])('Expiration %s', (text, time) => {
    const parsed = parseRfc3339(text);
    if (time === undefined) expect(parsed).toBeNaN();
    else expect(parsed).toBe(time);
  });

  it.each<[string, QueryAnswer, Record<string, unknown>]>([
    [
      'the <Response><Errors> shape other Query services use, with RequestID',
      { status: 400, headers: {}, body: '<Response><Errors><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></Errors><RequestID>rid-1</RequestID></Response>' },
      { kind: 'throttled', name: 'Throttling', message: 'Rate exceeded', requestId: 'rid-1' },
    ],
    [
      'a request id that is not one is not shown',
      errorAnswer(403, 'AccessDenied', 'no', { 'x-amzn-requestid': 'a b' }),
      { kind: 'access-denied', requestId: 'rid-error' },
    ],
    [
      'nor one from the body with a line break in it',
      { status: 400, headers: {}, body: '<ErrorResponse><Error><Code>ValidationError</Code><Message>m</Message></Error><RequestId>x\n::error::y</RequestId></ErrorResponse>' },
      { kind: 'rejected', requestId: undefined },
    ],
  ])('%s', (_, answer, expected) => {
    expect(ourReading(answer)).toMatchObject(expected);
  });

  it('an element name of a megabyte is cut in the message', () => {
    const message = String(ourReading({ status: 200, headers: {}, body: `<${'A'.repeat(1 << 20)}>` })['message']);
    expect(message.length).toBeLessThan(400);
    expect(message).toMatch(/^element "A{60}…" is not closed/);
    const mismatch = String(ourReading({ status: 200, headers: {}, body: `<B></${'A'.repeat(1 << 20)}>` })['message']);
    expect(mismatch).toMatch(/^closing tag "A{60}…" at offset 3 does not match "B"/);
    expect(mismatch.length).toBeLessThan(400);
  });
});
