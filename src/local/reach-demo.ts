/**
 * `npm start -- reach`: `keyless reach --github` on a small repository written to a temporary
 * folder, with its settings served by the loopback GitHub API. Two roles: "deploy" behind the
 * environment "production" (required reviewers), and "preview", whose trust admits any run of the
 * repository, so a pull_request_target job lets anyone with a fork obtain it. Exit 0 when reach
 * shows exactly that (exit code 3, the outsider path), else 1.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeHost } from '../cli/host.js';
import { run } from '../cli/main.js';
import { startLocalGitHubApi } from './github-api.js';

const REPOSITORY = 'octo-org/octo-repo';
const PINNED = 'aws-actions/configure-aws-credentials@7474bc4690e29a8392af63c5b98e7449536d5c3a # v4';

const WORKFLOWS: Record<string, string> = {
  'deploy.yml': `name: deploy
on:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    permissions:
      id-token: write
    steps:
      - uses: ${PINNED}
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: us-east-1
`,
  'preview.yml': `name: preview
on:
  pull_request_target:
    types: [labeled]
jobs:
  preview:
    if: contains(github.event.pull_request.labels.*.name, 'preview')
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: ${PINNED}
        with:
          role-to-assume: arn:aws:iam::123456789012:role/preview
          aws-region: us-east-1
`,
};

const policy = (sid: string, operator: string, sub: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: sid,
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, [operator]: { 'token.actions.githubusercontent.com:sub': sub } },
    },
  ],
});

/** The repository's settings, in GitHub's documented shapes. */
function routes() {
  const ok = (body: unknown) => () => ({ status: 200, body });
  return [
    { method: 'GET', path: '/repos/{owner}/{repo}', answer: ok({ full_name: REPOSITORY, visibility: 'public', private: false, default_branch: 'main' }) },
    { method: 'GET', path: '/repos/{owner}/{repo}/actions/oidc/customization/sub', answer: ok({ use_default: true }) },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/environments',
      answer: ok({
        total_count: 1,
        environments: [
          {
            id: 1,
            name: 'production',
            protection_rules: [{ id: 2, type: 'required_reviewers', prevent_self_review: true, reviewers: [{ type: 'Team', reviewer: { id: 3, slug: 'release-managers', name: 'Release managers' } }] }],
            deployment_branch_policy: { protected_branches: true, custom_branch_policies: false },
          },
        ],
      }),
    },
    { method: 'GET', path: '/repos/{owner}/{repo}/rules/branches/{branch}', answer: ok([{ type: 'pull_request', ruleset_source_type: 'Repository', ruleset_source: REPOSITORY, ruleset_id: 7, parameters: { required_approving_review_count: 1 } }]) },
  ];
}

export async function runReachDemo(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-reach-demo-'));
  const api = await startLocalGitHubApi(routes());
  try {
    const workflows = join(dir, 'octo-repo', '.github', 'workflows');
    mkdirSync(workflows, { recursive: true });
    for (const [name, text] of Object.entries(WORKFLOWS)) writeFileSync(join(workflows, name), text);
    mkdirSync(join(dir, 'roles'));
    writeFileSync(join(dir, 'roles', 'deploy.json'), JSON.stringify(policy('Production', 'StringEquals', `repo:${REPOSITORY}:environment:production`), null, 2));
    writeFileSync(join(dir, 'roles', 'preview.json'), JSON.stringify(policy('AnyRunOfTheRepository', 'StringLike', `repo:${REPOSITORY}:*`), null, 2));
    console.log(`A small repository ${REPOSITORY} (in ${dir}):`);
    for (const [name, text] of Object.entries(WORKFLOWS)) console.log(`\n--- .github/workflows/${name}\n${text}`);
    console.log(`Roles: deploy admits repo:${REPOSITORY}:environment:production; preview admits repo:${REPOSITORY}:* (any run).`);
    console.log(`Settings from the loopback GitHub API ${api.url}: production needs a review by release-managers; main has a pull-request rule.\n`);
    const common = ['reach', '--workflows', 'octo-repo/.github/workflows', '--repository', REPOSITORY, '--github', 'roles'];
    const io = (out: (t: string) => void) => ({
      stdout: out,
      stderr: (t: string) => process.stderr.write(t),
      readFile: () => '',
      version: 'demo',
      host: nodeHost({ cwd: dir, awsRegion: 'us-east-1' }),
      env: { GITHUB_TOKEN: 'demo-token', GITHUB_API_URL: api.url },
    });
    console.log(`$ keyless ${common.join(' ')}`);
    let table = '';
    const code = await run(common, io((t) => ((table += t), process.stdout.write(t))));
    console.log(`(exit code ${code})\n\n$ keyless ${common.join(' ')} --format mermaid`);
    await run([...common, '--format', 'mermaid'], io((t) => process.stdout.write(t)));
    console.log(`\n${api.requests.length} requests to the GitHub API.`);
    const shown = code === 3 && /error: outsider-reachable: anyone who can open a pull request from a fork can obtain roles\/preview/.test(table);
    if (!shown) console.error('\nThe demo did not show the outsider path it should: see the output above.');
    return shown ? 0 : 1;
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
