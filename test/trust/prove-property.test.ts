/**
 * prove against the evaluator on random policies and random runs (fast-check): when prove says
 * "proved", no sampled run outside the set is admitted; when it gives a counterexample, evaluate
 * admits it and it lies outside the set. Values are built from the same small vocabulary as the
 * runs, so that conditions match often enough to matter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateTrustPolicy } from '../../src/trust/evaluate.js';
import { proveDisjoint, proveOnly, type OnlyConstraint } from '../../src/trust/prove/prove.js';
import { runClaims, type RunDescription } from '../../src/trust/run-claims.js';
import { matchesStringLike } from '../../src/trust/wildcard.js';

const PROVIDER = 'token.actions.githubusercontent.com';
const ENTERPRISE = `${PROVIDER}/acme`;
const arn = (provider: string): string => `arn:aws:iam::123456789012:oidc-provider/${provider}`;

const FRAGMENTS = ['repo:', 'o', 'O', '/', 'r', 'a.b', ':', 'ref:', 'refs/heads/', 'refs/tags/', 'main', 'v1', 'environment:', 'e', 'prod', 'pull_request', '*', '?', 'sts.amazonaws.com', '@', '7', '9', 'x'];
const value = fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
const wholeValue = fc.oneof(
  value,
  fc.constantFrom('repo:o/r:*', 'repo:o/*', 'repo:o/r:environment:prod', 'repo:o@7/r@9:*', 'repo:o/r:pull_request', 'o/r', 'refs/heads/main', 'prod', 'sts.amazonaws.com', '*', 'repo:*:ref:refs/heads/main'),
);
const CLAIMS = ['sub', 'sub', 'sub', 'aud', 'repository', 'ref', 'environment', 'actor', 'job_workflow_ref', 'repository_id', 'iss', 'workflow'];
const OPERATORS = [
  'StringEquals', 'StringLike', 'StringNotEquals', 'StringNotLike', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase',
  'StringLikeIfExists', 'StringNotLikeIfExists', 'StringEqualsIfExists', 'ForAnyValue:StringLike', 'ForAllValues:StringEquals',
  'ForAllValues:StringNotLike', 'ForAnyValue:StringNotEquals', 'Null',
];

const entry = fc.record({
  claim: fc.constantFrom(...CLAIMS),
  values: fc.array(wholeValue, { minLength: 1, maxLength: 2 }),
  nullValue: fc.constantFrom('true', 'false'),
  enterpriseKey: fc.boolean(),
});
const block = fc.record({ operator: fc.constantFrom(...OPERATORS), entries: fc.array(entry, { minLength: 1, maxLength: 2 }) });
const statement = fc.record({
  deny: fc.boolean(),
  enterprise: fc.integer({ min: 0, max: 5 }),
  anyone: fc.integer({ min: 0, max: 9 }),
  blocks: fc.array(block, { minLength: 0, maxLength: 3 }),
});

type StatementSpec = typeof statement extends fc.Arbitrary<infer T> ? T : never;

function toStatement(s: StatementSpec): object {
  const provider = s.enterprise === 0 ? ENTERPRISE : PROVIDER;
  const condition: Record<string, Record<string, string | string[]>> = {};
  for (const b of s.blocks) {
    const body = (condition[b.operator] ??= {});
    for (const e of b.entries) {
      const key = `${e.enterpriseKey && s.enterprise === 0 ? ENTERPRISE : PROVIDER}:${e.claim}`;
      body[key] = b.operator === 'Null' ? e.nullValue : e.values;
    }
  }
  return {
    Effect: s.deny ? 'Deny' : 'Allow',
    Principal: s.anyone === 0 ? '*' : { Federated: arn(provider) },
    Action: 'sts:AssumeRoleWithWebIdentity',
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}

const policy = fc
  .array(statement, { minLength: 1, maxLength: 3 })
  .filter((list) => list.some((s) => !s.deny))
  .map((list) => ({ Version: '2012-10-17', Statement: list.map(toStatement) }));

const run: fc.Arbitrary<RunDescription> = fc
  .record({
    owner: fc.constantFrom('o', 'O', 'x', 'ab'),
    name: fc.constantFrom('r', 'R', 'a.b', 'x'),
    environment: fc.option(fc.constantFrom('e', 'prod', 'E', 'x y'), { nil: undefined }),
    event: fc.constantFrom('push', 'pull_request', 'pull_request_target', 'workflow_dispatch'),
    ref: fc.constantFrom('refs/heads/main', 'refs/heads/m', 'refs/tags/v1', 'refs/pull/7/merge', 'refs/heads/prod'),
    immutable: fc.boolean(),
    audience: fc.constantFrom('sts.amazonaws.com', 'x', 'sts'),
    actor: fc.constantFrom('o', 'octocat'),
    enterprise: fc.integer({ min: 0, max: 3 }),
  })
  .map((r) => ({
    repository: `${r.owner}/${r.name}`,
    ref: r.event === 'pull_request' ? 'refs/pull/7/merge' : r.ref === 'refs/pull/7/merge' ? 'refs/heads/main' : r.ref,
    ...(r.environment !== undefined ? { environment: r.environment } : {}),
    event: r.event,
    ...(r.event === 'pull_request_target' ? { baseRef: r.ref.replace(/^refs\/(heads|tags)\//, '') } : {}),
    ownerId: '7',
    repositoryId: '9',
    subjectForm: r.immutable ? 'immutable' : 'name-only',
    audience: r.audience,
    actor: r.actor,
    jobWorkflowRef: `${r.owner}/${r.name}/.github/workflows/x.yml@refs/heads/main`,
    ...(r.enterprise === 0 ? { issuer: `https://${ENTERPRISE}`, enterprise: 'acme', enterpriseId: '5' } : r.enterprise === 1 ? { enterpriseId: '5' } : {}),
  }));

const inside = (claims: Record<string, string>, only: OnlyConstraint): boolean => {
  const v = only.claim === 'owner' ? claims.repository_owner : claims[only.claim];
  if (v === undefined) return false;
  const ci = ['repository', 'owner', 'environment'].includes(only.claim);
  return only.values.some((p) => (ci ? matchesStringLike(p.toLowerCase(), v.toLowerCase()) : matchesStringLike(p, v)));
};

const ONLY: OnlyConstraint[] = [
  { claim: 'repository', values: ['o/r'] },
  { claim: 'environment', values: ['prod'] },
  { claim: 'ref', values: ['refs/heads/main', 'refs/tags/*'] },
  { claim: 'aud', values: ['sts.amazonaws.com'] },
];

describe('prove agrees with evaluate', () => {
  it.each(ONLY.map((o) => [`--only ${o.claim}=${o.values.join(',')}`, o] as const))('%s', (_label, only) => {
    let proved = 0;
    let disproved = 0;
    fc.assert(
      fc.property(policy, fc.array(run, { minLength: 1, maxLength: 12 }), (p, runs) => {
        const result = proveOnly(p, [only]);
        if (result.proved) {
          proved++;
          for (const r of runs) {
            const claims = runClaims(r);
            if (inside(claims, only)) continue;
            expect(evaluateTrustPolicy(p, claims).allowed, `proved, yet ${claims.sub} (aud ${claims.aud}) is admitted`).toBe(false);
          }
        } else {
          disproved++;
          const c = result.counterexample!;
          expect(evaluateTrustPolicy(p, c).allowed).toBe(true);
          expect(inside(c, only)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
    expect(proved).toBeGreaterThan(10);
    expect(disproved).toBeGreaterThan(10);
  });

  it('--disjoint', () => {
    let proved = 0;
    let disproved = 0;
    fc.assert(
      fc.property(policy, policy, fc.array(run, { minLength: 1, maxLength: 12 }), (a, b, runs) => {
        const result = proveDisjoint(a, b);
        if (result.proved) {
          proved++;
          for (const r of runs) {
            const claims = runClaims(r);
            expect(evaluateTrustPolicy(a, claims).allowed && evaluateTrustPolicy(b, claims).allowed, `proved disjoint, yet ${claims.sub} assumes both`).toBe(false);
          }
        } else {
          disproved++;
          expect(evaluateTrustPolicy(a, result.counterexample!).allowed).toBe(true);
          expect(evaluateTrustPolicy(b, result.counterexample!).allowed).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    expect(proved).toBeGreaterThan(10);
    expect(disproved).toBeGreaterThan(10);
  });
});
