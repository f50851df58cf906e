/**
 * Real STS response bodies from the corpus, served verbatim by the loopback STS: the action must
 * read and classify them as it would from AWS.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction } from '../helpers/runner.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';
import { CORPUS } from '../helpers/corpus.js';

const xml = (name: string) => readFileSync(join(CORPUS, 'sts-responses', 'xml', name), 'utf8');

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(() => {
  fakes.reset();
});

const run = () => runAction({ inputs: { ...fakes.inputs, 'retry-max-attempts': '3' }, env: fakes.env });

describe('real STS error responses', () => {
  it.each<[string, number, number, RegExp]>([
    ['error_ExpiredTokenException_real_2019.xml', 400, 1, /failed: HTTP 400 ExpiredTokenException: Token too old: 441398 \(request id [\w-]+\)\. Not retried[\s\S]*runner's clock/],
    ['error_IDPRejectedClaim_real_2013.xml', 403, 1, /failed: HTTP 403 IDPRejectedClaim: graph\.facebook\.com: graph\.facebook\.com responded with HTTP\/1\.1 400 Bad Request .*Not retried/],
  ])('%s: not retried, reported with its code, message and request id', async (file, status, calls, message) => {
    fakes.sts.script({ kind: 'raw', status, body: xml(file), contentType: 'text/xml' });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(message);
    expect(fakes.sts.calls).toHaveLength(calls);
  });

  it("\"Couldn't retrieve verification key\" is GitHub-side and transient: retried, then success", async () => {
    const body = xml('error_InvalidIdentityToken_verification-key_as-quoted.xml');
    fakes.sts.script({ kind: 'raw', status: 400, body, contentType: 'text/xml' }, { kind: 'raw', status: 400, body, contentType: 'text/xml' });
    const result = await run();
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/STS attempt 1 of 3 failed \(HTTP 400 InvalidIdentityToken: Couldn't retrieve verification key/);
    expect(fakes.sts.calls).toHaveLength(3);
  });
});

describe('real STS success responses', () => {
  it('the current AWS docs sample is read completely, and refused only because its credentials expired in 2014', async () => {
    fakes.sts.script({ kind: 'raw', status: 200, body: xml('success_AssumeRoleWithWebIdentity_awsdocs_current_sample.xml'), contentType: 'text/xml' });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(
      /STS answered AssumeRoleWithWebIdentity without credentials that are still valid \(Expiration 2014-10-24T23:00:23\.000Z is in the past\); nothing was exported/,
    );
    expect(result.env).toEqual({});
  });

  it('the pretty-printed 2013 sample (values padded with line breaks, as no STS sends them) is refused as not valid, not half-read', async () => {
    fakes.sts.script({ kind: 'raw', status: 200, body: xml('success_AssumeRoleWithWebIdentity_awsdocs_2013_sample_via_boto.xml'), contentType: 'text/xml' });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/got a response that is not valid STS XML: Expiration "\\n\s+2013-05-14T23:00:23Z\\n\s+" is not an RFC 3339 timestamp; nothing was exported/);
    expect(result.env).toEqual({});
    expect(fakes.sts.calls).toHaveLength(1);
  });

  it('the current sample with its Expiration moved into the future is exported as is', async () => {
    const future = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const body = xml('success_AssumeRoleWithWebIdentity_awsdocs_current_sample.xml').replace(/<Expiration>[^<]+<\/Expiration>/, `<Expiration>${future}</Expiration>`);
    fakes.sts.script({ kind: 'raw', status: 200, body, contentType: 'text/xml' });
    const result = await run();
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.env).toMatchObject({
      AWS_ACCESS_KEY_ID: 'ASgeIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
      AWS_SESSION_TOKEN: 'AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE',
    });
    expect(result.outputs['authenticated-arn']).toBe('arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1');
    expect(result.masks).toEqual(expect.arrayContaining(['ASgeIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY']));
  });
});
