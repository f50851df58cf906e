/**
 * What makes Keyless leave the STS call to the SDK, read from the shared config file, and where a
 * direct call goes for an endpoint URL: the SDK's own choice, with the SDK as the oracle.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setsEndpointOption, sharedFilesSetStsEndpoint } from '../../src/assume/shared-config.js';
import { requestUrl } from '../../src/assume/sts-direct.js';
import { stsEndpointVariable } from '../../src/inputs/endpoints.js';
import { sdkRequest } from '../helpers/sdk-sts.js';

describe('setsEndpointOption: any section of a config or credentials file', () => {
  it.each<[string, string, boolean]>([
    ['nothing about endpoints', '[default]\nregion = us-east-1\noutput = json\n', false],
    ['endpoint_url in the default profile', '[default]\nendpoint_url = http://localhost:4566\n', true],
    ['a services section', '[profile ci]\nservices = local\n[services local]\nsts =\n  endpoint_url = http://localhost:4566\n', true],
    ['FIPS, the key in any case', '[profile ci]\nUse_FIPS_Endpoint = true\n', true],
    ['dual-stack without spaces', '[x]\nuse_dualstack_endpoint=true\n', true],
    ['in another profile too (conservative: the SDK picks profiles by its own rules)', '[profile other]\nendpoint_url = http://localhost:4566\n[default]\nregion = eu-west-1\n', true],
    ['ignore_configured_endpoint_urls', '[profile "ci"]\nignore_configured_endpoint_urls = true\n', true],
    ['a comment that mentions a key is not a key', '[default]\n# endpoint_url = http://localhost:4566\nregion = eu-west-1\n', false],
    ['a key that only starts like one', '[default]\nendpoint_url_note = x\n', false],
  ])('%s', (_, text, sets) => {
    expect(setsEndpointOption(text)).toBe(sets);
  });
});

describe('sharedFilesSetStsEndpoint: the files as the SDK finds them', () => {
  const home = mkdtempSync(join(tmpdir(), 'keyless-config-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };

  it('~/.aws/config and ~/.aws/credentials by default, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE (with ~/) when set; missing files set nothing', () => {
    const none = { configFile: undefined, credentialsFile: undefined };
    expect(sharedFilesSetStsEndpoint(none, home)).toBe(false);
    write(join(home, '.aws', 'credentials'), '[default]\nendpoint_url = http://localhost:4566\n');
    expect(sharedFilesSetStsEndpoint(none, home)).toBe(true);
    expect(sharedFilesSetStsEndpoint({ configFile: undefined, credentialsFile: '~/elsewhere' }, home)).toBe(false);
    write(join(home, 'elsewhere'), '[default]\nuse_fips_endpoint = true\n');
    expect(sharedFilesSetStsEndpoint({ configFile: '~/missing', credentialsFile: '~/elsewhere' }, home)).toBe(true);
    expect(sharedFilesSetStsEndpoint({ configFile: join(home, 'elsewhere'), credentialsFile: join(home, 'missing') }, home)).toBe(true);
  });
});

describe('stsEndpointVariable', () => {
  it.each<[string, Record<string, string | undefined>, string | undefined]>([
    ['AWS_ENDPOINT_URL_STS first', { AWS_ENDPOINT_URL_STS: 'https://a.test', AWS_ENDPOINT_URL: 'https://b.test' }, 'AWS_ENDPOINT_URL_STS'],
    ['AWS_ENDPOINT_URL without it', { AWS_ENDPOINT_URL_STS: undefined, AWS_ENDPOINT_URL: 'https://b.test' }, 'AWS_ENDPOINT_URL'],
    ['neither when the SDK is told to ignore them', { AWS_ENDPOINT_URL_STS: 'http://10.0.0.1', AWS_ENDPOINT_URL: undefined, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, undefined],
    ['"TRUE" is not "true" to the SDK: the variable counts', { AWS_ENDPOINT_URL_STS: 'https://a.test', AWS_ENDPOINT_URL: undefined, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' }, 'AWS_ENDPOINT_URL_STS'],
  ])('%s', (_, variables, name) => {
    expect(stsEndpointVariable(variables as never)?.name).toBe(name);
  });
});

/** Where the SDK sends AssumeRoleWithWebIdentity for an endpoint URL. */
async function sdkUrl(endpoint: string): Promise<string> {
  const request = await sdkRequest(undefined, endpoint);
  const query = new URLSearchParams(request.query).toString();
  const host = request.hostname.includes(':') && !request.hostname.startsWith('[') ? `[${request.hostname}]` : request.hostname;
  return `${request.protocol}//${host}${request.port ? `:${request.port}` : ''}${request.path}${query ? `?${query}` : ''}`;
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
