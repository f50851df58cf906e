/** Our own evaluation cases: the IAM semantics the corpus vectors do not cover, or cover only once (operators: evaluate-operators.test.ts). */
import { describe, expect, it } from 'vitest';
import { conditionKeyPrefix, evaluateTrustPolicy, formatDecision, providerArnMatches, TrustPolicyError } from '../../src/trust/index.js';
import { ARN, GH, ISS, claims, doc, statement } from './helpers/policy-docs.js';
describe('conditionKeyPrefix', () => {
  it.each([
    ['https://token.actions.githubusercontent.com', 'token.actions.githubusercontent.com'],
    ['https://token.actions.githubusercontent.com/', 'token.actions.githubusercontent.com'],
    ['https://token.actions.githubusercontent.com/acme', 'token.actions.githubusercontent.com/acme'],
    ['https://GHES.example.com/_services/token', 'ghes.example.com/_services/token'],
    ['token.actions.githubusercontent.com', 'token.actions.githubusercontent.com'],
  ])('%s → %s', (issuer, prefix) => {
    expect(conditionKeyPrefix(issuer)).toBe(prefix);
  });
});

describe('the provider STS finds: exact URL, and the role\'s own account', () => {
  const other = (arn: string, roleArn?: string) =>
    evaluateTrustPolicy(doc({ ...statement({}), Principal: { Federated: arn } }), claims(), roleArn !== undefined ? { roleArn } : {});

  it.each([
    [`arn:aws:iam::123456789012:oidc-provider/Token.Actions.GitHubUserContent.com`, false],
    [`arn:aws:iam::123456789012:oidc-provider/${GH}/`, false],
    [`arn:aws:iam::123456789012:oidc-provider/${GH}`, true],
  ])('%s matches the issuer %s exactly: %s', (arn, matches) => {
    const d = other(arn);
    expect(d.allowed).toBe(matches);
    if (!matches) expect(d.statements[0]!.reason!.message).toMatch(/matches the URL exactly/);
  });

  it('a trailing slash in the issuer is part of the key prefix too', () => {
    const iss = `${ISS}/`;
    const d = evaluateTrustPolicy(
      doc({ ...statement({ StringEquals: { [`${GH}/:sub`]: claims().sub } }), Principal: { Federated: `${ARN}/` } }),
      claims({ iss }),
    );
    expect(d.allowed).toBe(true);
  });

  it.each([
    ['arn:aws:iam::123456789012:role/deploy', true, ''],
    ['arn:aws:iam::210987654321:role/deploy', false, 'account 123456789012, the role "arn:aws:iam::210987654321:role/deploy" in account 210987654321'],
    ['arn:aws-cn:iam::123456789012:role/deploy', false, 'partition aws, the role "arn:aws-cn:iam::123456789012:role/deploy" in aws-cn'],
  ])('with role %s: allowed %s', (roleArn, allowed, message) => {
    const d = other(ARN, roleArn);
    expect(d.allowed).toBe(allowed);
    if (!allowed) {
      expect(d.statements[0]!.reason).toMatchObject({ kind: 'principal' });
      expect(d.statements[0]!.reason!.message).toContain(message);
    }
  });

  it('repository_owner_id is a condition key', () => {
    const pin = doc(statement({ StringEquals: { [`${GH}:repository_owner_id`]: '65' } }));
    expect(evaluateTrustPolicy(pin, claims({ repository_owner_id: '65' })).allowed).toBe(true);
    expect(evaluateTrustPolicy(pin, claims({ repository_owner_id: '66' })).allowed).toBe(false);
    const deny = doc(statement({}), { ...statement({ StringEquals: { [`${GH}:repository_owner_id`]: '65' } }), Effect: 'Deny' });
    expect(evaluateTrustPolicy(deny, claims({ repository_owner_id: '65' })).decision).toBe('explicit-deny');
  });
});

