/**
 * prove, table-driven on the shapes that matter, and on the corpus: the real policies (their
 * principal rendered) against the repositories they pin, cross-checked with the real tokens.
 */
import { describe, expect, it } from 'vitest';
import { evaluateTrustPolicy } from '../../src/trust/index.js';
import { ProveError, proveDisjoint, proveOnly, type OnlyConstraint } from '../../src/trust/prove/prove.js';
import { catalog, decodedTokens, GITHUB_PROVIDER_ARN, readCorpusJson, withConcretePrincipal } from './helpers/corpus.js';

const GH = 'token.actions.githubusercontent.com';
const policy = (condition: object, extra: object[] = [], principal: unknown = { Federated: GITHUB_PROVIDER_ARN }) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }, ...extra],
});
const sub = (op: string, value: string | string[]) => ({ StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' }, [op]: { [`${GH}:sub`]: value } });
const only = (claim: OnlyConstraint['claim'], ...values: string[]): OnlyConstraint[] => [{ claim, values }];

describe('proveOnly', () => {
  it.each([
    ['a pinned repository, any ref', sub('StringLike', 'repo:octo-org/app:*'), only('repository', 'octo-org/app'), true],
    ['repository names compare ignoring case', sub('StringLike', 'repo:Octo-Org/App:*'), only('repository', 'octo-org/app'), true],
    ['every repository of the owner', sub('StringLike', 'repo:octo-org/*'), only('repository', 'octo-org/app'), false],
    ['the owner is pinned, repositories are not', sub('StringLike', 'repo:octo-org/*'), only('owner', 'octo-org'), true],
    ['repo:* admits anyone', sub('StringLike', 'repo:*'), only('owner', 'octo-org'), false],
    ['a wildcard after the owner name admits octo-org-evil', sub('StringLike', 'repo:octo-org*'), only('owner', 'octo-org'), false],
    ['one environment', sub('StringEquals', 'repo:octo-org/app:environment:production'), only('environment', 'production'), true],
    ['environment patterns', sub('StringLike', 'repo:octo-org/app:environment:prod-*'), only('environment', 'prod-*'), true],
    ['any context of the repository includes runs without environment', sub('StringLike', 'repo:octo-org/app:*'), only('environment', 'production'), false],
    ['a branch subject pins the ref', sub('StringEquals', 'repo:octo-org/app:ref:refs/heads/main'), only('ref', 'refs/heads/main'), true],
    ['an environment subject leaves the ref free', sub('StringEquals', 'repo:octo-org/app:environment:production'), only('ref', 'refs/heads/main'), false],
    ['the immutable form pins the names', sub('StringLike', 'repo:octo-org@65/app@74:*'), only('repository', 'octo-org/app'), true],
    ['…and the id', sub('StringLike', 'repo:octo-org@65/app@74:*'), only('repository_id', '74'), true],
    ['a wildcard for the ids admits any id', sub('StringLike', 'repo:octo-org@*/app@*:*'), only('repository_id', '74'), false],
    ['no aud condition: any audience', sub('StringLike', 'repo:octo-org/app:*'), only('aud', 'x'), false],
    ['StringEquals with a wildcard never matches: admits nothing', sub('StringEquals', 'repo:octo-org/*'), only('repository', 'nobody/none'), true],
    ['a Deny carves out pull requests', sub('StringLike', 'repo:octo-org/app:*'), only('sub', 'repo:octo-org/app:environment:*', 'repo:octo-org/app:ref:*'), false],
    // A claim read only by Null: runs with and without it are different kinds of run.
    ['Null environment true: any repository, runs without an environment', { Null: { [`${GH}:environment`]: 'true' } }, only('repository', 'octo-org/app'), false],
    ['Null environment false: any repository with an environment', { Null: { [`${GH}:environment`]: 'false' } }, only('repository', 'octo-org/app'), false],
    ['Null environment false pins nothing about the environment', { Null: { [`${GH}:environment`]: 'false' }, ...sub('StringLike', 'repo:octo-org/app:*') }, only('environment', 'production'), false],
    ['Null environment true admits no run with an environment', { Null: { [`${GH}:environment`]: 'true' }, ...sub('StringLike', 'repo:octo-org/app:*') }, only('sub', 'repo:octo-org/app:ref:*', 'repo:octo-org/app:pull_request'), true],
  ] as const)('%s', (_label, condition, set, proved) => {
    const p = policy(condition);
    const result = proveOnly(p, set);
    expect(result.proved).toBe(proved);
    if (!proved) expect(evaluateTrustPolicy(p, result.counterexample!).allowed).toBe(true);
  });

  it('a repository_owner_id pin is a condition key prove decides, and --only takes it', () => {
    const pinned = policy({ ...sub('StringLike', 'repo:octo-org/*'), StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:repository_owner_id`]: '65' } });
    expect(proveOnly(pinned, only('repository_owner_id', '65')).proved).toBe(true);
    const loose = proveOnly(policy(sub('StringLike', 'repo:octo-org/*')), only('repository_owner_id', '65'));
    expect(loose.proved).toBe(false);
    expect(loose.counterexample!.repository_owner_id).not.toBe('65');
  });

  it('a Deny of pull_request subjects makes the role environment-or-branch only', () => {
    const deny = { Effect: 'Deny', Principal: { Federated: GITHUB_PROVIDER_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { [`${GH}:sub`]: '*:pull_request' } } };
    const p = policy(sub('StringLike', 'repo:octo-org/app:*'), [deny]);
    expect(proveOnly(p, only('sub', 'repo:octo-org/app:environment:*', 'repo:octo-org/app:ref:*')).proved).toBe(true);
  });

  it('pull_request_target runs carry the base branch as ref with the pull_request subject', () => {
    const p = policy({ StringEquals: { [`${GH}:sub`]: 'repo:o/r:pull_request', [`${GH}:ref`]: 'refs/heads/main' } });
    const result = proveOnly(p, only('ref', 'refs/pull/*'));
    expect(result.proved).toBe(false);
    expect(result.counterexample).toMatchObject({ event_name: 'pull_request_target', ref: 'refs/heads/main', sub: 'repo:o/r:pull_request' });
  });

  it('an enterprise issuer: keys with its prefix, and the other issuers do not apply', () => {
    const ent = `${GH}/acme`;
    const p = policy({ StringLike: { [`${ent}:sub`]: 'repo:acme/*' } }, [], { Federated: `arn:aws:iam::123456789012:oidc-provider/${ent}` });
    const result = proveOnly(p, only('owner', 'acme'));
    expect(result.proved).toBe(true);
    const broad = proveOnly(p, only('repository', 'acme/app'));
    expect(broad.counterexample).toMatchObject({ iss: `https://${ent}`, enterprise: 'acme', enterprise_id: expect.any(String) });
  });

  it('a custom subject template given by a flag', () => {
    const p = policy({ StringEquals: { [`${GH}:sub`]: 'repo:octo-org/app:environment:prod:job_workflow_ref:octo-org/automation/.github/workflows/deploy.yml@refs/heads/main' } });
    const template = ['repo', 'context', 'job_workflow_ref'];
    expect(proveOnly(p, only('job_workflow_ref', 'octo-org/automation/.github/workflows/deploy.yml@refs/heads/main'), { template }).proved).toBe(true);
    // With the default template, only an environment named "prod:job_workflow_ref:…" gives that
    // subject (GitHub documents no character limits for environment names).
    const odd = proveOnly(p, only('repository', 'nobody/none'));
    expect(odd.counterexample).toMatchObject({ environment: 'prod:job_workflow_ref:octo-org/automation/.github/workflows/deploy.yml@refs/heads/main' });
  });

  it.each([
    ['NumericLessThan', { NumericLessThan: { [`${GH}:actor_id`]: '5' } }, /NumericLessThan/],
    ['a policy variable', { StringLike: { [`${GH}:sub`]: 'repo:${aws:PrincipalTag/org}/*' } }, /policy variable/],
    ['an AWS global key', { StringEquals: { 'aws:SourceIp': '10.0.0.1' } }, /not a claim of the OIDC token/],
  ])('refuses %s', (_label, condition, message) => {
    expect(() => proveOnly(policy(condition), only('repository', 'o/r'))).toThrow(ProveError);
    expect(() => proveOnly(policy(condition), only('repository', 'o/r'))).toThrow(message);
  });

  it('refuses an unrendered principal', () => {
    const p = policy(sub('StringLike', 'repo:o/r:*'), [], { Federated: '${aws_iam_openid_connect_provider.github.arn}' });
    expect(() => proveOnly(p, only('repository', 'o/r'))).toThrow(/unrendered template/);
  });
});

describe('proveDisjoint', () => {
  const envRole = (env: string) => policy(sub('StringEquals', `repo:octo-org/app:environment:${env}`));
  it('staging and production roles share no run', () => {
    expect(proveDisjoint(envRole('staging'), envRole('production')).proved).toBe(true);
  });
  it('a repository-wide role overlaps the production role, on a production run', () => {
    const result = proveDisjoint(policy(sub('StringLike', 'repo:octo-org/app:*')), envRole('production'));
    expect(result.proved).toBe(false);
    expect(result.counterexample).toMatchObject({ sub: 'repo:octo-org/app:environment:production', environment: 'production' });
  });
  it('a repository condition and a sub condition meet on the same repository', () => {
    const byRepository = policy({ StringEquals: { [`${GH}:repository`]: 'octo-org/app', [`${GH}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${GH}:sub`]: '*' } });
    expect(proveDisjoint(byRepository, policy(sub('StringLike', 'repo:other/*'))).proved).toBe(true);
    expect(proveDisjoint(byRepository, policy(sub('StringLike', 'repo:octo-*/*'))).proved).toBe(false);
  });
});

/** Corpus policies and the repositories they are meant to admit (from their sub conditions). */
const PINNED: Record<string, { only: OnlyConstraint[]; proved: boolean }> = {
  'policies/aws-docs_iam-user-guide_github_branch.json': { only: only('repository', 'GitHubOrg/GitHubRepo'), proved: true },
  'policies/aws-docs_iam-user-guide_github_repo-any-branch.json': { only: only('repository', 'GitHubOrg/GitHubRepo'), proved: true },
  'policies/aws-docs_iam-user-guide_github_org-wide.json': { only: only('repository', 'GitHubOrg/GitHubRepo'), proved: false },
  'policies/github-docs_oidc-in-aws_environment.json': { only: only('environment', 'prod'), proved: true },
  'policies/dvdmelamed_aws-infra_repo-star.json': { only: only('owner', 'dvdmelamed'), proved: false },
  // StringLike without a wildcard: the main branch only, but any audience (no aud condition).
  'policies/cds-snc_notification-terraform_github_docker_push.json': { only: only('ref', 'refs/heads/main'), proved: true },
  'policies/koki-develop_todobox_no-aud.json': { only: only('aud', 'sts.amazonaws.com'), proved: false },
  'policies/redja-s_tf-aws-iam_v1_sub-repo-colon.json': { only: only('repository', 'nobody/none'), proved: true },
};

describe('the corpus', () => {
  const entries = catalog().map((e) => ({ ...e, policy: withConcretePrincipal(readCorpusJson('trust-policies', e.file)) }));

  it('decides every corpus policy (principal rendered) or says why not; proofs hold for the real tokens', () => {
    let decided = 0;
    for (const e of entries) {
      let result;
      try {
        result = proveOnly(e.policy, only('repository', 'nobody/none'));
      } catch (error) {
        expect(error, e.file).toBeInstanceOf(ProveError);
        continue;
      }
      decided++;
      // "proved" here: the policy admits no run at all (outside an impossible set). No real token may pass.
      for (const { token } of decodedTokens()) {
        const allowed = evaluateTrustPolicy(e.policy, token.payload).allowed;
        if (result.proved) expect(allowed, `${e.file} admits ${String(token.payload.sub)}`).toBe(false);
      }
      if (!result.proved) expect(evaluateTrustPolicy(e.policy, result.counterexample!).allowed).toBe(true);
    }
    // The others are unrendered templates (${var.…} in a 2012-10-17 policy is a policy variable).
    expect(decided).toBeGreaterThanOrEqual(29);
  });

  it.each(Object.entries(PINNED))('%s', (file, expected) => {
    const e = entries.find((x) => x.file === file)!;
    const result = proveOnly(e.policy, expected.only);
    expect(result.proved).toBe(expected.proved);
    if (!result.proved) expect(evaluateTrustPolicy(e.policy, result.counterexample!).allowed).toBe(true);
  });

  it('refuses an unrendered Terraform template, saying so', () => {
    const e = entries.find((x) => x.file === 'policies/thirdmadman_rsschool_v1_StringEquals-with-wildcard.json')!;
    expect(() => proveOnly(e.policy, only('repository', 'o/r'))).toThrow(/policy variable \$\{var\.github_org\}/);
  });

  it('the documented environment and branch examples share no run', () => {
    const env = entries.find((e) => e.file === 'policies/github-docs_oidc-in-aws_environment.json')!.policy;
    const branch = entries.find((e) => e.file === 'policies/github-docs_oidc-in-aws_branch.json')!.policy;
    expect(proveDisjoint(env, branch).proved).toBe(true);
  });
});
