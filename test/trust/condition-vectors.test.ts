/**
 * Table-driven tests against test/corpus/condition-vectors:
 * - oidc_condition_semantics_vectors.json: a request context (condition keys) and a Condition block,
 *   with the expected result of the whole block;
 * - subvectors/github-aws.json: a subject (and claims) against an AWS condition, match / no-match, with a
 *   safe/caution/dangerous judgment that the linter should agree with;
 * - checkov/: Checkov's pass/fail expectations for its GitHub OIDC trust-policy checks (lint, not
 *   evaluation), read from the Terraform fixtures.
 */
import { describe, expect, it } from 'vitest';
import { evaluateCondition, evaluateTrustPolicy, lintTrustPolicy, type LintFinding } from '../../src/trust/index.js';
import { GITHUB_PROVIDER_ARN, readCorpusJson, readCorpusText } from './helpers/corpus.js';
import { policiesFromFixture } from './helpers/hcl.js';

interface SemanticsVector {
  id: string;
  context: Record<string, string>;
  condition: Record<string, unknown>;
  expected: boolean;
  basis: string;
}

const semantics = readCorpusJson<{ vectors: SemanticsVector[] }>('condition-vectors', 'oidc_condition_semantics_vectors.json').vectors;

describe('oidc_condition_semantics_vectors.json', () => {
  it('has vectors to run', () => {
    expect(semantics.length).toBeGreaterThanOrEqual(20);
  });

  it.each(semantics.map((v) => [v.id, v] as const))('%s', (_id, vector) => {
    const outcome = evaluateCondition(vector.condition, vector.context);
    expect(outcome.holds, vector.basis).toBe(vector.expected);
    if (!vector.expected) {
      // A failing block names the key, operator and values it failed on.
      expect(outcome.failure).toBeDefined();
      expect(outcome.failure!.message.length).toBeGreaterThan(0);
    }
  });

  it('reports the first condition that did not hold, with the token value', () => {
    const typo = semantics.find((v) => v.id === 'typo-key-aud-only')!;
    const outcome = evaluateCondition(typo.condition, typo.context);
    expect(outcome.failure).toMatchObject({
      key: 'token.actions.githubuser.content.com:aud',
      operator: 'StringEquals',
      policyValues: ['sts.amazonaws.com'],
      tokenValue: null,
    });
    const and = semantics.find((v) => v.id === 'multi-keys-AND')!;
    expect(evaluateCondition(and.condition, and.context).failure).toMatchObject({
      key: 'token.actions.githubusercontent.com:aud',
      tokenValue: 'https://github.com/o',
    });
  });
});

interface SubCondition {
  consumer: 'aws-stringequals' | 'aws-stringlike' | 'aws-all';
  claim?: string;
  pattern?: string | string[];
  of?: SubCondition[];
}
interface SubVector {
  id: string;
  subject: string;
  claims?: Record<string, string>;
  condition: SubCondition;
  expect: 'match' | 'no-match';
  judgment?: { grade: 'safe' | 'caution' | 'dangerous'; patterns: string[] };
}

const suite = readCorpusJson<{ vectors: SubVector[] }>('condition-vectors', 'subvectors', 'github-aws.json');

const OPERATOR = { 'aws-stringequals': 'StringEquals', 'aws-stringlike': 'StringLike' } as const;
const PREFIX = 'token.actions.githubusercontent.com';

/** The vector's condition as an IAM Condition element (an aws-all block merges its ANDed parts). */
function conditionOf(c: SubCondition): Record<string, Record<string, string | string[]>> {
  const parts = c.consumer === 'aws-all' ? c.of! : [c];
  const out: Record<string, Record<string, string | string[]>> = {};
  for (const part of parts) {
    const op = OPERATOR[part.consumer as keyof typeof OPERATOR];
    const key = `${PREFIX}:${part.claim ?? 'sub'}`;
    out[op] ??= {};
    if (key in out[op]) throw new Error(`cannot merge two ${op} conditions on ${key} into one block`);
    out[op][key] = part.pattern!;
  }
  return out;
}

function trustPolicyFor(c: SubCondition): object {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: GITHUB_PROVIDER_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: conditionOf(c) }],
  };
}

function conditionKeys(c: SubCondition): string[] {
  return (c.consumer === 'aws-all' ? c.of! : [c]).map((p) => p.claim ?? 'sub');
}

describe('subvectors github-aws.json (evaluation)', () => {
  it('is the expected suite', () => {
    expect(suite.vectors.length).toBe(32);
  });

  it.each(suite.vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const claims = { iss: 'https://token.actions.githubusercontent.com', sub: v.subject, ...(v.claims ?? {}) };
    const decision = evaluateTrustPolicy(trustPolicyFor(v.condition), claims);
    expect(decision.allowed).toBe(v.expect === 'match');
    expect(decision.decision).toBe(v.expect === 'match' ? 'allow' : 'implicit-deny');
    if (v.expect === 'no-match') expect(decision.statements[0]!.reason?.kind).toBe('condition');
  });
});

const errorsOf = (findings: LintFinding[]): string[] => findings.filter((f) => f.severity === 'error').map((f) => f.ruleId);

