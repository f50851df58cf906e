/** The pure planner of `setup aws --apply`, and the policy comparison it rests on (tables). */
import { describe, expect, it } from 'vitest';
import { checkSetupInput, type SetupInput } from '../../src/iam/intent.js';
import { findProviderArn, PlanError, planSetup, type ObservedState } from '../../src/iam/plan.js';
import { canonicalText, lineDiff, samePolicy } from '../../src/iam/policy-diff.js';
import { intendedTrustPolicy } from '../../src/iam/trust.js';

const GH = 'token.actions.githubusercontent.com';
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${GH}`;
const ROLE = 'arn:aws:iam::123456789012:role/deploy';

function intent(extra: Partial<SetupInput> = {}, trust: Partial<SetupInput['trust']> = {}) {
  return checkSetupInput({ trust: { repository: 'octo-org/octo-repo', environments: ['production'], ...trust }, roleName: 'deploy', ...extra });
}

function policyText(i = intent()): string {
  return JSON.stringify(intendedTrustPolicy(i, '123456789012'));
}

function role(trustPolicy: string, extra: Partial<NonNullable<ObservedState['role']>> = {}): NonNullable<ObservedState['role']> {
  return { arn: ROLE, trustPolicy, maxSessionDuration: 3600, attachedPolicies: [], ...extra };
}

const provider = { arn: PROVIDER, clientIds: ['sts.amazonaws.com'] };

describe('planSetup', () => {
  it.each<[string, ReturnType<typeof intent>, ObservedState, string[]]>([
    ['nothing exists', intent({ policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }), { providerArns: [] }, ['create-provider', 'create-role', 'attach-policy']],
    ['all matches', intent(), { providerArns: [PROVIDER], provider, role: role(policyText()) }, []],
    ['the provider lacks the audience', intent(), { providerArns: [PROVIDER], provider: { arn: PROVIDER, clientIds: ['x'] }, role: role(policyText()) }, ['add-client-id']],
    ['the role has another session duration and no boundary', intent({ maxSessionDuration: '7200', permissionsBoundary: 'arn:aws:iam::123456789012:policy/b' }), { providerArns: [PROVIDER], provider, role: role(policyText()) }, ['update-max-session-duration', 'put-permissions-boundary']],
    ['the role has a longer session duration and none is given: it keeps it', intent(), { providerArns: [PROVIDER], provider, role: role(policyText(), { maxSessionDuration: 7200 }) }, []],
    ['the same policy written differently (order, one-item list, whitespace, no Sid)', intent(), {
      providerArns: [PROVIDER],
      provider,
      role: role(
        JSON.stringify({
          Statement: [{ Condition: { StringEquals: { [`${GH}:sub`]: ['repo:octo-org/octo-repo:environment:production'], [`${GH}:aud`]: 'sts.amazonaws.com' } }, Action: ['sts:AssumeRoleWithWebIdentity'], Principal: { Federated: PROVIDER }, Effect: 'Allow' }],
          Version: '2012-10-17',
        }, null, 4),
      ),
    }, []],
  ])('%s', (_name, i, state, kinds) => {
    expect(planSetup(i, state).steps.map((s) => s.kind)).toEqual(kinds);
  });

  it('takes the account from the provider, the role or any provider, and refuses another --account', () => {
    expect(planSetup(intent(), { providerArns: ['arn:aws:iam::210987654321:oidc-provider/accounts.google.com'] }).account).toBe('210987654321');
    expect(planSetup(intent(), { providerArns: [] }).account).toBeUndefined();
    expect(() => planSetup(intent({}, { account: '999999999999' }), { providerArns: [PROVIDER], provider })).toThrow(PlanError);
    expect(planSetup(intent({}, { account: '123456789012' }), { providerArns: [] }).providerArn).toBe(PROVIDER);
  });

  it('a wider intent is named as widening; a narrower one lists what the current policy admitted', () => {
    const widen = planSetup(intent({}, { branches: ['main'] }), { providerArns: [PROVIDER], provider, role: role(policyText()) });
    expect(widen.trustChange?.widens).toEqual(['repo:octo-org/octo-repo:ref:refs/heads/main']);
    expect(widen.trustChange?.narrows).toEqual([]);
    const narrow = planSetup(intent(), { providerArns: [PROVIDER], provider, role: role(policyText(intent({}, { environments: ['production', 'staging'] }))) });
    expect(narrow.trustChange?.widens).toEqual([]);
    expect(narrow.trustChange?.narrows).toEqual(['repo:octo-org/octo-repo:environment:staging']);
  });

  it("a current policy whose provider is in another account than the role: the plan names both accounts, and counts none of its runs as admitted", () => {
    const foreign = policyText().replace('123456789012:oidc-provider', '210987654321:oidc-provider');
    const plan = planSetup(intent(), { providerArns: [PROVIDER], provider, role: role(foreign) });
    const finding = plan.trustChange?.currentFindings.find((f) => f.ruleId === 'provider-other-account');
    expect(finding?.severity).toBe('error');
    expect(finding?.message).toContain('210987654321');
    expect(finding?.message).toContain('123456789012');
    // It could never match, so the intended policy's run is new, not already admitted.
    expect(plan.trustChange?.widens).toEqual(['repo:octo-org/octo-repo:environment:production']);
  });

  it('dropping a condition the current policy has is widening (here: a reusable workflow)', () => {
    const current = policyText(intent({}, { workflows: ['octo-org/deploy/.github/workflows/d.yml@refs/heads/main'] }));
    const plan = planSetup(intent(), { providerArns: [PROVIDER], provider, role: role(current) });
    expect(plan.trustChange?.widens).toEqual([
      "repo:octo-org/octo-repo:environment:production (the intended policy drops the current one's condition on job_workflow_ref)",
    ]);
  });

  it('statements for other principals that the intended policy replaces are listed as narrowing', () => {
    const current = JSON.parse(policyText()) as { Statement: object[] };
    current.Statement.push({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });
    const plan = planSetup(intent(), { providerArns: [PROVIDER], provider, role: role(JSON.stringify(current)) });
    expect(plan.trustChange?.widens).toEqual([]);
    expect(plan.trustChange?.narrows).toEqual(["every statement trusting Service ec2.amazonaws.com (the intended policy trusts only GitHub's OIDC provider)"]);
  });

  it('a current policy that is JSON but not a valid trust policy is treated as not JSON: no throw, every intended run is new', () => {
    const plan = planSetup(intent(), { providerArns: [PROVIDER], provider, role: role('{"Version": "2012-10-17", "Statement": [{"Effect": "Maybe"}]}') });
    expect(plan.steps.map((s) => s.kind)).toEqual(['update-trust-policy']);
    expect(plan.trustChange?.widens).toEqual(['repo:octo-org/octo-repo:environment:production']);
    expect(plan.trustChange?.currentFindings.map((f) => [f.ruleId, f.path])).toEqual([['invalid-policy', '$.Statement[0].Effect']]);
  });

  it('a current policy that is not JSON is replaced: every intended run is new, and lint says why', () => {
    const plan = planSetup(intent(), { providerArns: [PROVIDER], provider, role: role('{"Version": ') });
    expect(plan.steps.map((s) => s.kind)).toEqual(['update-trust-policy']);
    expect(plan.trustChange?.widens).toEqual(['repo:octo-org/octo-repo:environment:production']);
    expect(plan.trustChange?.currentFindings.map((f) => f.ruleId)).toEqual(['invalid-policy']);
  });

  it('keeps what it was not asked about, and says so', () => {
    const plan = planSetup(intent(), {
      providerArns: [PROVIDER],
      provider,
      role: role(policyText(), { permissionsBoundary: 'arn:aws:iam::123456789012:policy/b', attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] }),
    });
    expect(plan.steps).toEqual([]);
    expect(plan.notes).toEqual([
      'the role keeps its permissions boundary arn:aws:iam::123456789012:policy/b (no --permissions-boundary was given; keyless removes none)',
      'the role also has arn:aws:iam::aws:policy/AdministratorAccess attached; keyless detaches nothing',
    ]);
  });

  it('finds the provider for the issuer only, host names without case', () => {
    const arns = [`arn:aws:iam::123456789012:oidc-provider/${GH}/acme`, 'arn:aws:iam::123456789012:oidc-provider/TOKEN.actions.githubusercontent.com'];
    expect(findProviderArn(intent(), arns)).toBe(arns[1]);
    expect(findProviderArn(intent({}, { issuer: `https://${GH}/acme` }), arns)).toBe(arns[0]);
    expect(findProviderArn(intent({}, { issuer: `https://${GH}/other` }), arns)).toBeUndefined();
  });
});

describe('policy comparison', () => {
  it('reads Statement as an object or a list, string lists as sets', () => {
    expect(samePolicy({ Statement: { Action: ['b', 'a', 'a'] } }, { Statement: [{ Action: ['a', 'b'] }] })).toBe(true);
    expect(samePolicy({ Statement: [{ Effect: 'Allow' }] }, { Statement: [{ Effect: 'Deny' }] })).toBe(false);
    expect(canonicalText({ Statement: [{ Condition: {}, Effect: 'Allow', Sid: 'x' }], Version: '2012-10-17' })).toBe(
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Condition": {}\n    }\n  ]\n}',
    );
  });

  it('diffs lines, removals before additions', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
    ]);
    expect(lineDiff('', 'a').map((l) => l.op)).toEqual(['-', '+']);
  });
});
