/** Generating least-privilege policies: shape, validation, and (property-based) lint-clean and exact. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_PLACEHOLDER,
  evaluateTrustPolicy,
  GenerateError,
  generatedSubjects,
  generateTrustPolicy,
  lintTrustPolicy,
  type GenerateOptions,
} from '../../src/trust/index.js';

const GH = 'token.actions.githubusercontent.com';

describe('generateTrustPolicy', () => {
  it('writes one StringEquals sub per environment, branch and tag, aud pinned', () => {
    const policy = generateTrustPolicy({ repository: 'octo-org/octo-repo', environments: ['prod'], branches: ['main'], tags: ['v1.2.3'], account: '123456789012' });
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'GitHubActionsOIDC',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${GH}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              [`${GH}:aud`]: 'sts.amazonaws.com',
              [`${GH}:sub`]: [
                'repo:octo-org/octo-repo:environment:prod',
                'repo:octo-org/octo-repo:ref:refs/heads/main',
                'repo:octo-org/octo-repo:ref:refs/tags/v1.2.3',
              ],
            },
          },
        },
      ],
    });
  });

  it('a single subject is a string; refs/heads/ and refs/tags/ prefixes are accepted', () => {
    const p = generateTrustPolicy({ repository: 'o/r', branches: ['refs/heads/release/1.x'] });
    expect(p.Statement[0]!.Condition.StringEquals![`${GH}:sub`]).toBe('repo:o/r:ref:refs/heads/release/1.x');
    expect(generatedSubjects({ repository: 'o/r', tags: ['refs/tags/v1'] })).toEqual(['repo:o/r:ref:refs/tags/v1']);
  });

  it('uses the immutable form with ids, optionally with the name-only form too', () => {
    expect(generatedSubjects({ repository: 'o/r', environments: ['prod'], ownerId: '65', repositoryId: '74' })).toEqual(['repo:o@65/r@74:environment:prod']);
    expect(generatedSubjects({ repository: 'o/r', environments: ['prod'], ownerId: '65', repositoryId: '74', includeNameOnly: true })).toEqual([
      'repo:o@65/r@74:environment:prod',
      'repo:o/r:environment:prod',
    ]);
  });

  it('uses the ACCOUNT_ID placeholder without an account, and the partition, audience and enterprise issuer given', () => {
    const p = generateTrustPolicy({
      repository: 'o/r',
      environments: ['prod'],
      partition: 'aws-us-gov',
      audience: 'my-aud',
      issuer: 'https://token.actions.githubusercontent.com/acme',
    });
    expect(p.Statement[0]!.Principal.Federated).toBe(`arn:aws-us-gov:iam::${ACCOUNT_PLACEHOLDER}:oidc-provider/${GH}/acme`);
    expect(p.Statement[0]!.Condition.StringEquals).toEqual({ [`${GH}/acme:aud`]: 'my-aud', [`${GH}/acme:sub`]: 'repo:o/r:environment:prod' });
  });

  it('de-duplicates subjects', () => {
    expect(generatedSubjects({ repository: 'o/r', branches: ['main', 'refs/heads/main'] })).toEqual(['repo:o/r:ref:refs/heads/main']);
  });

  it.each<[string, GenerateOptions, string]>([
    ['no repository slash', { repository: 'octo-org', branches: ['main'] }, 'repository'],
    ['bad owner', { repository: '-x/r', branches: ['main'] }, 'repository'],
    ['repo ..', { repository: 'o/..', branches: ['main'] }, 'repository'],
    ['no runs', { repository: 'o/r' }, 'environments'],
    ['wildcard environment', { repository: 'o/r', environments: ['prod*'] }, 'environments'],
    ['empty environment', { repository: 'o/r', environments: [' '] }, 'environments'],
    ['wildcard branch', { repository: 'o/r', branches: ['feature/*'] }, 'branches'],
    ['branch with ..', { repository: 'o/r', branches: ['a..b'] }, 'branches'],
    ['branch with a colon', { repository: 'o/r', branches: ['a:b'] }, 'branches'],
    ['tag with a space', { repository: 'o/r', tags: ['v 1'] }, 'tags'],
    ['owner id only', { repository: 'o/r', branches: ['main'], ownerId: '1' }, 'repositoryId'],
    ['non-numeric id', { repository: 'o/r', branches: ['main'], ownerId: 'abc', repositoryId: '1' }, 'ownerId'],
    ['name-only without ids', { repository: 'o/r', branches: ['main'], includeNameOnly: true }, 'includeNameOnly'],
    ['short account', { repository: 'o/r', branches: ['main'], account: '1234' }, 'account'],
    ['unknown partition', { repository: 'o/r', branches: ['main'], partition: 'azure' }, 'partition'],
    ['wildcard audience', { repository: 'o/r', branches: ['main'], audience: 'sts.*' }, 'audience'],
    ['http issuer', { repository: 'o/r', branches: ['main'], issuer: 'http://token.actions.githubusercontent.com' }, 'issuer'],
    ['not a URL issuer', { repository: 'o/r', branches: ['main'], issuer: 'token' }, 'issuer'],
    ['an issuer that is not GitHub', { repository: 'o/r', branches: ['main'], issuer: 'https://evil.example.com' }, 'issuer'],
    ['an enterprise issuer with an extra segment', { repository: 'o/r', branches: ['main'], issuer: 'https://token.actions.githubusercontent.com/acme/extra' }, 'issuer'],
  ])('rejects %s', (_name, options, option) => {
    let error: unknown;
    try {
      generateTrustPolicy(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GenerateError);
    expect((error as GenerateError).option).toBe(option);
  });

  it('the github.com/enterprises/NAME form of AWS\'s reference is refused, with why', () => {
    expect(() => generateTrustPolicy({ repository: 'o/r', branches: ['main'], issuer: 'https://github.com/enterprises/acme' })).toThrow(
      /GitHub issues no token with that issuer: an enterprise with its own issuer uses https:\/\/token\.actions\.githubusercontent\.com\/SLUG/,
    );
  });

  it.each([
    'https://token.actions.githubusercontent.com',
    'https://token.actions.githubusercontent.com/acme',
    'https://token.actions.octocorp.ghe.com',
    'https://ghes.example.com/_services/token',
  ])('takes the GitHub issuer %s, and lint finds no error in the policy', (issuer) => {
    const policy = generateTrustPolicy({ repository: 'o/r', branches: ['main'], issuer });
    expect(lintTrustPolicy(policy, { issuer }).filter((finding) => finding.severity === 'error')).toEqual([]);
  });
});

// ---- properties ----

const ownerArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,15}$/);
const repoArb = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/).filter((r) => r !== '.' && r !== '..');
const refSegment = fc
  .stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,10}$/)
  .filter((s) => !s.endsWith('.') && !s.endsWith('.lock') && !s.includes('..'));
const refName = fc.array(refSegment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const envName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,15}$/);
const idArb = fc.integer({ min: 1, max: 2_000_000_000 }).map(String);

const optionsArb = fc
  .record({
    owner: ownerArb,
    repo: repoArb,
    environments: fc.array(envName, { maxLength: 3 }),
    branches: fc.array(refName, { maxLength: 3 }),
    tags: fc.array(refName, { maxLength: 2 }),
    ids: fc.option(fc.tuple(idArb, idArb, fc.boolean()), { nil: undefined }),
    account: fc.option(fc.stringMatching(/^\d{12}$/), { nil: undefined }),
    partition: fc.constantFrom('aws', 'aws-cn', 'aws-us-gov'),
    audience: fc.constantFrom('sts.amazonaws.com', 'my-audience', 'https://github.com/octo-org'),
    slug: fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), { nil: undefined }),
  })
  .filter((o) => o.environments.length + o.branches.length + o.tags.length > 0)
  .map(
    (o): GenerateOptions => ({
      repository: `${o.owner}/${o.repo}`,
      environments: o.environments,
      branches: o.branches,
      tags: o.tags,
      ...(o.ids ? { ownerId: o.ids[0], repositoryId: o.ids[1], includeNameOnly: o.ids[2] } : {}),
      ...(o.account !== undefined ? { account: o.account } : {}),
      partition: o.partition,
      audience: o.audience,
      ...(o.slug !== undefined ? { issuer: `https://token.actions.githubusercontent.com/${o.slug}` } : {}),
    }),
  );

describe('generateTrustPolicy (properties)', () => {
  it('lint finds no error in any generated policy', () => {
    fc.assert(
      fc.property(optionsArb, (options) => {
        const findings = lintTrustPolicy(generateTrustPolicy(options), { audience: options.audience! });
        expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
        // Only the expected warnings: the account placeholder, and name-only subjects without ids.
        for (const f of findings) expect(['unresolved-placeholder', 'name-only-sub']).toContain(f.ruleId);
      }),
      { numRuns: 400 },
    );
  });

  it('admits exactly the generated subjects', () => {
    fc.assert(
      fc.property(optionsArb, fc.string({ maxLength: 8 }), (options, noise) => {
        const account = '123456789012';
        const policy = generateTrustPolicy({ ...options, account });
        const iss = options.issuer ?? 'https://token.actions.githubusercontent.com';
        const subjects = generatedSubjects(options);
        for (const sub of subjects) {
          expect(evaluateTrustPolicy(policy, { iss, aud: options.audience, sub }).allowed).toBe(true);
        }
        // Other runs of the same repository, other audiences and other repositories are denied.
        const other = [`${subjects[0]!}${noise}x`, subjects[0]!.replace(/:[^:]*$/, ':pull_request'), `repo:${options.repository}-fork:environment:prod`];
        for (const sub of other) {
          if (subjects.includes(sub)) continue;
          expect(evaluateTrustPolicy(policy, { iss, aud: options.audience, sub }).allowed).toBe(false);
        }
        expect(evaluateTrustPolicy(policy, { iss, aud: 'other-audience', sub: subjects[0] }).allowed).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
