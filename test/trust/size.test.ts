/** IAM's size limit for role trust policies: counting as IAM counts, and the findings at each threshold. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintTrustPolicy, parseTrustPolicy, sizeFindings, trustPolicySize } from '../../src/trust/index.js';
import { corpusPath } from './helpers/corpus.js';

const POLICIES_DIR = corpusPath('trust-policies', 'policies');

const BASE = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: '',
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:environment:production',
        },
      },
    },
  ],
};

/** A valid policy of exactly `size` characters as IAM counts them (the Sid pads it). */
function policyOfSize(size: number): typeof BASE {
  const pad = size - trustPolicySize(BASE);
  if (pad < 0) throw new Error(`the base policy is already ${trustPolicySize(BASE)} characters`);
  return { ...BASE, Statement: [{ ...BASE.Statement[0]!, Sid: 'S'.repeat(pad) }] };
}

describe('trustPolicySize counts as IAM does: without whitespace', () => {
  it('indentation and line breaks are free', () => {
    const compact = JSON.stringify(BASE);
    expect(trustPolicySize(BASE)).toBe(compact.length);
    expect(trustPolicySize(JSON.parse(JSON.stringify(BASE, null, 4)))).toBe(compact.length);
  });

  it.each([
    ['a space inside a value', 'a b', 2],
    ['a tab inside a value', 'a\tb', 4], // JSON writes it as the two characters \t
    ['U+00A0 counts (IAM allows it; it is not whitespace to Java either)', 'a\u00a0b', 3],
    ['Latin-1 letters count once', 'Zürich', 6],
  ])('%s', (_, sid, counted) => {
    const base = trustPolicySize({ ...BASE, Statement: [{ ...BASE.Statement[0]!, Sid: '' }] });
    expect(trustPolicySize({ ...BASE, Statement: [{ ...BASE.Statement[0]!, Sid: sid }] }) - base).toBe(counted);
  });

  it('policyOfSize builds exact sizes', () => {
    for (const size of [600, 2048, 4097]) expect(trustPolicySize(policyOfSize(size))).toBe(size);
  });
});

describe('sizeFindings at each threshold', () => {
  it.each<[number, number | undefined, string | undefined, RegExp | undefined]>([
    // IAM's default quota, 2,048; the warning from 90 % (1,843.2) on.
    [1843, undefined, undefined, undefined],
    [1844, undefined, 'policy-near-size-limit', /1,844 characters .* 90 % of IAM's default quota of 2,048: 204 left/],
    [2048, undefined, 'policy-near-size-limit', /100 % of IAM's default quota of 2,048: 0 left/],
    [2049, undefined, 'policy-too-large', /over IAM's default quota of 2,048: .*"LimitExceeded: Cannot exceed quota for ACLSizePerRole: 2048", unless .* raised .* to at least 2,049\. If it has, state the quota \(keyless: --max-size N\)/],
    [4096, undefined, 'policy-too-large', /unless the account's "Role trust policy length" quota has been raised/],
    [4097, undefined, 'policy-too-large', /more than 4,096, the most Service Quotas approves automatically: shrink it/],
    // A stated quota.
    [3686, 4096, undefined, undefined],
    [3687, 4096, 'policy-near-size-limit', /90 % of the stated quota of 4,096: 409 left/],
    [4096, 4096, 'policy-near-size-limit', /0 left before .*ACLSizePerRole: 4096/],
    [4097, 4096, 'policy-too-large', /over the stated quota of 4,096: .*ACLSizePerRole: 4096"; 4,096 is also the most Service Quotas approves automatically: shrink it/],
    [4500, 5000, 'policy-near-size-limit', /90 % of the stated quota of 5,000/],
    [5001, 5000, 'policy-too-large', /over the stated quota of 5,000: .*ACLSizePerRole: 5000": shrink it/],
    [3001, 3000, 'policy-too-large', /over the stated quota of 3,000: .*Raise the account's "Role trust policy length" quota \(Service Quotas, IAM, L-C07B4B0D\) to at least 3,001/],
    [5000, 8192, undefined, undefined],
    [8193, 8192, 'policy-too-large', /over the stated quota of 8,192/],
  ])('%i characters, quota %s → %s', (size, quota, ruleId, message) => {
    const findings = sizeFindings(policyOfSize(size), quota);
    expect(findings.map((f) => f.ruleId)).toEqual(ruleId ? [ruleId] : []);
    if (message) expect(findings[0]!.message).toMatch(message);
  });

  it('a stated quota never says "--max-size"; the default always names the quota IAM would cite', () => {
    expect(sizeFindings(policyOfSize(3001), 3000)[0]!.message).not.toContain('--max-size');
    expect(sizeFindings(policyOfSize(2500))[0]!.message).toContain('ACLSizePerRole: 2048');
  });
});

describe('lint reports the size', () => {
  it('at the document, under the wrapper the file has', () => {
    const big = policyOfSize(2500);
    expect(lintTrustPolicy(big).filter((f) => f.ruleId === 'policy-too-large')).toMatchObject([{ severity: 'error', path: '$' }]);
    expect(lintTrustPolicy({ AssumeRolePolicyDocument: big }).filter((f) => f.ruleId === 'policy-too-large')).toMatchObject([
      { path: '$.AssumeRolePolicyDocument' },
    ]);
    // The wrapper's own characters are not IAM's business.
    expect(lintTrustPolicy({ AssumeRolePolicyDocument: policyOfSize(2048) }).map((f) => f.ruleId)).toContain('policy-near-size-limit');
  });

  it('with sizeQuota', () => {
    expect(lintTrustPolicy(policyOfSize(2500), { sizeQuota: 4096 }).map((f) => f.ruleId)).not.toContain('policy-too-large');
  });
});

describe('the corpus', () => {
  const files = readdirSync(POLICIES_DIR).filter((f) => f.endsWith('.json'));

  it.each(files)('%s: counted from the parsed document as from the file itself, minus whitespace; far from the limit', (file) => {
    const raw = readFileSync(join(POLICIES_DIR, file), 'utf8');
    const document = parseTrustPolicy(JSON.parse(raw)).document;
    // Every corpus file is the bare document, so the re-serialised count must equal the file's own.
    expect(trustPolicySize(document)).toBe(raw.replace(/[ \t\r\n]/g, '').length);
    expect(lintTrustPolicy(JSON.parse(raw)).filter((f) => f.ruleId.startsWith('policy-'))).toEqual([]);
  });

  it('the AWS docs branch policy, grown one branch at a time as teams grow it, trips the warning, then the error', () => {
    const policy = JSON.parse(readFileSync(join(POLICIES_DIR, 'aws-docs_iam-user-guide_github_branch.json'), 'utf8'));
    const statement = policy.Statement[0];
    const [subOperator, subKey] = Object.entries(statement.Condition as Record<string, Record<string, unknown>>)
      .flatMap(([op, entries]) => Object.keys(entries).map((key) => [op, key] as const))
      .find(([, key]) => key.endsWith(':sub'))!;
    const seen: string[] = [];
    for (let branches = 1; branches <= 120; branches++) {
      statement.Condition[subOperator][subKey] = Array.from({ length: branches }, (_, i) => `repo:octo-org/octo-repo:ref:refs/heads/release-${i}`);
      const rules = lintTrustPolicy(policy).map((f) => f.ruleId).filter((r) => r.startsWith('policy-'));
      if (rules.join() !== seen.at(-1)) seen.push(rules.join());
    }
    expect(seen).toEqual(['', 'policy-near-size-limit', 'policy-too-large']);
  });
});
