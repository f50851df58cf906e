import { describe, expect, it } from 'vitest';
import {
  canonicalQueryString,
  canonicalRequest,
  EMPTY_BODY_SHA256,
  parseAmzDate,
  parseAuthorization,
  signRequest,
  toAmzDate,
  uriEncode,
  verifySignature,
  type ParsedAuthorization,
  type SignableRequest,
} from '../../src/local/sigv4.js';

// AWS's published SigV4 test suite (aws-sig-v4-test-suite): these credentials, this instant.
const SUITE = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  service: 'service',
  date: new Date('2015-08-30T12:36:00Z'),
};
const SUITE_SCOPE = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';

function parsed(header: string): ParsedAuthorization {
  const result = parseAuthorization(header);
  if ('error' in result) throw new Error(result.error);
  return result;
}

describe('SigV4 signer against the published test suite', () => {
  it('get-vanilla', () => {
    const signed = signRequest({ method: 'GET', path: '/', headers: { Host: 'example.amazonaws.com' } }, SUITE);
    expect(signed.canonicalRequest).toBe(
      ['GET', '/', '', 'host:example.amazonaws.com', 'x-amz-date:20150830T123600Z', '', 'host;x-amz-date', EMPTY_BODY_SHA256].join('\n'),
    );
    expect(signed.stringToSign.split('\n').slice(0, 3)).toEqual([
      'AWS4-HMAC-SHA256',
      '20150830T123600Z',
      '20150830/us-east-1/service/aws4_request',
    ]);
    expect(signed.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${SUITE_SCOPE}, SignedHeaders=host;x-amz-date, ` +
        'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('post-vanilla', () => {
    const signed = signRequest({ method: 'POST', path: '/', headers: { host: 'example.amazonaws.com' } }, SUITE);
    expect(signed.signature).toBe('5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b');
  });

  it('get-vanilla-query-order-key-case: parameters are sorted before signing', () => {
    const signed = signRequest(
      { method: 'GET', path: '/', query: 'Param2=value2&Param1=value1', headers: { host: 'example.amazonaws.com' } },
      SUITE,
    );
    expect(signed.canonicalRequest.split('\n')[2]).toBe('Param1=value1&Param2=value2');
    expect(signed.signature).toBe('b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  });

  it('get-utf8: the suite encodes the path once', () => {
    const signed = signRequest(
      { method: 'GET', path: '/%E1%88%B4', headers: { host: 'example.amazonaws.com' } },
      { ...SUITE, doubleEncodePath: false },
    );
    expect(signed.canonicalRequest.split('\n')[1]).toBe('/%E1%88%B4');
    expect(signed.signature).toBe('8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85');
  });
});

describe('SigV4 verifier', () => {
  const vanilla: SignableRequest = {
    method: 'GET',
    path: '/',
    headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' },
  };
  const vanillaAuthorization = parsed(
    `AWS4-HMAC-SHA256 Credential=${SUITE_SCOPE}, SignedHeaders=host;x-amz-date, ` +
      'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  );

  it('accepts the published get-vanilla request', () => {
    expect(verifySignature(vanilla, vanillaAuthorization, SUITE.secretAccessKey).valid).toBe(true);
  });

  it('rejects it with another secret, another host or another method', () => {
    expect(verifySignature(vanilla, vanillaAuthorization, `${SUITE.secretAccessKey}x`).valid).toBe(false);
    const otherHost = { ...vanilla, headers: { ...vanilla.headers, Host: 'evil.example.com' } };
    expect(verifySignature(otherHost, vanillaAuthorization, SUITE.secretAccessKey).valid).toBe(false);
    expect(verifySignature({ ...vanilla, method: 'POST' }, vanillaAuthorization, SUITE.secretAccessKey).valid).toBe(false);
  });

  it('verifies what signRequest signs, session token and body included, and notices a changed body', () => {
    const request: SignableRequest = {
      method: 'POST',
      path: '/',
      headers: { host: '127.0.0.1:4566', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    };
    const signed = signRequest(request, {
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret/with+chars',
      sessionToken: 'token==',
      region: 'eu-west-1',
      service: 'sts',
    });
    expect(signed.authorization).toMatch(/SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,/);
    const received: SignableRequest = { ...request, headers: signed.headers };
    const authorization = parsed(signed.authorization);
    expect(verifySignature(received, authorization, 'secret/with+chars').valid).toBe(true);
    expect(verifySignature({ ...received, body: 'Action=AssumeRole&Version=2011-06-15' }, authorization, 'secret/with+chars').valid).toBe(false);
  });

  it('canonicalises only the signed headers, trimming and collapsing their values', () => {
    const request: SignableRequest = {
      method: 'GET',
      path: '/',
      headers: { host: 'h', 'x-amz-date': '20150830T123600Z', 'my-header': ['  a   b  ', 'c'], unsigned: 'x' },
    };
    const canonical = canonicalRequest(request, ['host', 'my-header', 'x-amz-date']);
    expect(canonical).toContain('my-header:a b,c\n');
    expect(canonical).not.toContain('unsigned');
  });
});

describe('SigV4 building blocks', () => {
  it('encodes everything but the unreserved set, in upper-case hex', () => {
    expect(uriEncode("aZ0-._~ /!'()*+=")).toBe('aZ0-._~%20%2F%21%27%28%29%2A%2B%3D');
    expect(uriEncode('a/b', false)).toBe('a/b');
    expect(uriEncode('ሴ')).toBe('%E1%88%B4');
  });

  it('sorts and re-encodes the query string', () => {
    expect(canonicalQueryString('b=2&a=hello%20world&a=%21&empty')).toBe('a=%21&a=hello%20world&b=2&empty=');
    expect(canonicalQueryString('')).toBe('');
  });

  it('parses Authorization headers and refuses malformed ones', () => {
    expect(parsed(`AWS4-HMAC-SHA256 Credential=${SUITE_SCOPE},SignedHeaders=host;x-amz-date,Signature=ABC`)).toMatchObject({
      accessKeyId: 'AKIDEXAMPLE',
      date: '20150830',
      region: 'us-east-1',
      service: 'service',
      signedHeaders: ['host', 'x-amz-date'],
      signature: 'abc',
    });
    expect(parseAuthorization('Bearer abc')).toHaveProperty('error');
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sts, SignedHeaders=host, Signature=00')).toHaveProperty('error');
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sts/aws4_request')).toHaveProperty('error');
  });

  it('reads and writes the x-amz-date format', () => {
    expect(parseAmzDate('20150830T123600Z')?.toISOString()).toBe('2015-08-30T12:36:00.000Z');
    expect(toAmzDate(new Date('2015-08-30T12:36:00.123Z'))).toBe('20150830T123600Z');
    expect(parseAmzDate('20150231T000000Z')).toBeUndefined();
    expect(parseAmzDate('2015-08-30T12:36:00Z')).toBeUndefined();
  });
});
