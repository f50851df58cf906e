/**
 * How the credentials are obtained and handed over: profiles, refresh, chaining, and how they
 * combine; the session policies that narrow the session. Pure.
 */
import { CHAINED_SESSION_LIMIT_SECONDS, POLICY_ARN, PROFILE_NAME } from './aws-names.js';
import type { Inputs } from './input-reader.js';

export interface Modes {
  readonly refreshCredentials: boolean;
  readonly roleChaining: boolean;
  /** Profile to write (aws-profile; "default" with refresh-credentials and no aws-profile), or undefined. */
  readonly awsProfile: string | undefined;
  /** As configure-aws-credentials: false by default when aws-profile names a profile, so later steps pick it. */
  readonly outputEnvCredentials: boolean;
}

/** As configure-aws-credentials: output-env-credentials is false by default when aws-profile names a profile. */
export function parseOutputEnvCredentials(inputs: Inputs): boolean {
  return inputs.bool('output-env-credentials', inputs.text('aws-profile') === '');
}

/** Read first: other inputs' meaning depends on it. */
export function parseRoleChaining(inputs: Inputs): boolean {
  return inputs.bool('role-chaining', false);
}

export function parseModes(inputs: Inputs, roleChaining: boolean, roleDurationSeconds: number): Modes {
  const refreshCredentials = inputs.bool('refresh-credentials', false);
  const profileInput = inputs.text('aws-profile');
  if (profileInput !== '' && !PROFILE_NAME.test(profileInput)) {
    inputs.problem('aws-profile', profileInput, 'a profile name of 1–64 characters from A–Z a–z 0–9 _ . - (not starting with . or -)');
  }
  if (roleChaining) {
    if (roleDurationSeconds > CHAINED_SESSION_LIMIT_SECONDS) {
      inputs.problem(
        'role-duration-seconds',
        String(roleDurationSeconds),
        `at most ${CHAINED_SESSION_LIMIT_SECONDS} seconds with role-chaining: true (AWS limits sessions assumed with role credentials to one hour)`,
      );
    }
    // Each of these works on the OIDC token, which chaining does not use: refuse rather than silently skip a check.
    const tokenOnly: [string, boolean][] = [
      ['role-by-environment', inputs.text('role-by-environment') !== ''],
      ['web-identity-token-file', inputs.text('web-identity-token-file') !== ''],
      ['require-claims', inputs.text('require-claims') !== ''],
      ['trust-policy', inputs.text('trust-policy') !== ''],
      ['refresh-credentials', refreshCredentials],
    ];
    for (const [name, given] of tokenOnly) {
      if (given) inputs.problem(name, undefined, 'not to be combined with role-chaining: true (chaining uses the credentials in the environment, not the OIDC token)');
    }
  }
  return {
    refreshCredentials,
    roleChaining,
    awsProfile: profileInput || (refreshCredentials ? 'default' : undefined),
    outputEnvCredentials: parseOutputEnvCredentials(inputs),
  };
}

export function parseSessionPolicies(inputs: Inputs): { inlineSessionPolicy: string | undefined; managedSessionPolicies: string[] } {
  let inlineSessionPolicy: string | undefined;
  const policyInput = inputs.text('inline-session-policy');
  if (policyInput !== '') {
    try {
      const parsed: unknown = JSON.parse(policyInput);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      inlineSessionPolicy = JSON.stringify(parsed);
      if (inlineSessionPolicy.length > 2048) {
        inputs.problem('inline-session-policy', undefined, `a policy of at most 2048 characters once minified (it has ${inlineSessionPolicy.length})`);
      }
    } catch (error) {
      const reason = error instanceof SyntaxError ? `: ${error.message}` : '';
      inputs.problem('inline-session-policy', undefined, `a JSON policy document object${reason}`);
    }
  }
  const managedSessionPolicies = inputs.list('managed-session-policies');
  for (const arn of managedSessionPolicies) {
    if (!POLICY_ARN.test(arn)) inputs.problem('managed-session-policies', arn, 'IAM policy ARNs such as arn:aws:iam::aws:policy/ReadOnlyAccess, one per line');
  }
  if (managedSessionPolicies.length > 10) {
    inputs.problem('managed-session-policies', undefined, `at most 10 policy ARNs (STS limit); ${managedSessionPolicies.length} given`);
  }
  return { inlineSessionPolicy, managedSessionPolicies };
}

