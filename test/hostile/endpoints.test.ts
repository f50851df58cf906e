/**
 * Where the token and the credentials travel (issue 21, items 4, 12 and the socks5 decision of 14):
 * the STS endpoint the SDK would really use must be https unless loopback, wherever it comes from;
 * the proxy must be one Node can use, never bypassed silently; neither is shown with its password.
 * All refused while the inputs are parsed: not one connection is made.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/inputs/settings.js';
import { isLoopbackHost, withoutUserinfo } from '../../src/inputs/endpoints.js';
import { KeylessError } from '../../src/shared/errors.js';
import { contextFromEnv } from '../helpers/context.js';
import { runAction } from '../helpers/runner.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';

function problemOf(inputs: Record<string, string>, env: Record<string, string>): string | undefined {
  try {
    parseSettings((name) => ({ 'role-to-assume': ROLE, 'aws-region': 'us-east-1', ...inputs })[name] ?? '', contextFromEnv(env));
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(KeylessError);
    return [(error as KeylessError).message, ...(error as KeylessError).details].join('\n');
  }
}

describe('loopback, as the URL parser spells it', () => {
  it.each([
    ['http://localhost:8080', true],
    ['http://LOCALHOST', true],
    ['http://127.0.0.1', true],
    ['http://127.255.3.4:1', true],
    ['http://127.1', true],
    ['http://0x7f.0.0.1', true],
    ['http://2130706433', true],
    ['http://0177.0.0.1', true],
    ['http://[::1]:9000', true],
    ['http://[0:0:0:0:0:0:0:1]', true],
    ['http://[::ffff:127.0.0.1]', true],
    ['http://[::ffff:127.9.8.7]', true],
    ['http://[::ffff:7f00:1]', true],
    ['http://128.0.0.1', false],
    ['http://126.255.255.255', false],
    ['http://10.0.0.1', false],
    ['http://[::ffff:10.0.0.1]', false],
    ['http://[::2]', false],
    ['http://localhost.', false],
    ['http://localhost.example.com', false],
    ['http://127.0.0.1.nip.io', false],
    ['http://sts.amazonaws.com', false],
  ])('%s → %s', (url, loopback) => {
    expect(isLoopbackHost(new URL(url).hostname)).toBe(loopback);
  });
});

describe('the effective STS endpoint, checked with the inputs', () => {
  it.each([
    [{ AWS_ENDPOINT_URL_STS: 'http://sts.example.com' }, /environment variable AWS_ENDPOINT_URL_STS \(given "http:\/\/sts\.example\.com"\).*expected an https:\/\/ URL/],
    [{ AWS_ENDPOINT_URL: 'http://sts.example.com' }, /environment variable AWS_ENDPOINT_URL \(given "http:\/\/sts\.example\.com"\)/],
    [{ AWS_ENDPOINT_URL_STS: 'http://[::ffff:10.0.0.1]:80' }, /AWS_ENDPOINT_URL_STS/],
    [{ AWS_ENDPOINT_URL_STS: 'http://user:s3cret@sts.example.com' }, /given "http:\/\/\*\*\*@sts\.example\.com"/],
    // AWS_ENDPOINT_URL_STS wins over AWS_ENDPOINT_URL in the SDK, so it is the one checked.
    [{ AWS_ENDPOINT_URL_STS: 'http://sts.example.com', AWS_ENDPOINT_URL: 'https://ok.example.com' }, /AWS_ENDPOINT_URL_STS/],
  ])('%j is refused', (env, message) => {
    const problem = problemOf({}, env);
    expect(problem).toMatch(message);
    expect(problem).not.toContain('s3cret');
  });

  it.each([
    [{}, { AWS_ENDPOINT_URL_STS: 'http://[::ffff:127.0.0.1]:4566' }],
    [{}, { AWS_ENDPOINT_URL: 'http://0x7f.0.0.1:4566' }],
    [{}, { AWS_ENDPOINT_URL_STS: 'https://sts.example.com', AWS_ENDPOINT_URL: 'http://other.example.com' }],
    // The input decides: the SDK never reads the variables then.
    [{ 'sts-endpoint': 'https://sts.us-east-1.amazonaws.com' }, { AWS_ENDPOINT_URL_STS: 'http://sts.example.com' }],
  ])('%j with %j is accepted', (inputs, env) => {
    expect(problemOf(inputs, env)).toBeUndefined();
  });
});

describe('the proxy, never shown with its password', () => {
  it.each([
    ['http://user:s3cret@[bad:3128', 'HTTPS_PROXY'],
    ['http://user:s3cret@host:99999', 'HTTPS_PROXY'],
    ['user:s3cret@proxy.example.com:3128', 'https_proxy'],
    ['socks5://user:s3cret@proxy.example.com:1080', 'HTTP_PROXY'],
  ])('%s in %s is refused, naming the variable', (value, variable) => {
    const problem = problemOf({}, { [variable]: value });
    expect(problem).toMatch(new RegExp(`environment variable ${variable} \\(given "[^"]*\\*\\*\\*@[^"]*"\\): expected an http:// or https:// proxy URL`));
    expect(problem).not.toContain('s3cret');
    expect(problem).not.toContain('user');
  });

  it('the input http-proxy decides over the variables', () => {
    expect(problemOf({ 'http-proxy': 'http://proxy.example.com:3128' }, { HTTPS_PROXY: 'socks5://proxy.example.com:1080' })).toBeUndefined();
    expect(problemOf({ 'http-proxy': 'socks5://user:s3cret@proxy.example.com:1080' }, {})).toMatch(/input "http-proxy": expected an http:\/\/ or https:\/\/ proxy URL/);
  });

  it.each([
    ['http://user:pass@host:1', 'http://***@host:1'],
    ['http://user:pa/ss#x@host', 'http://***@host'],
    ['user:pass@host:1', '***@host:1'],
    ['http://host:3128', 'http://host:3128'],
  ])('withoutUserinfo(%s) is %s', (value, shown) => {
    expect(withoutUserinfo(value)).toBe(shown);
  });
});

describe('the built action: refused before the first request', () => {
  let fakes: Fakes;
  beforeAll(async () => {
    fakes = await startFakes();
  });
  afterAll(() => fakes.close());
  beforeEach(() => fakes.reset());

  it.each([
    ['AWS_ENDPOINT_URL_STS over plain http', { AWS_ENDPOINT_URL_STS: 'http://sts.example.com' }, /AWS_ENDPOINT_URL_STS/],
    ['AWS_ENDPOINT_URL over plain http', { AWS_ENDPOINT_URL_STS: undefined, AWS_ENDPOINT_URL: 'http://sts.example.com' }, /AWS_ENDPOINT_URL /],
    ['an unparsable HTTPS_PROXY with a password', { HTTPS_PROXY: 'http://user:s3cret@[bad:3128' }, /HTTPS_PROXY/],
    ['a socks5:// proxy', { HTTPS_PROXY: 'socks5://127.0.0.1:1080' }, /does not speak SOCKS/],
  ])('%s', async (_name, env, message) => {
    const before = fakes.connections();
    const result = await runAction({ inputs: fakes.inputs, env: { ...fakes.env, ...env } });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(message);
    expect(`${result.stdout}${result.stderr}`).not.toContain('s3cret');
    expect(fakes.connections() - before).toBe(0);
    expect(result.env).toEqual({});
  });
});
