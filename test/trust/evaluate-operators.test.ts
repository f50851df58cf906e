/** Our own evaluation cases for each condition operator: the IAM semantics the corpus vectors do not cover, or cover only once. */
import { describe, expect, it } from 'vitest';
import { evaluateTrustPolicy, formatDecision } from '../../src/trust/index.js';
import { GH, claims, doc, statement } from './helpers/policy-docs.js';

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

  it('an aud array: multi-valued key; without a set qualifier nothing matches (README, undecided cases)', () => {
    const aud = ['sts.amazonaws.com', 'https://github.com/octo-org'];
    const plain = run({ StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } }, { aud });
    expect(plain.allowed).toBe(false);
    expect(plain.statements[0]!.reason!.message).toMatch(/without ForAnyValue: or ForAllValues:/);
    expect(run({ StringNotEquals: { [`${GH}:aud`]: 'https://github.com/octo-org' } }, { aud }).allowed).toBe(false);
    expect(run({ StringNotEquals: { [`${GH}:aud`]: 'https://gitlab.com' } }, { aud }).allowed).toBe(false);
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

  it('a Deny with a Numeric or Date operator on a claim the token lacks does not apply (absent-key rules hold for every operator)', () => {
    const denyOn = (condition: Record<string, Record<string, string>>) =>
      evaluateTrustPolicy(doc(statement({}), { ...statement(condition), Effect: 'Deny' }), claims()).decision;
    expect(denyOn({ NumericLessThan: { [`${GH}:enterprise_id`]: '100' } })).toBe('allow');
    expect(denyOn({ DateGreaterThan: { [`${GH}:environment`]: '2020-01-01T00:00:00Z' } })).toBe('allow');
    expect(denyOn({ NumericNotEquals: { [`${GH}:enterprise_id`]: '100' } })).toBe('explicit-deny');
    expect(denyOn({ NumericLessThanIfExists: { [`${GH}:enterprise_id`]: '100' } })).toBe('explicit-deny');
    expect(denyOn({ 'ForAnyValue:NumericLessThan': { [`${GH}:enterprise_id`]: '100' } })).toBe('allow');
    // Present: still not evaluated, assumed to hold in a Deny.
    expect(evaluateTrustPolicy(doc(statement({}), { ...statement({ NumericLessThan: { [`${GH}:actor_id`]: '100' } }), Effect: 'Deny' }), claims({ actor_id: '12' })).decision).toBe('explicit-deny');
  });

  it('a value whose policy variable cannot be resolved compares false; the other values still count', () => {
    const policy = (op: string, values: string[]) => ({ Version: '2012-10-17', Statement: [statement({ [op]: { [`${GH}:ref`]: values } })] });
    const missing = '${' + GH + ':environment}';
    expect(evaluateTrustPolicy(policy('StringEquals', [missing, 'refs/heads/main']), claims()).allowed).toBe(true);
    expect(evaluateTrustPolicy(policy('StringEquals', [missing]), claims()).allowed).toBe(false);
    const negated = evaluateTrustPolicy(policy('StringNotEquals', [missing, 'refs/heads/dev']), claims());
    expect(negated.allowed).toBe(false);
    expect(negated.statements[0]!.reason!.message).toMatch(/cannot be resolved/);
  });

  it('IgnoreCase folds letters one to one, as Java\'s equalsIgnoreCase does (README, undecided cases)', () => {
    expect(run({ StringEqualsIgnoreCase: { [`${GH}:environment`]: 'ÉTÉ' } }, { environment: 'été' }).allowed).toBe(true);
    expect(run({ StringEqualsIgnoreCase: { [`${GH}:environment`]: 'k' } }, { environment: '\u212a' }).allowed).toBe(true); // Kelvin sign
    expect(run({ StringEqualsIgnoreCase: { [`${GH}:environment`]: 'STRASSE' } }, { environment: 'straße' }).allowed).toBe(false);
  });

  it('policy variables in Bool values are substituted', () => {
    const policy = (value: string) => ({ Version: '2012-10-17', Statement: [statement({ Bool: { [`${GH}:environment`]: value } })] });
    expect(evaluateTrustPolicy(policy('${' + GH + ':workflow}'), claims({ environment: 'true', workflow: 'true' })).allowed).toBe(true);
    expect(evaluateTrustPolicy(policy('${' + GH + ':workflow}'), claims({ environment: 'true', workflow: 'false' })).allowed).toBe(false);
    expect(evaluateTrustPolicy(policy("${" + GH + ":actor, 'true'}"), claims({ environment: 'true' })).allowed).toBe(true);
  });
});
