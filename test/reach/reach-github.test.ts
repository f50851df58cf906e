/**
 * `keyless reach --github` against a loopback GitHub API that answers with the corpus's documented
 * responses: which requests are made (counted), what the settings change, and how 403/404/429 and
 * pagination are handled.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { nodeHost } from '../../src/cli/host.js';
import { run } from '../../src/cli/main.js';
import { startLocalGitHubApi, type LocalGitHubApi } from '../../src/local/github-api.js';
import { corpusCheckouts, type CorpusCheckouts } from './helpers/corpus-checkouts.js';
import { corpusRoutes, example, type Answers } from './helpers/github-corpus-api.js';

let corpus: CorpusCheckouts;
let roles: string;
let api: LocalGitHubApi | undefined;

const policy = (sub: string[]) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': sub } },
    },
  ],
});

beforeAll(() => {
  corpus = corpusCheckouts();
  roles = join(corpus.root, 'roles');
  mkdirSync(roles);
  writeFileSync(join(roles, 'pr-env.json'), JSON.stringify(policy(['repo:awslabs/mountpoint-s3:environment:PR integration tests'])));
});
afterAll(() => corpus.cleanup());
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** GitHub's example environment ("staging", with reviewers, a wait timer and custom branch policies) under the name the workflow uses. */
function environmentsNamed(name: string, change: (env: Record<string, unknown>) => void = () => {}) {
  const body = example('repos__get-all-environments__default') as { environments: Record<string, unknown>[] };
  body.environments[0]!.name = name;
  change(body.environments[0]!);
  return body;
}

async function reachWith(overrides: Answers, extra: string[] = []) {
  api = await startLocalGitHubApi(corpusRoutes(overrides));
  let stdout = '';
  let stderr = '';
  const code = await run(
    ['reach', '--workflows', corpus.folders.get('awslabs/mountpoint-s3')!, '--repository', 'awslabs/mountpoint-s3', '--default-branch', 'main', '--github', '--json', join(roles, 'pr-env.json'), ...extra],
    {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      readFile: () => '',
      version: '0.0.0-test',
      host: nodeHost({ cwd: corpus.root, awsRegion: 'us-east-1' }),
      env: { GITHUB_TOKEN: 'ghs_test', GITHUB_API_URL: api.url },
    },
  );
  type Doc = { roles: { paths: { job: string; workflow: string; gates: { reviewed: boolean; enforced: string[]; unknown: string[] } }[] }[]; findings: { rule: string; severity: string; message: string; job?: string }[] };
  return { code, stderr, doc: stdout ? (JSON.parse(stdout) as Doc) : undefined, requests: api.requests.map((r) => r.path) };
}

