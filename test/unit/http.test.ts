import { describe, expect, it } from 'vitest';
import { nodeSupportsAgentProxy, proxyFrom } from '../../src/shared/http.js';
import { githubRunFromEnv, parseRunContext } from '../../src/inputs/context.js';

describe('proxy settings', () => {
  it.each([
    ['20.20.2', false],
    ['22.20.0', false],
    ['22.21.0', true],
    // Checked with node@23.11.1 from npm: it ignores proxyEnv and goes direct.
    ['23.1.0', false],
    ['23.11.1', false],
    ['24.4.1', false],
    ['24.5.0', true],
    ['24.9.0', true],
    ['26.0.0', true],
  ])('Node %s supports agent proxies: %s', (version, supported) => {
    expect(nodeSupportsAgentProxy(version)).toBe(supported);
  });

  it.each<[{ proxy?: string; noProxy?: string }, Record<string, string>, { proxy?: string; noProxy?: string }]>([
    [{}, {}, { proxy: undefined, noProxy: undefined }],
    [{ proxy: 'http://input:1' }, { HTTPS_PROXY: 'http://env:1' }, { proxy: 'http://input:1', noProxy: undefined }],
    [{}, { HTTPS_PROXY: 'http://a:1', HTTP_PROXY: 'http://b:1', NO_PROXY: 'x' }, { proxy: 'http://a:1', noProxy: 'x' }],
    [{}, { http_proxy: 'http://c:1', no_proxy: 'y' }, { proxy: 'http://c:1', noProxy: 'y' }],
  ])('input %j with environment %j', (input, env, expected) => {
    expect(proxyFrom({ proxy: input.proxy, noProxy: input.noProxy }, parseRunContext(env, githubRunFromEnv(env), '24.9.0').proxy)).toEqual(expected);
  });
});
