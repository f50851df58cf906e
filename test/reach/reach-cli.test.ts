/**
 * `keyless reach` in-process against the corpus checkouts: the mountpoint-s3 workflows with a role
 * that admits their pull_request_target runs (the real pattern), the corpus CloudFormation role,
 * exit codes, formats and bad input.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nodeHost } from '../../src/cli/host.js';
import { run } from '../../src/cli/main.js';
import { corpusCheckouts, type CorpusCheckouts } from './helpers/corpus-checkouts.js';

let corpus: CorpusCheckouts;
let roles: string;
const IAC = join(import.meta.dirname, '..', 'corpus', 'iac-trust-policies');

const policy = (sub: string | string[], op = 'StringLike') => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, [op]: { 'token.actions.githubusercontent.com:sub': sub } },
    },
  ],
});

beforeAll(() => {
  corpus = corpusCheckouts();
  roles = join(corpus.root, 'roles');
  mkdirSync(roles);
  // The mountpoint integration role as its workflows need it: pull requests and main.
  writeFileSync(join(roles, 'mountpoint-integration.json'), JSON.stringify(policy(['repo:awslabs/mountpoint-s3:pull_request', 'repo:awslabs/mountpoint-s3:ref:refs/heads/main'])));
  writeFileSync(join(roles, 'stale.json'), JSON.stringify(policy('repo:awslabs/mountpoint-s3:environment:gone', 'StringEquals')));
});
afterAll(() => corpus.cleanup());

async function reach(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(['reach', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readFile: () => '',
    version: '0.0.0-test',
    host: nodeHost({ cwd: corpus.root, awsRegion: 'us-east-1' }),
    env,
  });
  return { code, stdout, stderr };
}

const mountpoint = () => ['--workflows', corpus.folders.get('awslabs/mountpoint-s3')!, '--repository', 'awslabs/mountpoint-s3'];

describe('mountpoint-s3: pull_request_target jobs and a role that admits pull requests', () => {
  test('outsider-reachable (error, exit 3) with the path; the stale role is a note', async () => {
    const r = await reach([...mountpoint(), '--json', join(roles, 'mountpoint-integration.json'), join(roles, 'stale.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout) as { findings: { rule: string; severity: string; role?: string; workflow?: string; job?: string; subject?: string; line?: number }[] };
    const outsider = doc.findings.filter((f) => f.rule === 'outsider-reachable');
    expect(new Set(outsider.map((f) => `${f.workflow}:${f.job}`))).toEqual(
      new Set(['fs-test', 'client-test', 'fstab', 'asan', 'metrics', 'test-rpm', 'build-srpm', 'workflow-complete'].map((j) => `.github/workflows/integration_pr.yml:${j}`)),
    );
    expect(outsider.every((f) => f.severity === 'error' && f.subject === 'repo:awslabs/mountpoint-s3:pull_request')).toBe(true);
    expect(doc.findings.find((f) => f.rule === 'unreachable-role')).toMatchObject({ severity: 'note', role: join(roles, 'stale.json') });
    // The job in environment "PR integration tests" is not admitted (its sub names the environment).
    expect(outsider.some((f) => f.job === 'approval')).toBe(false);
  });

  test('the table reads who → trigger → workflow:job → subject → gates → role', async () => {
    const r = await reach([...mountpoint(), join(roles, 'mountpoint-integration.json')]);
    expect(r.stdout).toContain(
      '[outsider] anyone who can open a pull request from a fork → pull_request_target on refs/heads/main → .github/workflows/integration_pr.yml:fs-test (calls .github/workflows/integration.yml) → repo:awslabs/mountpoint-s3:pull_request →',
    );
    expect(r.stdout).toMatch(/note: unresolved: \.\/\.github\/workflows\/bench\.yml/);
  });

  test('sarif: results on the workflow lines; mermaid: a flowchart', async () => {
    const sarif = await reach([...mountpoint(), '--format', 'sarif', join(roles, 'mountpoint-integration.json')]);
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] }).runs[0]!.results;
    const first = results.find((x) => x.ruleId === 'outsider-reachable')!;
    expect(first.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'awslabs__mountpoint-s3/.github/workflows/integration.yml' }, region: { startLine: expect.any(Number) } });
    const mermaid = await reach([...mountpoint(), '--format', 'mermaid', join(roles, 'mountpoint-integration.json')]);
    expect(mermaid.stdout.startsWith('flowchart LR\n')).toBe(true);
    expect(mermaid.stdout).toContain('NO REVIEW');
  });
});

test('the corpus CloudFormation role (owner left as a parameter) is admitted by no workflow: a note, exit 0', async () => {
  const r = await reach(['--workflows', corpus.folders.get('aws-actions/configure-aws-credentials')!, '--repository', 'aws-actions/configure-aws-credentials', '--json', join(IAC, 'aws-actions__configure-aws-credentials__github-actions-oidc-federation-and-role.yml')]);
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout) as { roles: unknown[]; findings: { rule: string }[] };
  expect(doc.roles).toHaveLength(1);
  expect(doc.findings.map((f) => f.rule)).toContain('unreachable-role');
  // dependabot-autoapprove.yml runs actions/checkout@v5 (first party) and configure-aws-credentials@v6 (not pinned).
  expect(doc.findings.filter((f) => f.rule === 'token-exposed-to-unpinned-action').length).toBeGreaterThan(0);
});

describe('bad input is exit 2 before anything is read', () => {
  test.each([
    [['--json', 'x.json'], /give --workflows DIR/],
    [['--workflows', 'nope', '--repository', 'a/b', 'x.json'], /--workflows "nope": no such file or directory/],
    [['--workflows', '.', '--repository', 'not a repo', 'x.json'], /--repository "not a repo" is not OWNER\/REPO/],
    [['--workflows', '.', '--repository', 'a/b'], /give the roles/],
    [['--workflows', '.', '--repository', 'a/b', '--format', 'dot', 'x.json'], /--format "dot" is not one of table, json, sarif, mermaid/],
    [['--workflows', '.', '--repository', 'a/b', '--format', 'json', '--format', 'sarif', 'x.json'], /--format is given twice \("json" and "sarif"\); it takes one value/],
    [['--workflows', '.', '--repository', 'a/b', '--github', 'x.json'], /--github needs a token in GITHUB_TOKEN or GH_TOKEN/],
    [['--workflows', '.', 'x.json'], /give --repository OWNER\/REPO for it/],
  ])('%j', async (args, message) => {
    const r = await reach(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});

test('subject-mismatch: a job in an environment assumes a role that trusts only the branch: the failing condition is named', async () => {
  const dir = join(corpus.root, 'mismatch');
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  writeFileSync(
    join(dir, '.github', 'workflows', 'deploy.yml'),
    'on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment: production\n    permissions:\n      id-token: write\n    steps:\n      - uses: aws-actions/configure-aws-credentials@7474bc4690e29a8392af63c5b98e7449536d5c3a\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy\n',
  );
  writeFileSync(join(dir, 'deploy.json'), JSON.stringify(policy('repo:octo-org/octo-repo:ref:refs/heads/main', 'StringEquals')));
  const r = await reach(['--workflows', 'mismatch/.github/workflows', '--repository', 'octo-org/octo-repo', '--json', 'mismatch/deploy.json']);
  expect(r.code).toBe(3);
  const doc = JSON.parse(r.stdout) as { findings: { rule: string; message: string; file?: string; line?: number }[] };
  const mismatch = doc.findings.find((f) => f.rule === 'subject-mismatch')!;
  expect(mismatch).toMatchObject({ file: 'mismatch/.github/workflows/deploy.yml', line: 11 });
  expect(mismatch.message).toContain('(sub repo:octo-org/octo-repo:environment:production)');
  expect(mismatch.message).toContain('StringEquals: the token\'s "repo:octo-org/octo-repo:environment:production" does not equal "repo:octo-org/octo-repo:ref:refs/heads/main"');
  expect(doc.findings.map((f) => f.rule)).toContain('unreachable-role');
});

test('a malformed workflow is a warning naming the file and line; text from outside is quoted; an uncalled reusable workflow is named', async () => {
  const dir = join(corpus.root, 'odd');
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  writeFileSync(join(dir, '.github', 'workflows', 'broken.yml'), 'on: push\njobs:\n  a: [unclosed\n');
  writeFileSync(join(dir, '.github', 'workflows', 'called.yml'), 'on: workflow_call\npermissions:\n  id-token: write\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n');
  writeFileSync(
    join(dir, '.github', 'workflows', 'evil.yml'),
    'on: pull_request_target\njobs:\n  "x\\n::error::owned\\u001b[31m":\n    runs-on: ubuntu-latest\n    environment: "prod\\n::warning::x"\n    permissions:\n      id-token: write\n    steps:\n      - run: echo\n',
  );
  writeFileSync(join(dir, 'any.json'), JSON.stringify(policy('repo:octo-org/odd:*')));
  const r = await reach(['--workflows', 'odd/.github/workflows', '--repository', 'octo-org/odd', 'odd/any.json']);
  expect(r.code).toBe(3);
  expect(r.stdout).toMatch(/^warning: odd\/\.github\/workflows\/broken\.yml:4: not valid YAML/m);
  expect(r.stdout).toContain('note: unresolved: .github/workflows/called.yml (odd/.github/workflows/called.yml:1)');
  expect(r.stdout).toContain('"x\\n::error::owned\\u001b[31m"');
  expect(r.stdout).not.toMatch(/^::/m);
  expect(r.stdout).not.toContain('\u001b');
});

test('a YAML alias bomb among the workflows is a warning naming the file; the other workflows are still analysed', async () => {
  const dir = join(corpus.root, 'bomb');
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  const name = (i: number) => String.fromCharCode(97 + i);
  const laughs = [`${name(0)}: &${name(0)} ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let i = 1; i < 9; i++) laughs.push(`${name(i)}: &${name(i)} [${Array(9).fill(`*${name(i - 1)}`).join(',')}]`);
  writeFileSync(join(dir, '.github', 'workflows', 'bomb.yml'), ['on: push', ...laughs, 'jobs: {}', ''].join('\n'));
  writeFileSync(
    join(dir, '.github', 'workflows', 'deploy.yml'),
    'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    steps:\n      - run: echo\n',
  );
  writeFileSync(join(dir, 'main.json'), JSON.stringify(policy('repo:octo-org/bomb:ref:refs/heads/main', 'StringEquals')));
  const r = await reach(['--workflows', 'bomb/.github/workflows', '--repository', 'octo-org/bomb', 'bomb/main.json']);
  expect(r.stdout).toMatch(/^warning: bomb\/\.github\/workflows\/bomb\.yml:1: not read \(.*alias/m);
  // deploy.yml still obtains the role: it is not reported as unreachable.
  expect(r.stdout).toContain('deploy.yml');
  expect(r.stdout).not.toContain('unreachable-role');
  // Counts are words, as in every other command: "1 role", not "1 role(s)".
  expect(r.stdout).toMatch(/^1 role, 1 token-requesting job: 0 errors, /m);
});

test('a role whose provider is in another account than the role admits no job (IAM uses only the role account\'s provider)', async () => {
  const dir = join(corpus.root, 'xacct');
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  writeFileSync(
    join(dir, '.github', 'workflows', 'deploy.yml'),
    'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    steps:\n      - run: echo\n',
  );
  const document = policy('repo:octo-org/xacct:ref:refs/heads/main', 'StringEquals');
  const roleIn = (account: string, name: string) => ({ RoleName: name, Arn: `arn:aws:iam::${account}:role/${name}`, AssumeRolePolicyDocument: document });
  writeFileSync(join(dir, 'roles.json'), JSON.stringify({ Roles: [roleIn('123456789012', 'same-account'), roleIn('210987654321', 'other-account')] }));
  const r = await reach(['--workflows', 'xacct/.github/workflows', '--repository', 'octo-org/xacct', 'xacct/roles.json', '--json']);
  const doc = JSON.parse(r.stdout) as { findings: { rule: string; role?: string }[] };
  const unreachable = doc.findings.filter((f) => f.rule === 'unreachable-role').map((f) => f.role);
  expect(unreachable.some((role) => role?.includes('other-account'))).toBe(true);
  expect(unreachable.some((role) => role?.includes('same-account'))).toBe(false);
});

test('--help lists the flags and every rule; keyless help reach is the same; the main help names reach', async () => {
  const help = await reach(['--help']);
  expect(help.code).toBe(0);
  for (const id of ['outsider-reachable', 'subject-mismatch', 'unreviewed-path', 'environment-unprotected', 'token-exposed-to-unpinned-action', 'unreachable-role']) expect(help.stdout).toContain(id);
  let viaHelp = '';
  await run(['help', 'reach'], { stdout: (t) => (viaHelp += t), stderr: () => {}, readFile: () => '', version: 'x' });
  expect(viaHelp).toBe(help.stdout);
  let main = '';
  run(['--help'], { stdout: (t) => (main += t), stderr: () => {}, readFile: () => '', version: 'x' });
  expect(main).toContain('keyless reach --workflows DIR...');
});

test.each([
  ['https://github.com/octo-org/from-git.git', {}, 'octo-org/from-git'],
  ['git@github.com:octo-org/from-ssh.git', {}, 'octo-org/from-ssh'],
  [undefined, { GITHUB_REPOSITORY: 'octo-org/from-env' }, 'octo-org/from-env'],
])('the repository defaults to the checkout\'s origin (%s), then GITHUB_REPOSITORY', async (url, env, repository) => {
  const dir = join(corpus.root, `git-${repository.split('/')[1]}`);
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  mkdirSync(join(dir, '.git'), { recursive: true });
  if (url) writeFileSync(join(dir, '.git', 'config'), `[core]\n\tbare = false\n[remote "origin"]\n\turl = ${url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`);
  writeFileSync(join(dir, '.github', 'workflows', 'd.yml'), 'on: push\npermissions:\n  id-token: write\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n');
  writeFileSync(join(dir, 'role.json'), JSON.stringify(policy(`repo:${repository}:ref:refs/heads/main`, 'StringEquals')));
  const r = await reach(['--workflows', join(dir, '.github', 'workflows'), '--json', join(dir, 'role.json')], env);
  const doc = JSON.parse(r.stdout) as { roles: { paths: { subject: string }[] }[] };
  expect(doc.roles[0]!.paths.map((p) => p.subject)).toContain(`repo:${repository}:ref:refs/heads/main`);
});
