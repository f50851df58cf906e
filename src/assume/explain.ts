/**
 * Turning STS's bare "Not authorized to perform sts:AssumeRoleWithWebIdentity" into something a
 * user can act on: the token's claims (not secret) and a Condition block that admits this run.
 * Pure.
 */
import type { Claims } from '../verify/token.js';
import { conditionKeyPrefix } from '../trust/keys.js';

/** Claims worth showing: what trust policies match on. The token itself is never shown. */
export const EXPLAINED_CLAIMS = [
  'iss',
  'aud',
  'sub',
  'repository',
  'repository_id',
  'ref',
  'environment',
  'job_workflow_ref',
  'event_name',
  'runner_environment',
] as const;

/** `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`, the subject new repositories get since July 2026. */
const IMMUTABLE_SUB = /^repo:([^/@:]+)@(\d+)\/([^/@:]+)@(\d+):(.*)$/;

export function isImmutableSubject(sub: string): boolean {
  return IMMUTABLE_SUB.test(sub);
}

/** The name-only form of an immutable subject, which older trust policies were written for. */
export function nameOnlySubject(sub: string): string | undefined {
  const match = IMMUTABLE_SUB.exec(sub);
  return match ? `repo:${match[1]}/${match[3]}:${match[5]}` : undefined;
}

export function describeClaims(claims: Claims): string[] {
  return EXPLAINED_CLAIMS.filter((name) => claims[name] !== undefined).map((name) => `  ${name}: ${JSON.stringify(claims[name])}`);
}

export function conditionAdmittingThisRun(claims: Claims, audience: string): object {
  const prefix = conditionKeyPrefix(String(claims.iss));
  return {
    Condition: {
      StringEquals: {
        [`${prefix}:aud`]: audience,
        [`${prefix}:sub`]: claims.sub,
      },
    },
  };
}

export function explainAccessDenied(claims: Claims, context: { audience: string; roleArn: string; partition: string; account: string }): string[] {
  const prefix = conditionKeyPrefix(String(claims.iss));
  const lines = [
    "The role's trust policy does not admit this token. STS does not say which condition failed; these are the token's claims (not secret):",
    ...describeClaims(claims),
    'A trust policy statement that admits exactly this run needs this Principal and Condition:',
    `  "Principal": { "Federated": "arn:${context.partition}:iam::${context.account}:oidc-provider/${prefix}" },`,
    `  "Action": "sts:AssumeRoleWithWebIdentity",`,
    ...JSON.stringify(conditionAdmittingThisRun(claims, context.audience), null, 2)
      .slice(2, -2)
      .split('\n'),
  ];
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  const nameOnly = nameOnlySubject(sub);
  if (nameOnly) {
    lines.push(
      `This token's sub is in GitHub's immutable form (repo:OWNER@OWNER_ID/REPO@REPO_ID:…). Trust policies written for name-only subjects such as ${JSON.stringify(nameOnly)} no longer match it: add the immutable form above to the policy.`,
    );
  }
  lines.push('Give the input trust-policy (the role\'s trust policy file) and Keyless evaluates it against these claims and names the failing condition.');
  return lines;
}
