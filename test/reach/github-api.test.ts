/** src/github/api.ts: when to wait, what is never retried, and pagination that stays on the API host. */
import { describe, expect, test } from 'vitest';
import { gitHubApi, GitHubApiError, waitFor, type ApiResponse } from '../../src/github/api.js';

describe('waitFor: only answers that can succeed later are waited for', () => {
  test.each<[string, ApiResponse, number | undefined]>([
    ['429 Retry-After: 3', { status: 429, headers: { 'retry-after': '3' }, body: null }, 3000],
    ['403 Retry-After (secondary rate limit)', { status: 403, headers: { 'retry-after': '1' }, body: null }, 1000],
    ['403 with the primary limit used up', { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1010' }, body: null }, 10_000],
    ['403 forbidden (a permission)', { status: 403, headers: {}, body: { message: 'Resource not accessible by integration' } }, undefined],
    ['404', { status: 404, headers: {}, body: null }, undefined],
    ['401', { status: 401, headers: {}, body: null }, undefined],
    ['422', { status: 422, headers: {}, body: null }, undefined],
    ['503', { status: 503, headers: {}, body: null }, 1000],
  ])('%s', (_, response, wait) => {
    expect(waitFor(response, 1_000_000)).toBe(wait);
  });
});

test('a rate limit longer than the longest wait fails at once, saying when to run again', async () => {
  let calls = 0;
  const api = gitHubApi({
    baseUrl: 'http://127.0.0.1:1',
    transport: async () => (calls++, { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '4600' }, body: { message: 'API rate limit exceeded' } }),
    now: () => 1_000_000,
    sleep: async () => {
      throw new Error('must not wait');
    },
  });
  const error = await api.get('/repos/{owner}/{repo}', { owner: 'o', repo: 'r' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GitHubApiError);
  expect((error as Error).message).toBe('GET /repos/{owner}/{repo}: rate limited (403) for 3600 s more: run again later: "API rate limit exceeded"');
  expect(calls).toBe(1);
});

test('pagination follows rel="next" on the API host only, never elsewhere with the token', async () => {
  const asked: string[] = [];
  const api = gitHubApi({
    baseUrl: 'http://127.0.0.1:1',
    transport: async (url) => {
      asked.push(url);
      const next = url.includes('page=2') ? 'https://evil.example/repos/o/r/environments?page=3' : 'http://127.0.0.1:1/repos/o/r/environments?page=2';
      return { status: 200, headers: { link: `<${next}>; rel="next"` }, body: { environments: [{ name: String(asked.length) }] } };
    },
  });
  const items = await api.list('/repos/{owner}/{repo}/environments', { owner: 'o', repo: 'r' }, (p) => (p as { environments: { name: string }[] }).environments);
  expect(items).toEqual([{ name: '1' }, { name: '2' }]);
  expect(asked).toEqual(['http://127.0.0.1:1/repos/o/r/environments?per_page=100', 'http://127.0.0.1:1/repos/o/r/environments?page=2']);
});

test('path parameters are URL-encoded', async () => {
  const asked: string[] = [];
  const api = gitHubApi({ baseUrl: 'http://127.0.0.1:1/', transport: async (url) => (asked.push(url), { status: 200, headers: {}, body: [] }) });
  await api.get('/repos/{owner}/{repo}/rules/branches/{branch}', { owner: 'o', repo: 'r', branch: 'release/1.0' });
  expect(asked).toEqual(['http://127.0.0.1:1/repos/o/r/rules/branches/release%2F1.0']);
});
