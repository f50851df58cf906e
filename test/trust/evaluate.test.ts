/** Our own evaluation cases: the IAM semantics the corpus vectors do not cover, or cover only once. */
import { describe, expect, it } from 'vitest';
import { conditionKeyPrefix, evaluateTrustPolicy, formatDecision, providerArnMatches, TrustPolicyError } from '../../src/trust/index.js';

const GH = 'token.actions.githubusercontent.com';
const ISS = `https://${GH}`;
const ARN = `arn:aws:iam::123456789012:oidc-provider/${GH}`;

function statement(condition: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { Effect: 'Allow', Principal: { Federated: ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition, ...extra };
}
function doc(...statements: object[]) {
  return { Version: '2012-10-17', Statement: statements };
}
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISS,
  aud: 'sts.amazonaws.com',
  sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
  repository: 'octo-org/octo-repo',
  ref: 'refs/heads/main',
  ...extra,
});

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

describe('condition operators', () => {
  const run = (condition: Record<string, unknown>, extra: Record<string, unknown> = {}) => evaluateTrustPolicy(doc(statement(condition)), claims(extra));

  it('key names are case-insensitive, values case-sensitive', () => {
    expect(run({ StringEquals: { 'TOKEN.ACTIONS.GITHUBUSERCONTENT.COM:Sub': claims().sub } }).allowed).toBe(true);
    expect(run({ StringEquals: { [`${GH}:sub`]: claims().sub.toUpperCase() } }).allowed).toBe(false);
  });

  it('operator names are matched case-insensitively', () => {
    expect(run({ stringequals: { [`${GH}:sub`]: claims().sub } }).allowed).toBe(true);
  });

  it('IgnoreCase operators', () => {
    expect(run({ StringEqualsIgnoreCase: { [`${GH}:repository`]: 'OCTO-ORG/Octo-Repo' } }).allowed).toBe(true);
    expect(run({ StringNotEqualsIgnoreCase: { [`${GH}:repository`]: 'OCTO-ORG/Octo-Repo' } }).allowed).toBe(false);
    expect(run({ StringNotEqualsIgnoreCase: { [`${GH}:repository`]: 'other/repo' } }).allowed).toBe(true);
  });

  it('negated operators: must match none of the values; true on an absent key', () => {
    expect(run({ StringNotLike: { [`${GH}:sub`]: ['*:pull_request', '*:environment:*'] } }).allowed).toBe(true);
    const d = run({ StringNotLike: { [`${GH}:sub`]: ['*:pull_request', '*:ref:refs/heads/*'] } });
    expect(d.allowed).toBe(false);
    expect(d.statements[0]!.reason!.message).toMatch(/must not match/);
    expect(run({ StringNotEquals: { [`${GH}:environment`]: 'prod' } }).allowed).toBe(true);
  });

  it('IfExists: true on an absent key, the base operator on a present one', () => {
    expect(run({ StringEqualsIfExists: { [`${GH}:environment`]: 'prod' } }).allowed).toBe(true);
    expect(run({ StringEqualsIfExists: { [`${GH}:environment`]: 'prod' } }, { environment: 'staging' }).allowed).toBe(false);
    expect(run({ StringLikeIfExists: { [`${GH}:environment`]: 'prod*' } }, { environment: 'production' }).allowed).toBe(true);
    expect(run({ StringNotEqualsIfExists: { [`${GH}:environment`]: 'prod' } }, { environment: 'prod' }).allowed).toBe(false);
  });

  it('Null', () => {
    expect(run({ Null: { [`${GH}:environment`]: 'true' } }).allowed).toBe(true);
    expect(run({ Null: { [`${GH}:environment`]: 'false' } }).allowed).toBe(false);
    expect(run({ Null: { [`${GH}:environment`]: 'false' } }, { environment: 'prod' }).allowed).toBe(true);
    const d = run({ Null: { [`${GH}:sub`]: 'true' } });
    expect(d.allowed).toBe(false);
    expect(d.statements[0]!.reason!.message).toMatch(/requires .* to be absent/);
    expect(run({ Null: { [`${GH}:environment`]: true } }).allowed).toBe(true); // JSON boolean value
  });

  it('Bool (case-insensitive true/false), false on an absent key', () => {
    expect(run({ Bool: { [`${GH}:actor`]: 'true' } }, { actor: 'TRUE' }).allowed).toBe(true);
    expect(run({ Bool: { [`${GH}:actor`]: 'false' } }, { actor: 'true' }).allowed).toBe(false);
    expect(run({ Bool: { [`${GH}:actor`]: 'true' } }).allowed).toBe(false);
    expect(run({ BoolIfExists: { [`${GH}:actor`]: 'true' } }).allowed).toBe(true);
  });

  it('ForAnyValue/ForAllValues on an absent key: false/true; IfExists: true', () => {
    expect(run({ 'ForAnyValue:StringEquals': { [`${GH}:environment`]: 'prod' } }).allowed).toBe(false);
    expect(run({ 'ForAllValues:StringEquals': { [`${GH}:environment`]: 'prod' } }).allowed).toBe(true);
    expect(run({ 'ForAnyValue:StringEqualsIfExists': { [`${GH}:environment`]: 'prod' } }).allowed).toBe(true);
    expect(run({ 'ForAllValues:StringNotEquals': { [`${GH}:environment`]: 'prod' } }).allowed).toBe(true);
    expect(run({ 'ForAnyValue:StringNotEquals': { [`${GH}:environment`]: 'prod' } }).allowed).toBe(false);
  });

  it('an aud array: multi-valued key', () => {
    const aud = ['sts.amazonaws.com', 'https://github.com/octo-org'];
    expect(run({ StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } }, { aud }).allowed).toBe(true);
    expect(run({ StringNotEquals: { [`${GH}:aud`]: 'https://github.com/octo-org' } }, { aud }).allowed).toBe(false);
    expect(run({ 'ForAnyValue:StringEquals': { [`${GH}:aud`]: 'sts.amazonaws.com' } }, { aud }).allowed).toBe(true);
    const all = run({ 'ForAllValues:StringEquals': { [`${GH}:aud`]: 'sts.amazonaws.com' } }, { aud });
    expect(all.allowed).toBe(false);
    expect(all.statements[0]!.reason).toMatchObject({ tokenValue: aud });
    expect(run({ 'ForAllValues:StringLike': { [`${GH}:aud`]: ['sts.amazonaws.com', 'https://github.com/*'] } }, { aud }).allowed).toBe(true);
    expect(run({ 'ForAllValues:StringNotLike': { [`${GH}:aud`]: 'https://gitlab.com/*' } }, { aud }).allowed).toBe(true);
  });

  it('values for one key are ORed, keys and operators ANDed', () => {
    expect(run({ StringEquals: { [`${GH}:ref`]: ['refs/heads/dev', 'refs/heads/main'], [`${GH}:repository`]: 'octo-org/octo-repo' } }).allowed).toBe(true);
    const d = run({ StringEquals: { [`${GH}:ref`]: ['refs/heads/dev', 'refs/heads/main'] }, StringLike: { [`${GH}:repository`]: 'octo-org/other*' } });
    expect(d.statements[0]!.reason).toMatchObject({ key: `${GH}:repository`, operator: 'StringLike' });
  });

  it('all the GitHub claim keys are in the request context; other claims are not', () => {
    const extra = { actor: 'octocat', actor_id: '12', job_workflow_ref: 'o/r/.github/workflows/d.yml@refs/heads/main', repository_id: '74', workflow: 'CI', environment: 'prod', enterprise_id: '2', repository_owner: 'octo-org' };
    const keys = ['actor', 'actor_id', 'job_workflow_ref', 'repository', 'repository_id', 'workflow', 'ref', 'environment', 'enterprise_id'];
    for (const key of keys) {
      const value = (claims(extra) as Record<string, string>)[key]!;
      expect(run({ StringEquals: { [`${GH}:${key}`]: value } }, extra).allowed, key).toBe(true);
    }
    expect(run({ StringEquals: { [`${GH}:repository_owner`]: 'octo-org' } }, extra).allowed).toBe(false);
    expect(run({ StringEquals: { [`${GH}:actor_id`]: '12' } }, { actor_id: 12 }).allowed).toBe(true); // a numeric claim
  });

  it('StringEquals with a wildcard is literal, and the reason says so', () => {
    const d = run({ StringEquals: { [`${GH}:sub`]: 'repo:octo-org/octo-repo:*' } });
    expect(d.allowed).toBe(false);
    expect(d.statements[0]!.reason!.message).toMatch(/compares literally/);
    expect(run({ StringEquals: { [`${GH}:sub`]: 'repo:octo-org/octo-repo:*' } }, { sub: 'repo:octo-org/octo-repo:*' }).allowed).toBe(true);
  });

  it('immutable subjects', () => {
    const sub = 'repo:octo-org@65/octo-repo@74:environment:prod';
    expect(run({ StringEquals: { [`${GH}:sub`]: sub } }, { sub }).allowed).toBe(true);
    expect(run({ StringLike: { [`${GH}:sub`]: 'repo:octo-org@65/octo-repo@74:*' } }, { sub }).allowed).toBe(true);
    const legacy = run({ StringLike: { [`${GH}:sub`]: 'repo:octo-org/octo-repo:*' } }, { sub });
    expect(legacy.allowed).toBe(false);
    expect(legacy.statements[0]!.reason!.message).toMatch(/immutable subject form/);
  });

  it('Arn operators compare component by component', () => {
    const arn = 'arn:aws:iam::123456789012:role/deploy';
    expect(run({ ArnLike: { [`${GH}:workflow`]: 'arn:aws:iam::*:role/*' } }, { workflow: arn }).allowed).toBe(true);
    expect(run({ ArnLike: { [`${GH}:workflow`]: 'arn:aws:iam::*' } }, { workflow: arn }).allowed).toBe(false);
    expect(run({ ArnNotEquals: { [`${GH}:workflow`]: arn } }, { workflow: arn }).allowed).toBe(false);
  });

  it('operators not evaluated locally: assumed not to hold in an Allow, to hold in a Deny', () => {
    const allow = run({ NumericLessThan: { [`${GH}:actor_id`]: '100' } }, { actor_id: '12' });
    expect(allow.allowed).toBe(false);
    expect(allow.statements[0]!.reason!.message).toMatch(/not evaluated locally/);
    const deny = evaluateTrustPolicy(doc(statement({}), { ...statement({ DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }), Effect: 'Deny' }), claims());
    expect(deny.decision).toBe('explicit-deny');
    expect(deny.statements[1]!.assumed?.[0]?.message).toMatch(/assumed to hold/);
    expect(formatDecision(deny)).toContain('note: DateGreaterThan');
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
