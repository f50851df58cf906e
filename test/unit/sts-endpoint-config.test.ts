/**
 * What makes Keyless leave the STS call to the SDK, read from the shared config file, and where a
 * direct call goes for an endpoint URL: the SDK's own choice, with the SDK as the oracle.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, describe, expect, it } from 'vitest';
import { endpointKeysOf, sharedConfigSetsStsEndpoint } from '../../src/assume/shared-config.js';
import { requestUrl } from '../../src/assume/sts-direct.js';
import { stsEndpointVariable } from '../../src/inputs/endpoints.js';

describe('endpointKeysOf: the profile section of a config file', () => {
  it.each<[string, string, string, string[]]>([
    ['nothing about endpoints', '[default]\nregion = us-east-1\noutput = json\n', 'default', []],
    ['endpoint_url in the default profile', '[default]\nendpoint_url = http://localhost:4566\n', 'default', ['endpoint_url']],
    ['a services section named by the profile', '[profile ci]\nservices = local\n[services local]\nsts =\n  endpoint_url = http://localhost:4566\n', 'ci', ['services']],
    ['FIPS and dual-stack, keys in any case', '[profile ci]\nUse_FIPS_Endpoint = true\nuse_dualstack_endpoint=true\n', 'ci', ['use_fips_endpoint', 'use_dualstack_endpoint']],
    ['another profile is not read', '[profile other]\nendpoint_url = http://localhost:4566\n[default]\nregion = eu-west-1\n', 'default', []],
    ['a profile header spelled with extra spaces', '[profile   ci]\nignore_configured_endpoint_urls = true\n', 'ci', ['ignore_configured_endpoint_urls']],
  ])('%s', (_, text, profile, keys) => {
    expect(endpointKeysOf(text, profile)).toEqual(keys);
  });
});

describe('sharedConfigSetsStsEndpoint: the file as the SDK finds it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads AWS_CONFIG_FILE for the profile; a missing file sets nothing', () => {
    const file = join(dir, 'config');
    writeFileSync(file, '[profile ci]\nendpoint_url = http://localhost:4566\n');
    expect(sharedConfigSetsStsEndpoint(file, 'ci')).toBe(true);
    expect(sharedConfigSetsStsEndpoint(file, undefined)).toBe(false);
    expect(sharedConfigSetsStsEndpoint(join(dir, 'missing'), 'ci')).toBe(false);
  });
});

describe('stsEndpointVariable', () => {
  it.each<[string, Record<string, string | undefined>, string | undefined]>([
    ['AWS_ENDPOINT_URL_STS first', { AWS_ENDPOINT_URL_STS: 'https://a.test', AWS_ENDPOINT_URL: 'https://b.test' }, 'AWS_ENDPOINT_URL_STS'],
    ['AWS_ENDPOINT_URL without it', { AWS_ENDPOINT_URL_STS: undefined, AWS_ENDPOINT_URL: 'https://b.test' }, 'AWS_ENDPOINT_URL'],
    ['neither when the SDK is told to ignore them', { AWS_ENDPOINT_URL_STS: 'http://10.0.0.1', AWS_ENDPOINT_URL: undefined, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: ' True ' }, undefined],
  ])('%s', (_, variables, name) => {
    expect(stsEndpointVariable(variables as never)?.name).toBe(name);
  });
});

/** Where the SDK sends AssumeRoleWithWebIdentity for an endpoint URL. */
async function sdkUrl(endpoint: string): Promise<string> {
  let url = '';
  const client = new STSClient({
    region: 'us-east-1',
    endpoint,
    requestHandler: {
      handle: async (request: { protocol: string; hostname: string; port?: number; path: string; query?: Record<string, unknown> }) => {
        const query = new URLSearchParams(request.query as Record<string, string>).toString();
        url = `${request.protocol}//${request.hostname.includes(':') && !request.hostname.startsWith('[') ? `[${request.hostname}]` : request.hostname}${request.port ? `:${request.port}` : ''}${request.path}${query ? `?${query}` : ''}`;
        throw new Error('captured');
      },
    } as never,
  });
  await client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::123456789012:role/r', RoleSessionName: 's', WebIdentityToken: 't' })).catch(() => undefined);
  return url;
}

describe('requestUrl: where the direct call goes, as the SDK sends it', () => {
  it.each([
    'https://sts.us-east-1.amazonaws.com',
    'https://sts.us-east-1.amazonaws.com/',
    'https://vpce-0a1b.sts.us-east-1.vpce.amazonaws.com',
    'http://127.0.0.1:4566',
    'https://proxy.example.test/prefix',
    'https://proxy.example.test/prefix/',
    'https://proxy.example.test/prefix?x=1#frag',
    'https://user:secret@sts.example.test/',
    'https://[::1]:8443/sts',
  ])('%s', async (endpoint) => {
    expect(requestUrl(endpoint)).toBe(await sdkUrl(endpoint));
  });
});
