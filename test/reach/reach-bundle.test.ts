/** The CLI bundle (dist/cli) runs `reach --github` through the real Octokit against the loopback GitHub API. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLocalGitHubApi, type LocalGitHubApi } from '../../src/local/github-api.js';
import { keyless } from '../cli/helpers/process.js';
import { corpusCheckouts, type CorpusCheckouts } from './helpers/corpus-checkouts.js';
import { corpusRoutes } from './helpers/github-corpus-api.js';

let corpus: CorpusCheckouts;
let api: LocalGitHubApi;

beforeAll(async () => {
  corpus = corpusCheckouts();
  api = await startLocalGitHubApi(corpusRoutes({ environments: () => ({ status: 403, body: { message: 'Resource not accessible by integration' } }) }));
  mkdirSync(join(corpus.root, 'roles'));
  writeFileSync(
    join(corpus.root, 'roles', 'role.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:awslabs/mountpoint-s3:*' } } }],
    }),
  );
});
afterAll(async () => {
  await api.close();
  corpus.cleanup();
});

test('keyless reach --github (bundle, real Octokit): every setting asked once, the 403 named', async () => {
  const r = await keyless(['reach', '--workflows', 'awslabs__mountpoint-s3/.github/workflows', '--repository', 'awslabs/mountpoint-s3', '--github', '--json', 'roles/role.json'], {
    cwd: corpus.root,
    env: { GITHUB_TOKEN: 'ghs_bundle', GITHUB_API_URL: api.url },
  });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(3);
  const doc = JSON.parse(r.stdout) as { findings: { rule: string; message: string }[] };
  expect(doc.findings.some((f) => f.rule === 'outsider-reachable')).toBe(true);
  expect(doc.findings.find((f) => f.rule === 'environment-unprotected')!.message).toContain('forbidden (403): the token needs actions: read');
  // The example repository's default branch is "master": its rules are read, and main's (a push filter) too.
  expect(api.requests.map((q) => q.path)).toEqual([
    '/repos/awslabs/mountpoint-s3',
    '/repos/awslabs/mountpoint-s3/actions/oidc/customization/sub',
    '/repos/awslabs/mountpoint-s3/environments',
    '/repos/awslabs/mountpoint-s3/rules/branches/master',
    '/repos/awslabs/mountpoint-s3/branches/master/protection',
    '/repos/awslabs/mountpoint-s3/rules/branches/main',
    '/repos/awslabs/mountpoint-s3/branches/main/protection',
  ]);
});
