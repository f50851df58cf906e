/**
 * `keyless trust-policy test` and `keyless trust-policy prove` as real processes: expectation
 * files (the example, failures explained), proofs and counterexamples (each counterexample
 * then admitted by `keyless trust-policy evaluate`), and the refusals.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../helpers/corpus.js';
import { json, keyless } from './helpers/process.js';

const GH = 'token.actions.githubusercontent.com';
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${GH}`;
const role = (op: string, sub: string | string[]) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' }, [op]: { [`${GH}:sub`]: sub } } }],
});

let work: string;
const write = (name: string, content: string | object): string => {
  const path = join(work, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'keyless-test-prove-'));
  mkdirSync(join(work, 'roles'));
  write('roles/deploy-prod.json', role('StringEquals', 'repo:octo-org/app:environment:production'));
  write('roles/any-ref.json', role('StringLike', 'repo:octo-org/app:*'));
  write('roles/staging.json', role('StringEquals', 'repo:octo-org/app:environment:staging'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const EXAMPLE = `policy: roles/deploy-prod.json
allow:
  - { repository: octo-org/app, environment: production }
deny:
  - { repository: octo-org/app, ref: refs/heads/feature/x }
  - { claims: { sub: "repo:octo-org/fork:environment:production", aud: sts.amazonaws.com } }
`;

describe('trust-policy test', () => {
  it('the issue\'s example holds for the pinned role: exit 0', async () => {
    write('deploy.test.yaml', EXAMPLE);
    const r = await keyless(['trust-policy', 'test', 'deploy.test.yaml'], { cwd: work });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 passed, 0 failed/);
  });

  it('a role that admits too much fails, with the statement that decided it: exit 3', async () => {
    write('any-ref.test.yaml', EXAMPLE.replace('deploy-prod.json', 'any-ref.json'));
    const r = await keyless(['trust-policy', 'test', 'any-ref.test.yaml'], { cwd: work });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/FAIL deny  repo:octo-org\/app:ref:refs\/heads\/feature\/x {2}\(deny\[0\], line 5\)/);
    expect(r.stdout).toMatch(/expected DENIED, got ALLOWED: Allowed: statement 0 allows/);
    expect(r.stdout).toMatch(/2 passed, 1 failed/);
  });

  it('a run wrongly denied names the condition and the values compared', async () => {
    write('staging.test.yaml', 'policy: roles/staging.json\nallow:\n  - { repository: octo-org/app, environment: production }\n');
    const r = await keyless(['trust-policy', 'test', 'staging.test.yaml'], { cwd: work });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/StringEquals "token\.actions\.githubusercontent\.com:sub"\n\s+policy: "repo:octo-org\/app:environment:staging"\n\s+token: {2}"repo:octo-org\/app:environment:production"/);
  });

  it('--json: one document; a role of a CloudFormation template, by name', async () => {
    const fixture = join(process.cwd(), 'test', 'fixtures', 'audit', 'cloudformation', 'github-roles.yaml');
    write('cfn.test.yaml', `policy: ${fixture}\nrole: DeployRole\nallow: [{ repository: octo-org/app, environment: production }]\ndeny: [{ repository: octo-org/app, event: pull_request }]\n`);
    const r = await keyless(['trust-policy', 'test', 'cfn.test.yaml', '--json'], { cwd: work });
    expect(r.code).toBe(0);
    const doc = json<{ passed: number; failed: number; files: { policy: string; results: { passed: boolean; run: string }[] }[] }>(r);
    expect(doc).toMatchObject({ passed: 2, failed: 0 });
    expect(doc.files[0]!.policy).toMatch(/github-roles\.yaml \(DeployRole\)$/);
    expect(doc.files[0]!.results.map((x) => x.run)).toEqual(['repo:octo-org/app:environment:production', 'repo:octo-org/app:pull_request']);
  });

  it.each([
    ['missing.test.yaml', '', /FILE "missing\.test\.yaml": cannot read the file \(no such file or directory\)/],
    ['typo.test.yaml', 'policy: roles/deploy-prod.json\nallow:\n  - { repo: octo-org/app }\n', /typo\.test\.yaml: line 3: allow\[0\]: unknown field "repo"/],
    ['nopolicy.test.yaml', 'policy: roles/none.json\nallow: [{ repository: o/r }]\n', /policy "roles\/none\.json": cannot read the file/],
    ['multi.test.yaml', `policy: ${join(process.cwd(), 'test/fixtures/audit/cloudformation/github-roles.yaml')}\nallow: [{ repository: o/r }]\n`, /holds 4 roles; name one with "role: NAME" next to "policy:": "BroadRole", "DeployRole"/],
  ])('%s: exit 2', async (name, content, message) => {
    if (content !== '') write(name, content);
    const r = await keyless(['trust-policy', 'test', name], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('trust-policy prove', () => {
  it('proves a pinned role admits one repository and one environment: exit 0', async () => {
    const r = await keyless(['trust-policy', 'prove', '--policy', 'roles/deploy-prod.json', '--only', 'repository=octo-org/app', '--only', 'environment=production'], { cwd: work });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PROVED: every run roles\/deploy-prod\.json admits has repository in \{octo-org\/app\} and environment in \{production\}/);
  });

  it('a counterexample is a run evaluate admits: exit 3', async () => {
    const r = await keyless(['trust-policy', 'prove', '--policy', 'roles/any-ref.json', '--only', 'environment=production', '--json'], { cwd: work });
    expect(r.code).toBe(3);
    const doc = json<{ proved: boolean; policies: unknown[]; counterexample: Record<string, string> }>(r);
    expect(Object.keys(doc)).toEqual(['proved', 'policies', 'counterexample']);
    expect(doc.policies).toEqual([{ file: 'roles/any-ref.json', role: null }]);
    expect(doc.proved).toBe(false);
    expect(doc.counterexample.repository).toBe('octo-org/app');
    expect(doc.counterexample.environment).not.toBe('production');
    write('counterexample.json', doc.counterexample);
    const evaluate = await keyless(['trust-policy', 'evaluate', '--policy', 'roles/any-ref.json', '--claims', 'counterexample.json'], { cwd: work });
    expect(evaluate.code).toBe(0);
    expect(evaluate.stdout).toMatch(/^ALLOWED/);
  });

  it('--disjoint: staging and production share no run; a repository-wide role shares one', async () => {
    const disjoint = await keyless(['trust-policy', 'prove', '--disjoint', 'roles/staging.json', 'roles/deploy-prod.json'], { cwd: work });
    expect(disjoint.code).toBe(0);
    expect(disjoint.stdout).toMatch(/^PROVED: no single run can assume both roles\/staging\.json and roles\/deploy-prod\.json/);
    const overlap = await keyless(['trust-policy', 'prove', '--disjoint', 'roles/any-ref.json', 'roles/deploy-prod.json'], { cwd: work });
    expect(overlap.code).toBe(3);
    expect(overlap.stdout).toMatch(/COUNTEREXAMPLE: one run can assume both/);
    expect(overlap.stdout).toMatch(/"sub": "repo:octo-org\/app:environment:production"/);
    const asJson = json<{ proved: boolean; policies: unknown[] }>(await keyless(['trust-policy', 'prove', '--disjoint', 'roles/any-ref.json', 'roles/deploy-prod.json', '--json'], { cwd: work }));
    expect(asJson.policies).toEqual([
      { file: 'roles/any-ref.json', role: null },
      { file: 'roles/deploy-prod.json', role: null },
    ]);
  });

  it('a corpus policy pinning the repository, through a rendered principal', async () => {
    const policy = JSON.parse(readFileSync(join(CORPUS, 'trust-policies', 'policies', 'aws-docs_iam-user-guide_github_org-wide.json'), 'utf8'));
    policy.Statement[0].Principal.Federated = PROVIDER;
    write('org-wide.json', policy);
    const r = await keyless(['trust-policy', 'prove', '--policy', 'org-wide.json', '--only', 'repository=GitHubOrg/GitHubRepo'], { cwd: work });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/"repository": "GitHubOrg\/(?!GitHubRepo")/);
  });

  it.each([
    [['--policy', 'roles/any-ref.json'], /--only KEY=VALUE\[,VALUE…\] is required/],
    [['--policy', 'roles/any-ref.json', '--only', 'branch=main'], /KEY one of repository, owner, environment/],
    [['--policy', 'roles/any-ref.json', '--only', 'ref=a', '--only', 'ref=b'], /--only ref=… is given twice/],
    [['--disjoint', 'roles/any-ref.json'], /--disjoint needs exactly two policy files \(got 1\)/],
    [['--policy', 'roles/any-ref.json', '--only', 'ref=a', '--subject-form', 'new'], /--subject-form "new": expected any, name-only or immutable/],
    [['--policy', join(CORPUS, 'trust-policies', 'policies', 'dvdmelamed_aws-infra_repo-star.json'), '--only', 'owner=x'], /cannot decide: .*unrendered template; prove the rendered policy/],
  ])('%j: exit 2', async (args, message) => {
    const r = await keyless(['trust-policy', 'prove', ...args], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
