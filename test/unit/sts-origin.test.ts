/** The STS endpoint Keyless names itself (the call then goes without the SDK, on a connection opened ahead), or none where the SDK's own rules decide. */
import { describe, expect, it } from 'vitest';
import { stsOrigin } from '../../src/assume/sts.js';

const context = (variables: Record<string, string> = {}) => ({
  aws: { region: undefined, stsEndpoint: variables['AWS_ENDPOINT_URL_STS'], endpointUrl: variables['AWS_ENDPOINT_URL'], configFile: undefined, profile: undefined, credentials: undefined, variables },
});

describe('stsOrigin', () => {
  it.each([
    ['the regional endpoint', 'us-east-1', undefined, {}, 'https://sts.us-east-1.amazonaws.com'],
    ['GovCloud', 'us-gov-west-1', undefined, {}, 'https://sts.us-gov-west-1.amazonaws.com'],
    ['China', 'cn-north-1', undefined, {}, 'https://sts.cn-north-1.amazonaws.com.cn'],
    ['input sts-endpoint first', 'eu-west-1', 'https://sts.example.test', { AWS_ENDPOINT_URL_STS: 'https://other.test' }, 'https://sts.example.test'],
    ['AWS_ENDPOINT_URL_STS', 'eu-west-1', undefined, { AWS_ENDPOINT_URL_STS: 'https://vpce.example.test' }, 'https://vpce.example.test'],
    ['AWS_ENDPOINT_URL', 'eu-west-1', undefined, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }, 'http://127.0.0.1:4566'],
    ['FIPS: the SDK decides, nothing opened', 'us-east-1', undefined, { AWS_USE_FIPS_ENDPOINT: 'true' }, undefined],
    ['dual-stack: the SDK decides, nothing opened', 'us-east-1', undefined, { AWS_USE_DUALSTACK_ENDPOINT: 'TRUE' }, undefined],
    ['an isolated partition: nothing opened', 'us-iso-east-1', undefined, {}, undefined],
    ['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: the variables are ignored, as the SDK ignores them', 'eu-west-1', undefined, { AWS_ENDPOINT_URL_STS: 'https://vpce.example.test', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, 'https://sts.eu-west-1.amazonaws.com'],
    ['…only "true" exactly, as the SDK reads it', 'eu-west-1', undefined, { AWS_ENDPOINT_URL_STS: 'https://vpce.example.test', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' }, 'https://vpce.example.test'],
    ['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS false: the variable counts', 'eu-west-1', undefined, { AWS_ENDPOINT_URL: 'https://vpce.example.test', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false' }, 'https://vpce.example.test'],
    ['the input is code config: the ignore flag does not touch it', 'eu-west-1', 'https://sts.example.test', { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, 'https://sts.example.test'],
  ])('%s', (_name, region, stsEndpoint, variables, expected) => {
    expect(stsOrigin({ region, stsEndpoint }, context(variables))).toBe(expected);
  });

  it.each([
    ['endpoint options in the shared config files: the SDK decides', undefined, { AWS_ENDPOINT_URL_STS: 'https://vpce.example.test' }, undefined],
    ['…unless the input names the endpoint', 'https://sts.example.test', {}, 'https://sts.example.test'],
  ])('%s', (_name, stsEndpoint, variables, expected) => {
    expect(stsOrigin({ region: 'eu-west-1', stsEndpoint }, context(variables), true)).toBe(expected);
  });
});
