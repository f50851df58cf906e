/** missingClaims: the claims a policy looks at that the given claims lack. */
import { describe, expect, it } from 'vitest';
import { missingClaims } from '../../src/trust/index.js';
import { readCorpusJson } from './helpers/corpus.js';

const policy = readCorpusJson('trust-policies', 'policies', 'github-docs_oidc-in-aws_environment.json');
const GH = 'token.actions.githubusercontent.com';
const enterprise = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${GH}/acme` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { [`${GH}/acme:aud`]: 'sts.amazonaws.com', [`${GH}/acme:Environment`]: 'prod' },
        StringLike: { [`${GH}/acme:sub`]: 'repo:acme/*', [`${GH}/acme:not_a_claim`]: 'x' },
      },
    },
  ],
};

describe('missingClaims', () => {
  it.each<[string, unknown, Record<string, unknown>, string | undefined, string[]]>([
    ['empty claims: both claims the policy looks at', policy, {}, undefined, ['aud', 'sub']],
    ['only sub', policy, { sub: 'repo:octo-org/octo-repo:environment:prod' }, undefined, ['aud']],
    ['full claims: none', policy, { iss: `https://${GH}`, aud: 'sts.amazonaws.com', sub: 'x' }, undefined, []],
    ['an empty aud array is as good as absent', policy, { aud: [], sub: 'x' }, undefined, ['aud']],
    ['a token from another issuer: its keys are not the policy\'s, nothing to report', policy, { iss: 'https://other.example' }, undefined, []],
    ['enterprise keys, case-insensitive claim names, unknown claims skipped', enterprise, { iss: `https://${GH}/acme`, sub: 'repo:acme/x' }, undefined, ['aud', 'environment']],
    ['--issuer picks the keys when the claims have no iss', enterprise, {}, `https://${GH}/acme`, ['aud', 'environment', 'sub']],
  ])('%s', (_, document, claims, issuer, expected) => {
    expect(missingClaims(document, claims, issuer).map((m) => m.claim)).toEqual(expected);
  });

  it('names the keys as the policy spells them', () => {
    expect(missingClaims(enterprise, { iss: `https://${GH}/acme` })).toContainEqual({ claim: 'environment', keys: [`${GH}/acme:Environment`] });
  });
});
