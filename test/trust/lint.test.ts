/** Each lint rule on its own: what it reports, where, and what it leaves alone. */
import { describe, expect, it } from 'vitest';
import { LINT_RULES, lintTrustPolicy, type LintFinding } from '../../src/trust/index.js';

const GH = 'token.actions.githubusercontent.com';
const ARN = `arn:aws:iam::123456789012:oidc-provider/${GH}`;
const SUB = `${GH}:sub`;
const AUD = `${GH}:aud`;

function policy(condition: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Federated: ARN }, Action: 'sts:AssumeRoleWithWebIdentity', ...(condition ? { Condition: condition } : {}), ...extra },
    ],
  };
}
const tight = (sub: string | string[], op = 'StringEquals') =>
  policy(op === 'StringEquals' ? { StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: sub } } : { StringEquals: { [AUD]: 'sts.amazonaws.com' }, [op]: { [SUB]: sub } });
const ids = (findings: LintFinding[]) => findings.map((f) => f.ruleId);
const errors = (findings: LintFinding[]) => findings.filter((f) => f.severity === 'error').map((f) => f.ruleId);
const find = (findings: LintFinding[], ruleId: string) => findings.find((f) => f.ruleId === ruleId);

describe('a tight policy', () => {
  it('has no findings', () => {
    expect(lintTrustPolicy(tight('repo:octo-org@65/octo-repo@74:environment:prod'))).toEqual([]);
  });

  it('every finding carries the severity of its rule', () => {
    const all = [
      ...lintTrustPolicy(policy(undefined)),
      ...lintTrustPolicy(tight('repo:*', 'StringLike')),
      ...lintTrustPolicy(policy({ 'ForAllValues:StringLike': { [SUB]: 'repo:o/r:*' } })),
    ];
    for (const f of all) expect(f.severity).toBe(LINT_RULES[f.ruleId].severity);
  });
});