describe('the environment the role admits has required reviewers', () => {
  test('the path is reviewed: no outsider-reachable; exactly one request per setting', async () => {
    const r = await reachWith({ environments: () => ({ status: 200, body: environmentsNamed('PR integration tests') }) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const paths = r.doc!.roles[0]!.paths;
    expect(paths.map((p) => `${p.workflow}:${p.job}`)).toEqual(['.github/workflows/integration_pr.yml:approval']);
    expect(paths[0]!.gates.reviewed).toBe(true);
    expect(paths[0]!.gates.enforced[0]).toBe('environment "PR integration tests": required reviewers octocat, team justice-league; branches release/*, main; wait 30 min');
    expect(r.doc!.findings.filter((f) => f.rule === 'outsider-reachable')).toEqual([]);
    expect(r.requests).toEqual([
      '/repos/awslabs/mountpoint-s3',
      '/repos/awslabs/mountpoint-s3/actions/oidc/customization/sub',
      '/repos/awslabs/mountpoint-s3/environments',
      '/repos/awslabs/mountpoint-s3/environments/PR%20integration%20tests/deployment-branch-policies',
      '/repos/awslabs/mountpoint-s3/rules/branches/main',
      '/repos/awslabs/mountpoint-s3/branches/main/protection',
    ]);
  });

  test('without reviewers or branch policy: outsider-reachable and environment-unprotected', async () => {
    const r = await reachWith({
      environments: () => ({ status: 200, body: environmentsNamed('PR integration tests', (e) => ((e.protection_rules = []), (e.deployment_branch_policy = null))) }),
    });
    expect(r.code).toBe(3);
    expect(r.doc!.findings.filter((f) => f.rule === 'outsider-reachable').map((f) => f.job)).toEqual(['approval']);
    expect(r.doc!.findings.find((f) => f.rule === 'environment-unprotected')).toMatchObject({ severity: 'warning' });
    expect(r.requests).not.toContain('/repos/awslabs/mountpoint-s3/environments/PR%20integration%20tests/deployment-branch-policies');
  });
});

describe('answers that cannot succeed are not retried; each names the endpoint and permission', () => {
  test('403 on environments: unknown, the finding says which endpoint and permission would settle it', async () => {
    const r = await reachWith({ environments: () => ({ status: 403, body: { message: 'Resource not accessible by integration' } }) });
    expect(r.code).toBe(3);
    expect(r.requests.filter((p) => p.endsWith('/environments'))).toHaveLength(1);
    const note = r.doc!.findings.find((f) => f.rule === 'environment-unprotected')!;
    expect(note.severity).toBe('note');
    expect(note.message).toContain('GET /repos/{owner}/{repo}/environments (needs actions: read): GET /repos/{owner}/{repo}/environments: forbidden (403): the token needs actions: read: "Resource not accessible by integration"');
  });

  test('404 on the OIDC template: asked once, the subject template stays unknown', async () => {
    const r = await reachWith({ subject: () => ({ status: 404, body: { message: 'Not Found' } }), environments: () => ({ status: 200, body: environmentsNamed('PR integration tests') }) });
    expect(r.code).toBe(0);
    expect(r.requests.filter((p) => p.endsWith('/customization/sub'))).toHaveLength(1);
  });

  test('403 on branch protection (GITHUB_TOKEN has no administration read): rules for the branch stay unknown, with why', async () => {
    const r = await reachWith({ protection: () => ({ status: 403, body: { message: 'Resource not accessible by integration' } }), environments: () => ({ status: 200, body: environmentsNamed('PR integration tests') }) });
    expect(r.requests.filter((p) => p.endsWith('/protection'))).toHaveLength(1);
    expect(r.code).toBe(0);
  });
});

describe('rate limits and pagination', () => {
  test('429 with Retry-After: waited out and asked again, once', async () => {
    let calls = 0;
    const r = await reachWith({
      environments: () => (++calls === 1 ? { status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '0' } } : { status: 200, body: environmentsNamed('PR integration tests') }),
    });
    expect(r.code).toBe(0);
    expect(r.requests.filter((p) => p.endsWith('/environments'))).toHaveLength(2);
  });

  test('environments on two pages (Link rel="next") are all read', async () => {
    const first = environmentsNamed('other');
    const r = await reachWith({
      environments: (_params, url) =>
        url.searchParams.get('page') === null
          ? { status: 200, body: first, headers: { link: `<${api!.url}/repos/awslabs/mountpoint-s3/environments?per_page=100&page=2>; rel="next"` } }
          : { status: 200, body: environmentsNamed('PR integration tests') },
    });
    expect(r.requests.filter((p) => p.endsWith('/environments'))).toHaveLength(2);
    expect(r.doc!.roles[0]!.paths[0]!.gates.reviewed).toBe(true);
  });
});

describe('no request where none is promised', () => {
  async function count(args: string[]) {
    api = await startLocalGitHubApi(corpusRoutes());
    let stdout = '';
    const code = await run(['reach', '--workflows', corpus.folders.get('awslabs/mountpoint-s3')!, '--repository', 'awslabs/mountpoint-s3', ...args, join(roles, 'pr-env.json')], {
      stdout: (t) => (stdout += t),
      stderr: () => {},
      readFile: () => '',
      version: '0.0.0-test',
      host: nodeHost({ cwd: corpus.root, awsRegion: 'us-east-1' }),
      env: { GITHUB_TOKEN: 'ghs_test', GITHUB_API_URL: api.url },
    });
    return { code, stdout, requests: api.requests.length };
  }

  test('without --github: no request, and every setting is unknown with the endpoint that settles it', async () => {
    const r = await count(['--json']);
    expect(r.requests).toBe(0);
    expect(r.stdout).toContain('GET /repos/{owner}/{repo}/environments/{environment_name} (needs actions: read): not read (run with --github)');
  });

  test('bad input with --github: exit 2 and no request', async () => {
    const r = await count(['--github', '--format', 'dot']);
    expect(r.code).toBe(2);
    expect(r.requests).toBe(0);
  });
});