describe('subvectors github-aws.json (lint agrees with the judgment)', () => {
  const judged = suite.vectors.filter((v) => v.judgment);

  it.each(judged.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const findings = lintTrustPolicy(trustPolicyFor(v.condition));
    const errors = errorsOf(findings);
    const { grade, patterns } = v.judgment!;
    // A vector models one trust condition in isolation: when it has no sub key at all, the linter's
    // no-sub-condition error is about the missing rest of the policy, not about the vector's condition.
    const relevant = conditionKeys(v.condition).includes('sub') ? errors : errors.filter((e) => e !== 'no-sub-condition');
    if (grade === 'dangerous') {
      if (patterns.includes('org-wide') || patterns.includes('wildcard-repo')) expect(errors).toContain('sub-wildcard-repository');
      if (patterns.includes('pull-request') && !patterns.includes('org-wide')) {
        expect(findings.map((f) => f.ruleId)).toContain('pull-request-with-protected');
      }
      expect(relevant.length + findings.filter((f) => f.ruleId === 'pull-request-with-protected').length).toBeGreaterThan(0);
    } else {
      expect(relevant).toEqual([]);
    }
    if (!conditionKeys(v.condition).includes('sub')) expect(errors).toContain('no-sub-condition');
    const subPatterns = (v.condition.consumer === 'aws-all' ? v.condition.of! : [v.condition]).filter((p) => (p.claim ?? 'sub') === 'sub').flatMap((p) => p.pattern!);
    if (subPatterns.some((p) => !p.startsWith('repo:'))) {
      expect(findings.map((f) => f.ruleId)).toContain('custom-subject');
    }
  });

  it('flags the literal wildcard vector (no judgment) as never matching', () => {
    const v = suite.vectors.find((x) => x.id === 'gh-aws-stringequals-treats-star-literally')!;
    expect(errorsOf(lintTrustPolicy(trustPolicyFor(v.condition)))).toContain('never-matches');
  });
});

interface CheckovExpected {
  pass: string[];
  fail: string[];
}

/**
 * Where this linter deliberately disagrees with Checkov. Checkov's checks test the *intent* of a sub
 * value with a regular expression; this linter follows IAM semantics and the corpus catalog verdicts.
 */
const CHECKOV_DEVIATIONS: Record<string, { errors: string[]; why: string }> = {
  'pass-org-only': {
    errors: ['never-matches'],
    why: 'StringEquals "repo:myOrg/*" is a literal comparison and never matches a real subject (Checkov\'s own expected_results note says so); as StringLike it would be org-wide (sub-wildcard-repository)',
  },
  'pass-gh-org': {
    errors: ['never-matches'],
    why: 'the key "token.actions.githubusercontent.com/github-org:sub" belongs to an enterprise issuer, but the principal is the github.com provider, whose tokens never carry that key: the statement never applies',
  },
  'pass-fm-customer': {
    errors: ['sub-wildcard-repository'],
    why: 'StringLike "repo:freddiemac/*" admits every repository of the organisation: the corpus catalog calls the same pattern "broad" and subvectors grade it "dangerous"',
  },
  'fail-abusable': {
    errors: [],
    why: 'the value pins repo:myOrg/myRepo and a branch exactly; it only matches with a customised subject template starting with the workflow claim, which is reported as the custom-subject warning',
  },
  'CKV_AWS_358/pass1': {
    errors: ['invalid-policy'],
    why: 'the fixture is a permissions policy (lambda:/dynamodb: actions, no Principal), not a role trust policy; trust-policy lint rejects it as such',
  },
};

describe.each([
  ['CKV_AWS_358', 'checkov-CKV_AWS_358'],
  ['CKV_AWS_393', 'checkov-CKV_AWS_393-OnRole'],
])('checkov %s fixtures (lint)', (check, folder) => {
  const expected = readCorpusJson<CheckovExpected>('condition-vectors', 'checkov', folder, 'expected_results.json');
  const policies = policiesFromFixture(readCorpusText('condition-vectors', 'checkov', folder, 'main.tf'));

  it('reads every named fixture', () => {
    for (const name of [...expected.pass, ...expected.fail]) expect(policies.has(name), name).toBe(true);
  });

  const cases = [...expected.pass.map((n) => [n, 'pass'] as const), ...expected.fail.map((n) => [n, 'fail'] as const)];
  it.each(cases)('%s (checkov: %s)', (name, verdict) => {
    const findings = lintTrustPolicy(policies.get(name));
    const errors = errorsOf(findings);
    const deviation = CHECKOV_DEVIATIONS[`${check}/${name}`] ?? CHECKOV_DEVIATIONS[name];
    if (deviation) {
      expect([...new Set(errors)], deviation.why).toEqual(deviation.errors);
      return;
    }
    if (verdict === 'pass') expect(errors).toEqual([]);
    else expect(errors.length).toBeGreaterThan(0);
  });

  it('fails the cases Checkov fails for the reason Checkov gives', () => {
    const errorsFor = (name: string): string[] => errorsOf(lintTrustPolicy(policies.get(name)));
    expect(errorsFor('fail1')).toContain('no-sub-condition');
    expect(errorsFor('fail2')).toContain('never-matches');
    expect(errorsFor('fail-wildcard')).toContain('never-matches');
    expect(errorsFor('fail-wildcard-assertion')).toContain('never-matches');
    expect(errorsFor('fail-misused-repo')).toContain('never-matches');
    expect(lintTrustPolicy(policies.get('fail-abusable')).map((f) => f.ruleId)).toContain('custom-subject');
    expect(lintTrustPolicy(policies.get('pass_aud_first')).map((f) => f.ruleId)).toContain('aud-mismatch');
  });
});