describe('principal', () => {
  it.each(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso-b'])('accepts the provider ARN in partition %s', (partition) => {
    expect(providerArnMatches(`arn:${partition}:iam::123456789012:oidc-provider/${GH}`, GH)).toBe(true);
  });

  it('rejects malformed provider ARNs', () => {
    expect(providerArnMatches(`arn:aws:iam::12345:oidc-provider/${GH}`, GH)).toBe(false);
    expect(providerArnMatches(`arn:aws:iam::123456789012:saml-provider/${GH}`, GH)).toBe(false);
    expect(providerArnMatches(`arn:aws:iam::123456789012:oidc-provider/${GH}/acme`, GH)).toBe(false);
  });

  it('"*" and {"AWS": "*"} match any caller; a Service principal does not', () => {
    const cond = { StringEquals: { [`${GH}:sub`]: claims().sub } };
    expect(evaluateTrustPolicy(doc({ ...statement(cond), Principal: '*' }), claims()).allowed).toBe(true);
    expect(evaluateTrustPolicy(doc({ ...statement(cond), Principal: { AWS: '*' } }), claims()).allowed).toBe(true);
    const service = evaluateTrustPolicy(doc({ ...statement(cond), Principal: { Service: 'ec2.amazonaws.com' } }), claims());
    expect(service.statements[0]!.reason).toMatchObject({ kind: 'principal' });
    expect(service.statements[0]!.reason!.message).toMatch(/not a web identity provider/);
  });

  it('a Federated list matches when any entry is the provider', () => {
    const d = evaluateTrustPolicy(doc({ ...statement({}), Principal: { Federated: ['cognito-identity.amazonaws.com', ARN] } }), claims());
    expect(d.allowed).toBe(true);
  });

  it('another provider does not match, with the expected ARN in the reason', () => {
    const d = evaluateTrustPolicy(doc({ ...statement({}), Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/gitlab.com' } }), claims());
    expect(d.statements[0]!.reason).toMatchObject({ kind: 'principal', policyValues: ['arn:aws:iam::123456789012:oidc-provider/gitlab.com'], tokenValue: ISS });
    expect(d.statements[0]!.reason!.message).toContain(`oidc-provider/${GH}`);
  });
});

describe('enterprise issuer', () => {
  const slugIss = `${ISS}/acme`;
  const slugArn = `arn:aws:iam::123456789012:oidc-provider/${GH}/acme`;

  it('uses the issuer with its slug as the key prefix and provider', () => {
    const d = evaluateTrustPolicy(
      doc({ ...statement({ StringEquals: { [`${GH}/acme:sub`]: 'repo:octo-org/octo-repo:ref:refs/heads/main', [`${GH}/acme:aud`]: 'sts.amazonaws.com' } }), Principal: { Federated: slugArn } }),
      claims({ iss: slugIss }),
    );
    expect(d.allowed).toBe(true);
    expect(d.issuer).toBe(slugIss);
  });

  it('keys without the slug are absent for an enterprise token', () => {
    const d = evaluateTrustPolicy(doc({ ...statement({ StringEquals: { [`${GH}:sub`]: claims().sub } }), Principal: { Federated: slugArn } }), claims({ iss: slugIss }));
    expect(d.allowed).toBe(false);
    expect(d.statements[0]!.reason).toMatchObject({ key: `${GH}:sub`, tokenValue: null });
  });

  it('the github.com provider does not match an enterprise token', () => {
    const d = evaluateTrustPolicy(doc(statement({})), claims({ iss: slugIss }));
    expect(d.statements[0]!.reason?.kind).toBe('principal');
  });

  it('options.issuer overrides the claims, and a missing iss means github.com', () => {
    const { iss: _drop, ...noIss } = claims();
    expect(evaluateTrustPolicy(doc(statement({})), noIss).issuer).toBe(ISS);
    const d = evaluateTrustPolicy(doc({ ...statement({ StringEquals: { [`${GH}/acme:sub`]: claims().sub } }), Principal: { Federated: slugArn } }), claims(), { issuer: slugIss });
    expect(d.allowed).toBe(true);
  });
});

describe('action', () => {
  it.each([
    [{ Action: 'sts:AssumeRoleWithWebIdentity' }, true],
    [{ Action: ['sts:TagSession', 'sts:AssumeRoleWithWebIdentity'] }, true],
    [{ Action: 'sts:*' }, true],
    [{ Action: '*' }, true],
    [{ Action: 'STS:assumerolewithwebidentity' }, true],
    [{ Action: 'sts:AssumeRoleWith*' }, true],
    [{ Action: 'sts:AssumeRole' }, false],
    [{ NotAction: 'sts:AssumeRole' }, true],
    [{ NotAction: 'sts:AssumeRoleWith*' }, false],
    [{ NotAction: ['s3:*', 'STS:ASSUMEROLEWITHWEBIDENTITY'] }, false],
  ])('%j → applies %s', (action, applies) => {
    const s = { Effect: 'Allow', Principal: { Federated: ARN }, ...action };
    const d = evaluateTrustPolicy({ Statement: s }, claims());
    expect(d.allowed).toBe(applies);
    if (!applies) expect(d.statements[0]!.reason?.kind).toBe('action');
  });

  it('evaluates another action when asked', () => {
    const d = evaluateTrustPolicy({ Statement: { Effect: 'Allow', Principal: { Federated: ARN }, Action: 'sts:TagSession' } }, claims(), { action: 'sts:TagSession' });
    expect(d.allowed).toBe(true);
    expect(d.action).toBe('sts:TagSession');
  });
});

describe('effects', () => {
  it('an explicit Deny wins over an Allow', () => {
    const d = evaluateTrustPolicy(
      doc(
        statement({ StringLike: { [`${GH}:sub`]: 'repo:octo-org/octo-repo:*' } }),
        { ...statement({ StringEquals: { [`${GH}:ref`]: 'refs/heads/main' } }), Effect: 'Deny', Sid: 'NoMain' },
      ),
      claims(),
    );
    expect(d.decision).toBe('explicit-deny');
    expect(d.allowed).toBe(false);
    expect(d.statements.map((s) => s.applies)).toEqual([true, true]);
    expect(d.summary).toContain('"NoMain"');
    expect(formatDecision(d)).toMatch(/^DENIED \(explicit deny\)/);
  });

  it('a Deny that does not apply leaves the Allow', () => {
    const d = evaluateTrustPolicy(
      doc(statement({}), { ...statement({ StringEquals: { [`${GH}:ref`]: 'refs/heads/dev' } }), Effect: 'Deny' }),
      claims(),
    );
    expect(d.decision).toBe('allow');
    expect(d.statements[1]!.reason).toMatchObject({ kind: 'condition', key: `${GH}:ref`, tokenValue: 'refs/heads/main', policyValues: ['refs/heads/dev'] });
  });

  it('no Allow statement: implicit deny', () => {
    const d = evaluateTrustPolicy(doc({ ...statement({ StringEquals: { [`${GH}:ref`]: 'refs/heads/dev' } }), Effect: 'Deny' }), claims());
    expect(d.decision).toBe('implicit-deny');
    expect(d.summary).toMatch(/no Allow statement/);
  });

  it('reports every statement and the first condition that failed in each', () => {
    const d = evaluateTrustPolicy(
      doc(
        statement({ StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: 'repo:octo-org/octo-repo:environment:prod' } }),
        statement({ StringEquals: { [`${GH}:aud`]: 'other' } }),
      ),
      claims(),
    );
    expect(d.decision).toBe('implicit-deny');
    expect(d.statements[0]!.reason).toMatchObject({ key: `${GH}:sub`, operator: 'StringEquals', policyValues: ['repo:octo-org/octo-repo:environment:prod'], tokenValue: claims().sub });
    expect(d.statements[1]!.reason).toMatchObject({ key: `${GH}:aud`, tokenValue: 'sts.amazonaws.com' });
    const text = formatDecision(d);
    expect(text).toContain('statement 0 (Allow): does not apply (condition)');
    expect(text).toContain('policy: "repo:octo-org/octo-repo:environment:prod"');
    expect(text).toContain(`token:  "${claims().sub}"`);
  });
});

describe('policy variables', () => {
  const run = (condition: Record<string, unknown>, version = '2012-10-17', extra: Record<string, unknown> = {}) =>
    evaluateTrustPolicy({ Version: version, Statement: statement(condition) }, claims(extra));

  it('substitutes a context key', () => {
    expect(run({ StringLike: { [`${GH}:sub`]: `repo:\${${GH}:repository}:*` } }).allowed).toBe(true);
    expect(run({ StringEquals: { [`${GH}:ref`]: `refs/heads/\${${GH}:environment, 'main'}` } }).allowed).toBe(true);
  });

  it('${*}, ${?} and ${$} are literal characters', () => {
    expect(run({ StringLike: { [`${GH}:workflow`]: 'a${*}b' } }, '2012-10-17', { workflow: 'a*b' }).allowed).toBe(true);
    expect(run({ StringLike: { [`${GH}:workflow`]: 'a${*}b' } }, '2012-10-17', { workflow: 'axxb' }).allowed).toBe(false);
    expect(run({ StringEquals: { [`${GH}:workflow`]: 'cost ${$}5${?}' } }, '2012-10-17', { workflow: 'cost $5?' }).allowed).toBe(true);
  });

  it('an unresolvable variable makes the statement not apply', () => {
    const d = run({ StringLike: { [`${GH}:sub`]: 'repo:${var.github_org}/*' } });
    expect(d.allowed).toBe(false);
    expect(d.statements[0]!.reason!.message).toMatch(/cannot be resolved/);
  });

  it('without Version 2012-10-17, ${…} is literal text', () => {
    expect(run({ StringEquals: { [`${GH}:workflow`]: '${x}' } }, '2008-10-17', { workflow: '${x}' }).allowed).toBe(true);
  });
});

describe('inputs', () => {
  const policy = doc(statement({ StringEquals: { [`${GH}:sub`]: claims().sub } }));

  it('accepts the AssumeRolePolicyDocument wrapper, get-role output, JSON strings and URL-encoded JSON', () => {
    expect(evaluateTrustPolicy({ AssumeRolePolicyDocument: policy }, claims()).allowed).toBe(true);
    expect(evaluateTrustPolicy({ Role: { RoleName: 'r', AssumeRolePolicyDocument: policy } }, claims()).allowed).toBe(true);
    expect(evaluateTrustPolicy(JSON.stringify(policy), claims()).allowed).toBe(true);
    expect(evaluateTrustPolicy({ AssumeRolePolicyDocument: JSON.stringify(policy) }, claims()).allowed).toBe(true);
    expect(evaluateTrustPolicy(encodeURIComponent(JSON.stringify(policy)), claims()).allowed).toBe(true);
  });

  it('accepts a single Statement object', () => {
    expect(evaluateTrustPolicy({ Statement: statement({}) }, claims()).allowed).toBe(true);
  });

  it('throws TrustPolicyError for a malformed policy', () => {
    expect(() => evaluateTrustPolicy({ Statement: [{ Effect: 'allow' }] }, claims())).toThrow(TrustPolicyError);
  });
});
