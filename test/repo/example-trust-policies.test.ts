/**
 * The trust policies in examples/trust-policies/ admit the runs their examples describe, and
 * refuse the neighbouring ones (another environment, branch, repository, audience, service
 * account). Checked with the bundled CLI run as a real process: `lint` finds no error in the
 * policies for GitHub's issuer, and `evaluate` decides each run as STS would.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'index.js');
const POLICIES = join(ROOT, 'examples', 'trust-policies');
const work = mkdtempSync(join(tmpdir(), 'keyless-example-policies-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function keyless(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw run.error;
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const GITHUB = 'https://token.actions.githubusercontent.com';
const EKS = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

/** Claims of a GitHub Actions token for octo-org/octo-repo (ids as in the examples). */
function github(subjectTail: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: GITHUB, aud: 'sts.amazonaws.com', sub: `repo:octo-org/octo-repo:${subjectTail}`, repository: 'octo-org/octo-repo', ...overrides };
}
const immutable = (subjectTail: string) => github(subjectTail, { sub: `repo:octo-org@1234567/octo-repo@7654321:${subjectTail}` });
const serviceAccount = (namespace: string, name: string) => ({ iss: EKS, aud: 'sts.amazonaws.com', sub: `system:serviceaccount:${namespace}:${name}` });

const MAIN = 'ref:refs/heads/main';
const branchRole = (policy: string): [string, string, Record<string, unknown>, boolean][] => [
  [policy, 'the main branch', github(MAIN), true],
  [policy, 'the main branch, immutable subject', immutable(MAIN), true],
  [policy, 'another branch', github('ref:refs/heads/feature'), false],
  [policy, 'a pull request', github('pull_request'), false],
  [policy, 'a job in an environment', github('environment:production'), false],
];

const CASES: [policy: string, run: string, claims: Record<string, unknown>, allowed: boolean][] = [
  ['deploy-production.json', 'a production deploy', github('environment:production'), true],
  ['deploy-production.json', 'a production deploy, immutable subject', immutable('environment:production'), true],
  ['deploy-production.json', 'a staging job', github('environment:staging'), false],
  ['deploy-production.json', 'the main branch without an environment', github(MAIN), false],
  ['deploy-production.json', 'another repository', github('environment:production', { sub: 'repo:octo-org/other-repo:environment:production' }), false],
  ['deploy-production.json', 'a token for another audience', github('environment:production', { aud: 'https://github.com/octo-org' }), false],
  ...branchRole('several-accounts-artifacts.json'),
  ...branchRole('several-accounts-production.json'),
  ...branchRole('long-job-backfill.json'),
  ...branchRole('chaining-hub.json'),
  ['terraform-plan-readonly.json', 'the main branch', github(MAIN), true],
  ['terraform-plan-readonly.json', 'a pull request, immutable subject', immutable('pull_request'), true],
  ['terraform-plan-readonly.json', 'a pull request', github('pull_request'), true],
  ['terraform-plan-readonly.json', 'another branch', github('ref:refs/heads/feature'), false],
  ['terraform-plan-readonly.json', 'a job in an environment', github('environment:production'), false],
  ['terraform-plan-readonly.json', 'a pull request in another repository', github('pull_request', { sub: 'repo:octo-org/other-repo:pull_request' }), false],
  ['matrix-staging.json', 'a staging job', github('environment:staging'), true],
  ['matrix-staging.json', 'a production job', github('environment:production'), false],
  ['matrix-production.json', 'a production job', immutable('environment:production'), true],
  ['matrix-production.json', 'a staging job', immutable('environment:staging'), false],
  ['kubernetes-eks-runner.json', "the runner pod's service account", serviceAccount('arc-runners', 'keyless-runner'), true],
  ['kubernetes-eks-runner.json', 'another service account in the namespace', serviceAccount('arc-runners', 'default'), false],
  ['kubernetes-eks-runner.json', 'the same name in another namespace', serviceAccount('default', 'keyless-runner'), false],
  ['kubernetes-eks-runner.json', 'a GitHub Actions token', github(MAIN), false],
];

const POLICY_FILES = readdirSync(POLICIES).filter((name) => name.endsWith('.json')).sort();
/** Policies that trust GitHub's issuer, or no OIDC provider at all: what `lint` is for. */
const LINTED = POLICY_FILES.filter((name) => name !== 'kubernetes-eks-runner.json');

describe('example trust policies', () => {
  it('are all named by an example, and every example names its policies', () => {
    const examples = readdirSync(join(ROOT, 'examples')).filter((name) => name.endsWith('.yml'));
    const named = new Set(examples.flatMap((name) => [...readFileSync(join(ROOT, 'examples', name), 'utf8').matchAll(/([\w-]+\.json)/g)].map((m) => m[1]!)));
    expect(POLICY_FILES.filter((name) => !named.has(name))).toEqual([]);
    // Every example that assumes a role names the trust policy it needs.
    for (const name of examples.filter((file) => /uses: keyless\/keyless@/.test(readFileSync(join(ROOT, 'examples', file), 'utf8')))) {
      expect(readFileSync(join(ROOT, 'examples', name), 'utf8'), name).toMatch(/examples\/trust-policies\/[\w-]+\.json/);
    }
  });

  it.each(LINTED)('%s: lint finds no error', (name) => {
    const result = keyless('trust-policy', 'lint', '--policy', join(POLICIES, name), '--json');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { errors: number }).errors).toBe(0);
  });

  it.each(CASES.map(([name, run, claims, allowed]) => [name, run, allowed ? 'allowed' : 'denied', claims, allowed] as const))('%s: %s is %s', (name, _run, _decision, claims, allowed) => {
    const claimsFile = join(work, `${name}-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(claimsFile, JSON.stringify(claims));
    const result = keyless('trust-policy', 'evaluate', '--policy', join(POLICIES, name), '--claims', claimsFile, '--json');
    expect(result.code, result.stdout + result.stderr).toBe(allowed ? 0 : 3);
    expect((JSON.parse(result.stdout) as { allowed: boolean }).allowed).toBe(allowed);
  });
});