describe('no-sub-condition', () => {
  it('no Condition at all: points at the statement', () => {
    const f = lintTrustPolicy(policy(undefined));
    expect(find(f, 'no-sub-condition')).toMatchObject({ severity: 'error', path: '$.Statement[0]' });
    expect(find(f, 'no-sub-condition')!.message).toMatch(/any repository on GitHub/);
  });

  it('aud only: points at the Condition', () => {
    expect(find(lintTrustPolicy(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' } })), 'no-sub-condition')?.path).toBe('$.Statement[0].Condition');
  });

  it('a negated sub condition does not pin the subject', () => {
    expect(errors(lintTrustPolicy(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringNotLike: { [SUB]: '*:pull_request' } })))).toContain('no-sub-condition');
  });

  it('an enterprise sub key counts when the principal is that enterprise provider', () => {
    const p = { Statement: { Effect: 'Allow', Principal: { Federated: `${ARN}/acme` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${GH}/acme:sub`]: 'repo:o/r:environment:prod', [`${GH}/acme:aud`]: 'sts.amazonaws.com' } } } };
    expect(errors(lintTrustPolicy(p))).toEqual([]);
  });

  it('is not reported for Deny statements or statements for other principals', () => {
    expect(lintTrustPolicy({ Statement: { Effect: 'Deny', Principal: { Federated: ARN }, Action: 'sts:AssumeRoleWithWebIdentity' } })).toEqual([]);
    expect(lintTrustPolicy({ Statement: { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' } })).toEqual([]);
  });
});

describe('sub wildcards', () => {
  it.each([
    ['*', 'sub-wildcard-owner'],
    ['repo:*', 'sub-wildcard-owner'],
    ['repo:octo*', 'sub-wildcard-owner'],
    ['repo:oct?-org/octo-repo:*', 'sub-wildcard-owner'],
    ['re*', 'sub-wildcard-owner'],
    ['repo:octo-org/*', 'sub-wildcard-repository'],
    ['repo:octo-org/app-*', 'sub-wildcard-repository'],
    ['repo:octo-org/*:ref:refs/heads/main', 'sub-wildcard-repository'],
    ['repo:octo-org@65/*', 'sub-wildcard-repository'],
    ['repo:octo-org@*', 'sub-wildcard-repository'],
    ['repo:octo-org/octo-repo?:environment:prod', 'sub-wildcard-repository'],
    ['job_workflow_ref:*', 'sub-wildcard-owner'],
    ['job_workflow_ref:octo*', 'sub-wildcard-owner'],
    ['repository_owner:octo-*', 'sub-wildcard-owner'],
  ])('%s → %s', (sub, rule) => {
    const f = lintTrustPolicy(tight(sub, 'StringLike'));
    expect(errors(f)).toEqual([rule]);
    expect(find(f, rule)!.path).toBe(`$.Statement[0].Condition.StringLike["${SUB}"]`);
  });

  it.each(['repo:octo-org/octo-repo:*', 'repo:octo-org/octo-repo:ref:refs/heads/*', 'repo:octo-org@65/octo-repo@74:*', 'repo:octo-org/octo-repo@*'])(
    '%s pins the repository: no wildcard error',
    (sub) => {
      expect(errors(lintTrustPolicy(tight(sub, 'StringLike')))).toEqual([]);
    },
  );

  it('one broad value in a list is reported at its index', () => {
    const f = lintTrustPolicy(tight(['repo:octo-org/octo-repo:ref:refs/heads/main', 'repo:octo-org/*'], 'StringLike'));
    expect(find(f, 'sub-wildcard-repository')!.path).toBe(`$.Statement[0].Condition.StringLike["${SUB}"][1]`);
  });

  it('ForAnyValue/ForAllValues/IfExists variants are checked too', () => {
    expect(errors(lintTrustPolicy(tight('repo:*', 'ForAnyValue:StringLike')))).toContain('sub-wildcard-owner');
    expect(errors(lintTrustPolicy(tight('repo:*', 'StringLikeIfExists')))).toContain('sub-wildcard-owner');
  });
});

describe('never-matches', () => {
  it.each([
    ['repo:octo-org/octo-repo:*', 'StringEquals', /compares literally/],
    ['repo:octo-org/octo-repo:ref:refs/heads/ma?n', 'StringEquals', /compares literally/],
    ['*', 'StringEquals', /compares literally/],
    ['repo:octo-org/*', 'ForAnyValue:StringEquals', /compares literally/],
    ['repo:', 'StringEquals', /no owner or repository/],
    ['repo:octo-org', 'StringEquals', /no repository/],
    ['repo:octo-org:ref:refs/heads/main', 'StringLike', /OWNER\/REPO before the next ":"/],
    ['octo-org/octo-repo', 'StringEquals', /start with "repo:"/],
    ['invalid', 'StringLike', /start with "repo:"/],
    ['repo:o/r:environment:prod:pull_request', 'StringEquals', /never both/],
    ['repo:o/r:ref:main', 'StringEquals', /full ref name/],
    ['repo:o/r:environment:', 'StringEquals', /ends before/],
  ])('sub %s under %s', (sub, op, message) => {
    const f = lintTrustPolicy(tight(sub, op));
    expect(errors(f)).toEqual(['never-matches']);
    expect(find(f, 'never-matches')!.message).toMatch(message);
  });

  it('a wildcard in StringEquals on another key', () => {
    const f = lintTrustPolicy(policy({ StringEquals: { [AUD]: 'sts.*', [SUB]: 'repo:o/r:environment:prod' } }));
    expect(find(f, 'never-matches')!.path).toBe(`$.Statement[0].Condition.StringEquals["${AUD}"]`);
  });

  it('keys STS never provides, under a positive operator', () => {
    for (const key of [`${GH}:iss`, `${GH}:subb`, 'token.actions.githubuser.content.com:aud', `${GH}/acme:sub`]) {
      const f = lintTrustPolicy(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:o/r:environment:prod', [key]: 'x' } }));
      expect(find(f, 'never-matches')?.path, key).toBe(`$.Statement[0].Condition.StringEquals["${key}"]`);
    }
  });

  it('an empty value list', () => {
    expect(find(lintTrustPolicy(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: [] } })), 'never-matches')?.path).toBe(`$.Statement[0].Condition.StringEquals["${SUB}"]`);
  });

  it('Null "true" on sub', () => {
    expect(errors(lintTrustPolicy(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:o/r:environment:prod' }, Null: { [SUB]: 'true' } })))).toEqual(['never-matches']);
  });

  it('escaped ${*} in StringEquals is a deliberate literal, not an error', () => {
    expect(errors(lintTrustPolicy(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:o/r:environment:prod', [`${GH}:workflow`]: 'build ${*}' } })))).toEqual([]);
  });
});

describe('principal-not-github', () => {
  it.each([
    ['arn:aws:iam::123456789012:oidc-provider/gitlab.com', /gitlab.com/],
    ['arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.co', /not the GitHub/],
    ['cognito-identity.amazonaws.com', /not an OIDC provider ARN/],
    ['arn:aws:iam::12345:oidc-provider/token.actions.githubusercontent.com', /not a 12-digit/],
  ])('%s', (federated, message) => {
    const f = lintTrustPolicy(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:o/r:environment:prod' } }, { Principal: { Federated: federated } }));
    expect(errors(f)).toContain('principal-not-github');
    expect(find(f, 'principal-not-github')!.message).toMatch(message);
    expect(find(f, 'principal-not-github')!.path).toBe('$.Statement[0].Principal.Federated');
  });

  it('Principal "*"', () => {
    expect(errors(lintTrustPolicy(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:o/r:environment:prod' } }, { Principal: '*' })))).toContain('principal-not-github');
  });

  it('GitHub Enterprise Server, enterprise-slug and GHE.com data-residency providers are GitHub', () => {
    for (const provider of ['ghes.example.com/_services/token', `${GH}/acme`, 'token.actions.octo-corp.ghe.com', 'token.actions.octo-corp.ghe.com/acme']) {
      const p = { Statement: { Effect: 'Allow', Principal: { Federated: `arn:aws-us-gov:iam::123456789012:oidc-provider/${provider}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${provider}:sub`]: 'repo:o/r:environment:prod', [`${provider}:aud`]: 'sts.amazonaws.com' } } } };
      expect(errors(lintTrustPolicy(p)), provider).toEqual([]);
    }
  });

  it('with an expected issuer, another GitHub provider is not it', () => {
    expect(errors(lintTrustPolicy(tight('repo:o/r:environment:prod'), { issuer: 'https://token.actions.githubusercontent.com/acme' }))).toContain('principal-not-github');
  });

  it('placeholders are warnings, not errors', () => {
    for (const federated of ['${aws_iam_openid_connect_provider.github.arn}', 'arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com', 'arn:aws:iam::<ACCOUNT>:oidc-provider/token.actions.githubusercontent.com']) {
      const f = lintTrustPolicy(tight('repo:o@1/r@2:environment:prod'), {});
      expect(errors(f)).toEqual([]);
      const g = lintTrustPolicy({ ...tight('repo:o@1/r@2:environment:prod'), Statement: [{ ...tight('repo:o@1/r@2:environment:prod').Statement[0], Principal: { Federated: federated } }] });
      expect(ids(g), federated).toEqual(['unresolved-placeholder']);
    }
  });
});

describe('warnings', () => {
  it('aud-missing', () => {
    const f = lintTrustPolicy(policy({ StringEquals: { [SUB]: 'repo:o@1/r@2:environment:prod' } }));
    expect(ids(f)).toEqual(['aud-missing']);
    expect(f[0]!.severity).toBe('warning');
  });

  it('aud-mismatch, relative to the audience option', () => {
    const p = policy({ StringEquals: { [SUB]: 'repo:o@1/r@2:environment:prod', [AUD]: 'my-audience' } });
    expect(ids(lintTrustPolicy(p))).toEqual(['aud-mismatch']);
    expect(find(lintTrustPolicy(p), 'aud-mismatch')!.path).toBe(`$.Statement[0].Condition.StringEquals["${AUD}"]`);
    expect(lintTrustPolicy(p, { audience: 'my-audience' })).toEqual([]);
    expect(lintTrustPolicy(policy({ StringEquals: { [SUB]: 'repo:o@1/r@2:environment:prod' }, StringLike: { [AUD]: 'sts.*' } }))).toEqual([]);
  });

  it('for-all-values-in-allow', () => {
    const f = lintTrustPolicy(policy({ StringEquals: { [SUB]: 'repo:o@1/r@2:environment:prod' }, 'ForAllValues:StringEquals': { [AUD]: 'sts.amazonaws.com' } }));
    expect(find(f, 'for-all-values-in-allow')).toMatchObject({ severity: 'warning', path: '$.Statement[0].Condition["ForAllValues:StringEquals"]' });
  });

  it('pull-request-with-protected', () => {
    const both = lintTrustPolicy(tight(['repo:o@1/r@2:pull_request', 'repo:o@1/r@2:environment:prod']));
    expect(find(both, 'pull-request-with-protected')?.path).toBe(`$.Statement[0].Condition.StringEquals["${SUB}"][0]`);
    expect(ids(lintTrustPolicy(tight('repo:o@1/r@2:*', 'StringLike')))).toContain('pull-request-with-protected');
    expect(ids(lintTrustPolicy(tight('repo:o@1/r@2:pull_request')))).not.toContain('pull-request-with-protected');
    expect(ids(lintTrustPolicy(tight(['repo:o@1/r@2:ref:refs/heads/main', 'repo:o@1/r@2:environment:prod'])))).not.toContain('pull-request-with-protected');
    expect(ids(lintTrustPolicy(tight('repo:o@1/r@2:environment:*', 'StringLike')))).not.toContain('pull-request-with-protected');
  });

  it('name-only-sub, unless the same owner is also pinned in the immutable form', () => {
    expect(ids(lintTrustPolicy(tight('repo:o/r:environment:prod')))).toEqual(['name-only-sub']);
    expect(ids(lintTrustPolicy(tight(['repo:o/r:environment:prod', 'repo:o@1/r@2:environment:prod'])))).toEqual([]);
  });

  it('a customised-template pattern that pins the owner is only a custom-subject warning', () => {
    expect(errors(lintTrustPolicy(tight('job_workflow_ref:octo-org/octo-automation/.github/workflows/*', 'StringLike')))).toEqual([]);
    expect(errors(lintTrustPolicy(tight('repository_owner:octo-org:*', 'StringLike')))).toEqual([]);
  });

  it('custom-subject', () => {
    const f = lintTrustPolicy(tight('job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main'));
    expect(ids(f)).toEqual(['custom-subject']);
  });

  it('unknown-condition-key under an operator that then always holds', () => {
    const f = lintTrustPolicy(policy({ StringEquals: { [SUB]: 'repo:o@1/r@2:environment:prod', [AUD]: 'sts.amazonaws.com' }, StringNotEquals: { [`${GH}:iss`]: 'x' }, StringEqualsIfExists: { [`${GH}:head_ref`]: 'y' } }));
    expect(ids(f)).toEqual(['unknown-condition-key', 'unknown-condition-key']);
  });

  it('aws: keys are not judged', () => {
    expect(lintTrustPolicy(policy({ StringEquals: { [SUB]: 'repo:o@1/r@2:environment:prod', [AUD]: 'sts.amazonaws.com', 'aws:SourceIp': '1.2.3.4' } }))).toEqual([]);
  });

  it('unresolved-placeholder in values', () => {
    const f = lintTrustPolicy(tight('repo:${var.org}/${var.repo}:environment:prod'));
    expect(find(f, 'unresolved-placeholder')?.message).toContain('${var.org}');
    // An IAM policy variable is not a placeholder.
    expect(ids(lintTrustPolicy(tight(`repo:o@1/r@2:environment:\${${GH}:environment}`)))).toEqual([]);
  });
});

describe('issue 20: the keys and providers STS knows', () => {
  const sub = 'repo:octo-org@65/octo-repo@74:environment:prod';

  it('a repository_owner_id pin is a known key: no finding', () => {
    expect(lintTrustPolicy(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: sub, [`${GH}:repository_owner_id`]: '65' } }))).toEqual([]);
  });

  it('a github.com/enterprises/NAME key or provider is explained: GitHub issues no such token', () => {
    const key = lintTrustPolicy(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: sub, 'github.com/enterprises/acme:repository_owner_id': '65' } }));
    expect(find(key, 'never-matches')?.message).toContain('GitHub issues no token with that issuer');
    const principal = lintTrustPolicy(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: sub } }, { Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/github.com/enterprises/acme' } }));
    expect(find(principal, 'principal-not-github')?.message).toContain('token.actions.githubusercontent.com/SLUG');
  });

  it.each([`arn:aws:iam::123456789012:oidc-provider/Token.Actions.GitHubUserContent.com`, `${ARN}/`])('the provider %s never matches: IAM compares the URL exactly', (arn) => {
    const f = lintTrustPolicy(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: sub } }, { Principal: { Federated: arn } }));
    expect(find(f, 'principal-not-github')?.message).toMatch(/matches the provider URL exactly/);
  });

  it('provider-other-account: only with the role ARN, naming both accounts', () => {
    const p = tight(sub);
    expect(ids(lintTrustPolicy(p))).toEqual([]);
    expect(ids(lintTrustPolicy(p, { roleArn: 'arn:aws:iam::123456789012:role/deploy' }))).toEqual([]);
    const f = lintTrustPolicy(p, { roleArn: 'arn:aws:iam::999999999999:role/deploy' });
    expect(f).toEqual([expect.objectContaining({ ruleId: 'provider-other-account', severity: 'error', path: '$.Statement[0].Principal.Federated' })]);
    expect(f[0]!.message).toContain('account 123456789012, the role "arn:aws:iam::999999999999:role/deploy" in account 999999999999');
  });
});
