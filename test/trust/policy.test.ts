/** Parsing: malformed documents fail with a clear message and the JSON path of the problem. */
import { describe, expect, it } from 'vitest';
import { lintTrustPolicy, parseTrustPolicy, TrustPolicyError } from '../../src/trust/index.js';

const ARN = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
const good = { Effect: 'Allow', Principal: { Federated: ARN }, Action: 'sts:AssumeRoleWithWebIdentity' };
const without = (key: keyof typeof good): Record<string, unknown> => Object.fromEntries(Object.entries(good).filter(([k]) => k !== key));

function errorOf(input: unknown): TrustPolicyError {
  try {
    parseTrustPolicy(input);
  } catch (error) {
    if (error instanceof TrustPolicyError) return error;
    throw error;
  }
  throw new Error('expected a TrustPolicyError');
}

describe('parseTrustPolicy errors', () => {
  it.each([
    ['not an object', 42, '$', /expected a policy document/],
    ['invalid JSON string', '{"Statement": [', '$', /not valid JSON/],
    ['no Statement', { Version: '2012-10-17' }, '$', /no Statement/],
    ['unknown top-level element', { Statement: good, Statment: [] }, '$.Statment', /unknown policy element "Statment"/],
    ['bad Version', { Version: '2012-10-18', Statement: good }, '$.Version', /Version must be/],
    ['Statement a string', { Statement: 'x' }, '$.Statement', /object or a list of objects/],
    ['empty Statement', { Statement: [] }, '$.Statement', /empty list/],
    ['statement not an object', { Statement: [good, 'x'] }, '$.Statement[1]', /must be an object/],
    ['no Effect', { Statement: [without('Effect')] }, '$.Statement[0]', /no Effect/],
    ['bad Effect', { Statement: [{ ...good, Effect: 'allow' }] }, '$.Statement[0].Effect', /"Allow" or "Deny"/],
    ['NotPrincipal', { Statement: [{ ...good, NotPrincipal: { AWS: '*' } }] }, '$.Statement[0].NotPrincipal', /not supported/],
    ['Resource', { Statement: [{ ...good, Resource: '*' }] }, '$.Statement[0].Resource', /Resource is not allowed.*Has prohibited field Resource/],
    ['NotResource', { Statement: [{ ...good, NotResource: 'arn:aws:s3:::x' }] }, '$.Statement[0].NotResource', /NotResource is not allowed.*Has prohibited field NotResource/],
    ['no Principal', { Statement: [without('Principal')] }, '$.Statement[0]', /no Principal/],
    ['bad principal type', { Statement: [{ ...good, Principal: { Github: 'x' } }] }, '$.Statement[0].Principal.Github', /unknown principal type/],
    ['principal entry not a string', { Statement: [{ ...good, Principal: { Federated: [ARN, 7] } }] }, '$.Statement[0].Principal.Federated[1]', /must be strings/],
    ['no Action', { Statement: [without('Action')] }, '$.Statement[0]', /no Action/],
    ['Action and NotAction', { Statement: [{ ...good, NotAction: 'x' }] }, '$.Statement[0]', /both Action and NotAction/],
    ['Action not a string', { Statement: [{ ...good, Action: 5 }] }, '$.Statement[0].Action', /string or a list of strings/],
    ['unknown statement element', { Statement: [{ ...good, Conditions: {} }] }, '$.Statement[0].Conditions', /unknown statement element "Conditions"/],
    ['Condition not an object', { Statement: [{ ...good, Condition: [] }] }, '$.Statement[0].Condition', /Condition must be an object/],
    ['unknown operator', { Statement: [{ ...good, Condition: { StringEqual: { a: 'b' } } }] }, '$.Statement[0].Condition.StringEqual', /unknown condition operator "StringEqual"/],
    ['unknown qualifier', { Statement: [{ ...good, Condition: { 'ForSomeValues:StringEquals': { a: 'b' } } }] }, '$.Statement[0].Condition["ForSomeValues:StringEquals"]', /unknown condition operator/],
    ['operator body not an object', { Statement: [{ ...good, Condition: { StringEquals: 'x' } }] }, '$.Statement[0].Condition.StringEquals', /must map condition keys/],
    [
      'value an object',
      { Statement: [{ ...good, Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': [{ a: 1 }] } } }] },
      '$.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"][0]',
      /condition values must be strings/,
    ],
    ['wrapper holding garbage', { AssumeRolePolicyDocument: 3 }, '$.AssumeRolePolicyDocument', /expected a policy document/],
    ['wrapper holding bad JSON', { AssumeRolePolicyDocument: '{' }, '$.AssumeRolePolicyDocument', /not valid JSON/],
  ])('%s', (_name, input, path, message) => {
    const error = errorOf(input);
    expect(error.path).toBe(path);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
  });

  it('normalises statements, principals, actions and condition values', () => {
    const parsed = parseTrustPolicy({
      Version: '2012-10-17',
      Statement: { Sid: 'A', ...good, Condition: { StringEquals: { 'token.actions.githubusercontent.com:actor_id': 12, x: [true, 'y'] } } },
    });
    expect(parsed.statements).toHaveLength(1);
    const s = parsed.statements[0]!;
    expect(s).toMatchObject({ index: 0, sid: 'A', effect: 'Allow', path: '$.Statement' });
    expect(s.principal.federated).toEqual([ARN]);
    expect(s.action).toMatchObject({ negated: false, values: ['sts:AssumeRoleWithWebIdentity'] });
    expect(s.conditions[0]!.entries.map((e) => e.values)).toEqual([['12'], ['true', 'y']]);
    expect(s.conditions[0]!.entries[1]!.valuePaths).toEqual(['$.Statement.Condition.StringEquals.x[0]', '$.Statement.Condition.StringEquals.x[1]']);
  });

  it('lint reports a malformed policy as one invalid-policy error with its path', () => {
    expect(lintTrustPolicy({ Statement: [{ ...good, Effect: 'Permit' }] })).toEqual([
      { ruleId: 'invalid-policy', severity: 'error', message: expect.stringMatching(/Effect must be/), path: '$.Statement[0].Effect' },
    ]);
  });
});
