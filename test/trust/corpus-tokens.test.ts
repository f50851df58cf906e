/** The real GitHub tokens in test/corpus/oidc-tokens evaluated against trust policies. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateTrustPolicy, formatDecision, generateTrustPolicy } from '../../src/trust/index.js';
import { corpusPath, decodedTokens, readCorpusJson, withConcretePrincipal } from './helpers/corpus.js';

const policy = (file: string): unknown => JSON.parse(readFileSync(corpusPath('trust-policies', file), 'utf8'));

describe('real tokens from the corpus', () => {
  const tokens = decodedTokens();

  it('has the 8 decoded tokens', () => {
    expect(tokens.length).toBe(8);
  });

  /** A least-privilege policy for the run that minted the token (its own audience, environment or ref). */
  function policyForToken(claims: Record<string, unknown>): object {
    const ref = String(claims.ref ?? '');
    return generateTrustPolicy({
      repository: String(claims.repository),
      audience: String(claims.aud),
      ...(typeof claims.environment === 'string'
        ? { environments: [claims.environment] }
        : ref.startsWith('refs/tags/')
          ? { tags: [ref.slice('refs/tags/'.length)] }
          : { branches: [ref.slice('refs/heads/'.length)] }),
      account: '123456789012',
    });
  }

  it.each(tokens.map((t) => [t.file, t.token.payload] as const))('%s: allowed by its own least-privilege policy', (_file, claims) => {
    const decision = evaluateTrustPolicy(policyForToken(claims), claims);
    expect(decision.allowed, formatDecision(decision)).toBe(true);
    expect(decision.subject).toBe(claims.sub);
  });

  it.each(tokens.map((t, i) => [t.file, t.token.payload, tokens[(i + 1) % tokens.length]!.token.payload] as const))(
    '%s: denied by another repository\'s policy, naming the failing condition',
    (_file, claims, other) => {
      const decision = evaluateTrustPolicy(policyForToken(other), claims);
      expect(decision.allowed).toBe(false);
      const reason = decision.statements[0]!.reason!;
      expect(reason.kind).toBe('condition');
      // aud is checked first in generated policies: the tokens have different audiences except for
      // coincidences, so the first failing key is aud or sub.
      expect(['token.actions.githubusercontent.com:aud', 'token.actions.githubusercontent.com:sub']).toContain(reason.key);
      expect(reason.tokenValue).not.toBeNull();
    },
  );

  it('the paper-spa environment token does not match a branch policy (vector environment-sub-vs-branch-policy)', () => {
    const t = readCorpusJson<{ payload: Record<string, unknown> }>(
      'oidc-tokens',
      'decoded',
      'token_github-rest-api-docs_pages-deployment_paper-spa_minyi_env-Production_2021-12.decoded.json',
    ).payload;
    const branchPolicy = generateTrustPolicy({ repository: 'paper-spa/minyi', branches: ['main'], audience: 'https://github.com/paper-spa', account: '123456789012' });
    const d = evaluateTrustPolicy(branchPolicy, t);
    expect(d.allowed).toBe(false);
    expect(d.statements[0]!.reason).toMatchObject({ key: 'token.actions.githubusercontent.com:sub', tokenValue: 'repo:paper-spa/minyi:environment:Production' });
    expect(d.statements[0]!.reason!.message).toMatch(/environment:NAME/);
  });

  it('the qoomon token (aud sts.amazonaws.com) against the GitHub-docs repo-wildcard policy shape', () => {
    const t = readCorpusJson<{ payload: Record<string, unknown> }>('oidc-tokens', 'decoded', 'token_qoomon_sandbox_2023-10.decoded.json').payload;
    const doc = JSON.parse(JSON.stringify(policy('policies/github-docs_oidc-in-aws_repo-wildcard.json')).replace('octo-org/octo-repo', 'qoomon/sandbox'));
    expect(evaluateTrustPolicy(withConcretePrincipal(doc), t).allowed).toBe(true);
    const d = evaluateTrustPolicy(withConcretePrincipal(policy('policies/github-docs_oidc-in-aws_repo-wildcard.json')), t);
    expect(d.allowed).toBe(false);
    expect(d.statements[0]!.reason).toMatchObject({ operator: 'StringLike', tokenValue: 'repo:qoomon/sandbox:ref:refs/heads/aws-github-access-manager' });
  });

  it('enterprise_id and repository_id claims are condition keys (neu-se token, enterprise claims)', () => {
    const t = readCorpusJson<{ payload: Record<string, unknown> }>('oidc-tokens', 'decoded', 'token_neu-se_autograder-action_2025-01.decoded.json').payload;
    const doc = (enterpriseId: string) => ({
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:enterprise_id': enterpriseId,
            'token.actions.githubusercontent.com:repository_id': '922761846',
          },
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:neu-se/autograder-action:*' },
        },
      },
    });
    expect(evaluateTrustPolicy(doc('521'), t).allowed).toBe(true);
    const d = evaluateTrustPolicy(doc('522'), t);
    expect(d.statements[0]!.reason).toMatchObject({ key: 'token.actions.githubusercontent.com:enterprise_id', tokenValue: '521', policyValues: ['522'] });
  });

  it('claims that are not condition keys are absent (the self-hosted token\'s "enterprise" claim)', () => {
    const t = readCorpusJson<{ payload: Record<string, unknown> }>('oidc-tokens', 'decoded', 'token_csas-ops_cicd-samples-apps_selfhosted_2023-12.decoded.json').payload;
    expect(t.enterprise).toBe('ceska-sporitelna');
    const doc = {
      Statement: {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:enterprise': 'ceska-sporitelna' } },
      },
    };
    const d = evaluateTrustPolicy(doc, t);
    expect(d.allowed).toBe(false);
    expect(d.statements[0]!.reason).toMatchObject({ tokenValue: null });
    expect(d.statements[0]!.reason!.message).toMatch(/not a key STS puts in the request context/);
  });
});
