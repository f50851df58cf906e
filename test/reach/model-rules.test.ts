/** The subject rules, who can start a run, and id-token inheritance through calls, table-driven on small workflows. */
import { describe, expect, test } from 'vitest';
import { candidateRuns } from '../../src/reach/claims.js';
import { tokenJobs } from '../../src/reach/jobs.js';
import type { Checkout } from '../../src/reach/read-checkout.js';
import { unknownSettings, type RepositorySettings } from '../../src/reach/settings.js';
import { starterOf } from '../../src/reach/starters.js';
import { parseWorkflow } from '../../src/reach/workflow-parse.js';
import { parseYamlLocated } from '../../src/trust/audit/yaml.js';

const REPO = 'octo-org/octo-repo';

async function checkout(files: Record<string, string>): Promise<Checkout> {
  const workflows = [];
  for (const [name, text] of Object.entries(files)) {
    workflows.push(parseWorkflow((await parseYamlLocated(text))[0]!, { path: `.github/workflows/${name}`, file: name, repository: REPO }));
  }
  return { repository: REPO, folder: '.', workflows, actions: new Map(), problems: [] };
}

const job = (on: string, extra = '') => `on: ${on}\npermissions:\n  id-token: write\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n${extra}    steps:\n      - run: echo\n`;

async function runsOf(text: string, settings: RepositorySettings = unknownSettings(REPO, 'main')) {
  const c = await checkout({ 'w.yml': text });
  return tokenJobs(c).jobs.flatMap((j) => candidateRuns(j, settings).map((r) => ({ event: r.event, sub: r.claims.sub, starter: starterOf(r, c.workflows, settings).kind })));
}

describe('subjects: environment beats pull request beats ref', () => {
  test.each([
    ['[pull_request_target]', '    environment: prod\n', { event: 'pull_request_target', sub: `repo:${REPO}:environment:prod`, starter: 'outsider' }],
    ['[pull_request_target]', '', { event: 'pull_request_target', sub: `repo:${REPO}:pull_request`, starter: 'outsider' }],
    ['[pull_request]', '', { event: 'pull_request', sub: `repo:${REPO}:pull_request`, starter: 'writer' }],
    ['[issue_comment]', '', { event: 'issue_comment', sub: `repo:${REPO}:ref:refs/heads/main`, starter: 'outsider' }],
    ['[issues]', '', { event: 'issues', sub: `repo:${REPO}:ref:refs/heads/main`, starter: 'outsider' }],
    ['[schedule]', '', { event: 'schedule', sub: `repo:${REPO}:ref:refs/heads/main`, starter: 'scheduler' }],
    ['{push: {tags: ["v*"]}}', '', { event: 'push', sub: `repo:${REPO}:ref:refs/tags/vkeyless-any`, starter: 'writer' }],
  ])('on: %s %s', async (on, extra, expected) => {
    expect(await runsOf(job(on, extra))).toEqual([expected]);
  });
});

test('workflow_run after a pull_request workflow is an outsider path, on the default branch', async () => {
  const c = await checkout({
    'ci.yml': 'name: CI\non: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n',
    'after.yml': job('{workflow_run: {workflows: [CI], types: [completed]}}'),
  });
  const settings = unknownSettings(REPO, 'trunk');
  const runs = tokenJobs(c).jobs.flatMap((j) => candidateRuns(j, settings));
  expect(runs.map((r) => r.claims.sub)).toEqual([`repo:${REPO}:ref:refs/heads/trunk`]);
  expect(starterOf(runs[0]!, c.workflows, settings)).toEqual({ kind: 'outsider', who: 'anyone who can start a fork pull request (via "CI"), through workflow_run' });
});

test("the repository's template and sub_claim_prefix are used as GitHub gives them", async () => {
  const settings: RepositorySettings = {
    ...unknownSettings(REPO, 'main'),
    subjectTemplate: { known: true, value: { claimKeys: ['repo', 'context', 'job_workflow_ref'], prefix: 'repo:octo-org@1/octo-repo@2' } },
  };
  expect((await runsOf(job('[push]'), settings))[0]!.sub).toBe(`repo:octo-org@1/octo-repo@2:ref:refs/heads/main:job_workflow_ref:${REPO}/.github/workflows/w.yml@refs/heads/main`);
});

describe('id-token through reusable workflows: the callee holds no more than the caller grants', () => {
  const callee = 'on: workflow_call\njobs:\n  inner:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    environment: ${{ inputs.env }}\n    steps:\n      - run: echo\n';
  test.each([
    ['caller grants id-token: write', 'on: push\njobs:\n  call:\n    permissions:\n      id-token: write\n    uses: ./.github/workflows/callee.yml\n    with:\n      env: prod\n', ['prod']],
    ['caller grants only contents: read', 'on: push\njobs:\n  call:\n    permissions:\n      contents: read\n    uses: ./.github/workflows/callee.yml\n', []],
  ])('%s', async (_, caller, environments) => {
    const c = await checkout({ 'caller.yml': caller, 'callee.yml': callee });
    expect(tokenJobs(c).jobs.map((j) => j.environment)).toEqual(environments);
  });
});

test.each([
  ['the default of a declared input the caller leaves out', '      env:\n        type: string\n        default: staging\n', ['staging']],
  ['a declared input without default, left out: empty, so no environment', '      env:\n        type: string\n', [undefined]],
])('called workflow environment: %s', async (_, declared, environments) => {
  const callee = `on:\n  workflow_call:\n    inputs:\n${declared}jobs:\n  inner:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    environment: \${{ inputs.env }}\n    steps:\n      - run: echo\n`;
  const caller = 'on: push\npermissions:\n  id-token: write\njobs:\n  call:\n    uses: ./.github/workflows/callee.yml\n';
  const c = await checkout({ 'caller.yml': caller, 'callee.yml': callee });
  expect(tokenJobs(c).jobs.map((j) => j.environment)).toEqual(environments);
});

test('rules on main gate a push to main, not a workflow_dispatch on main', async () => {
  const { gatesOf } = await import('../../src/reach/gates.js');
  const settings: RepositorySettings = { ...unknownSettings(REPO, 'main'), branchRules: () => ({ known: true, value: { rules: ['pull_request'] } }) };
  const c = await checkout({ 'w.yml': job('{push: {branches: [main]}, workflow_dispatch: {}}') });
  const [tokenJob] = tokenJobs(c).jobs;
  const gated = candidateRuns(tokenJob!, settings).map((r) => `${r.event} ${r.ref} ${gatesOf(tokenJob!, r, settings).ruled} ${starterOf(r, c.workflows, settings).kind}`);
  expect(gated).toEqual([
    'push refs/heads/main true rule-passer',
    'workflow_dispatch refs/heads/main false writer',
    'workflow_dispatch refs/heads/* false writer',
    'workflow_dispatch refs/tags/* false writer',
  ]);
});
