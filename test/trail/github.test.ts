/**
 * --github against a loopback GitHub REST API answering with the documented examples
 * (test/corpus/github-api): each run fetched once with its approvals, through @actions/github's
 * Octokit; 403 and 404 name the permission needed.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalGitHubApi, type GitHubApiAnswer, type LocalGitHubApi } from '../../src/local/github-api.js';
import { corpusJson } from '../helpers/corpus.js';
import { trail } from './helpers/cli.js';
import { assumeRecord, callRecord, tempDir, writeLog } from './helpers/records.js';

const RUN = corpusJson<Record<string, unknown>>('github-api', 'openapi-examples', 'actions__get-workflow-run__default.json');
const APPROVALS = corpusJson<unknown[]>('github-api', 'openapi-examples', 'actions__get-reviews-for-run__default.json');

const { dir, remove } = tempDir();
let api: LocalGitHubApi;
let approvals: GitHubApiAnswer = { status: 200, body: APPROVALS };

beforeAll(async () => {
  writeLog(join(dir, 'logs'), 't.json.gz', [
    assumeRecord({ key: 'ASIARUN0000000000001', time: '2025-04-16T02:00:00Z', subject: 'repo:octo-org/octo-repo:environment:staging', sessionName: 'GitHubActions-30433642-1' }),
    assumeRecord({ key: 'ASIARUN0000000000002', time: '2025-04-16T02:10:00Z', subject: 'repo:octo-org/octo-repo:environment:staging', sessionName: 'GitHubActions-30433642-1' }),
    callRecord('ASIARUN0000000000001', '2025-04-16T02:01:00Z'),
    assumeRecord({ key: 'ASIANORUN00000000003', time: '2025-04-16T02:20:00Z', sessionName: 'GitHubActions' }),
  ]);
  api = await startLocalGitHubApi([
    { method: 'GET', path: '/repos/{owner}/{repo}/actions/runs/{run_id}', answer: (p) => (p.run_id === '30433642' ? { status: 200, body: RUN } : { status: 404, body: { message: 'Not Found' } }) },
    { method: 'GET', path: '/repos/{owner}/{repo}/actions/runs/{run_id}/approvals', answer: () => approvals },
  ]);
});
afterAll(async () => {
  await api.close();
  remove();
});
afterEach(() => {
  api.requests.length = 0;
  approvals = { status: 200, body: APPROVALS };
});

describe('keyless trail --github', () => {
  it('the run and who approved which environment, one request each per distinct run', async () => {
    const r = await trail(['logs', '--github', '--format', 'markdown'], dir, { githubToken: 'ghs_test', githubApiUrl: api.url });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(api.requests.map((q) => q.path)).toEqual(['/repos/octo-org/octo-repo/actions/runs/30433642', '/repos/octo-org/octo-repo/actions/runs/30433642/approvals']);
    expect(api.requests.every((q) => q.authorization === 'token ghs_test')).toBe(true);
    expect(r.stdout).toContain('[30433642/1](https://github.com/octo-org/octo-repo/actions/runs/30433642)');
    expect(r.stdout).toContain('`"octocat"` (`"staging"`)');
    const doc = JSON.parse((await trail(['logs', '--github', '--json'], dir, { githubToken: 't', githubApiUrl: api.url })).stdout) as { sessions: { run?: Record<string, unknown> }[] };
    expect(doc.sessions[0]!.run).toMatchObject({ event: 'push', actor: 'octocat', triggeringActor: 'octocat', headSha: 'acb5820ced9479c074f688cc328bf03f341a511d', workflow: '.github/workflows/build.yml@main', approvals: [{ user: 'octocat', state: 'approved', environments: ['staging'], comment: 'Ship it!' }] });
  });

  it.each([
    [403, 'forbidden (403): the token needs actions: read'],
    [404, 'not found (404): the repository or setting does not exist, or the token cannot see it'],
  ])('%i names the permission needed, exit 2', async (status, words) => {
    approvals = { status, body: { message: 'Resource not accessible by integration' } };
    const r = await trail(['logs', '--github'], dir, { githubToken: 't', githubApiUrl: api.url });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`--github: GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals: ${words}`);
    expect(r.stderr).toContain('actions: read');
  });

  it('no token: no request', async () => {
    const r = await trail(['logs', '--github'], dir, { githubApiUrl: api.url });
    expect(r.code).toBe(2);
    expect(api.requests).toHaveLength(0);
  });
});
