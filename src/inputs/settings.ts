/**
 * The action's inputs → one typed Settings object, validated before anything touches the network.
 * Pure: inputs come through the reader it is given, the runner's side through the RunContext.
 */
import { show } from '../shared/errors.js';
import { parseClaimRules, type ClaimRule } from '../verify/claim-rules.js';
import {
  ACCOUNT_ID,
  CHAINED_SESSION_LIMIT_SECONDS,
  defaultSessionName,
  parseRoleArn,
  partitionOfRegion,
  PARTITIONS,
  POLICY_ARN,
  PROFILE_NAME,
  REGION,
  SESSION_NAME,
  type RoleArn,
} from './aws-names.js';
import { Inputs, type InputReader } from './input-reader.js';
import type { RunContext } from './context.js';

export type { RoleArn } from './aws-names.js';
export type { InputReader } from './input-reader.js';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
/** Per-request cap; with the default attempts and backoff a silent endpoint fails well inside 45 s. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface Settings {
  /** Fixed role, or undefined when the role is picked per environment (role-by-environment). */
  readonly role: RoleArn | undefined;
  readonly roleByEnvironment: ReadonlyMap<string, RoleArn>;
  readonly region: string;
  readonly audience: string;
  readonly roleSessionName: string;
  readonly roleDurationSeconds: number;
  readonly inlineSessionPolicy: string | undefined;
  readonly managedSessionPolicies: readonly string[];
  readonly webIdentityTokenFile: string | undefined;
  readonly maskAccountId: boolean;
  readonly outputCredentials: boolean;
  readonly outputEnvCredentials: boolean;
  readonly unsetCurrentCredentials: boolean;
  readonly allowedAccountIds: readonly string[];
  readonly retryMaxAttempts: number;
  readonly actionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly stsEndpoint: string | undefined;
  /** The inputs http-proxy / no-proxy as given; the runner's proxy variables are in the RunContext. */
  readonly httpProxy: string | undefined;
  readonly noProxy: string | undefined;
  readonly oidcIssuer: string;
  readonly claimRules: readonly ClaimRule[];
  readonly trustPolicyFile: string | undefined;
  readonly jobSummary: boolean;
  /** Profile to write (aws-profile; "default" with refresh-credentials and no aws-profile), or undefined. */
  readonly awsProfile: string | undefined;
  readonly overwriteAwsProfile: boolean;
  /** Write a credential_process profile that fetches fresh credentials whenever they near expiry. */
  readonly refreshCredentials: boolean;
  /** AssumeRole with the credentials already in the environment instead of the OIDC token. */
  readonly roleChaining: boolean;
  /** Let the post step blank the exported variables and delete the profile files. */
  readonly cleanup: boolean;
}

export function parseSettings(read: InputReader, context: RunContext): Settings {
  const inputs = new Inputs(read);
  const { role, roleByEnvironment } = parseRoles(inputs);
  const region = parseRegion(inputs, context, [role, ...roleByEnvironment.values()]);

  const audience = inputs.text('audience') || DEFAULT_AUDIENCE;
  if (/\s/.test(audience) || audience.length > 256) {
    inputs.problem('audience', audience, 'an audience without spaces, at most 256 characters (default sts.amazonaws.com)');
  }
  const sessionInput = inputs.text('role-session-name');
  if (sessionInput !== '' && !SESSION_NAME.test(sessionInput)) {
    inputs.problem('role-session-name', sessionInput, '2–64 characters from A–Z a–z 0–9 and + = , . @ _ -');
  }
  const roleDurationSeconds = inputs.integer('role-duration-seconds', 3600, 900, 43200, ' seconds');
  const { inlineSessionPolicy, managedSessionPolicies } = parseSessionPolicies(inputs);

  const allowedAccountIds = inputs.list('allowed-account-ids');
  for (const id of allowedAccountIds) {
    if (!ACCOUNT_ID.test(id)) inputs.problem('allowed-account-ids', id, 'comma-separated 12-digit AWS account ids');
  }
  // The ARN names the account: a role outside the list fails here, before any request (and STS's answer is checked again).
  if (allowedAccountIds.length > 0 && allowedAccountIds.every((id) => ACCOUNT_ID.test(id))) {
    for (const [input, candidate] of [['role-to-assume', role], ...[...roleByEnvironment.values()].map((r) => ['role-by-environment', r] as const)] as const) {
      if (candidate && !allowedAccountIds.includes(candidate.account)) {
        inputs.problem(input, candidate.arn, `a role in an account that allowed-account-ids lists (${allowedAccountIds.join(', ')}); this role is in account ${candidate.account}`);
      }
    }
  }
  const disableRetry = inputs.bool('disable-retry', false);
  const attempts = inputs.integer('retry-max-attempts', 12, 1, 20);
  const actionTimeoutSeconds = inputs.integer('action-timeout-s', 40, 1, 3600, ' seconds');
  const oidcIssuer = inputs.serviceUrl('oidc-issuer') ?? GITHUB_ISSUER;

  const { rules: claimRules, problems: ruleProblems } = parseClaimRules(inputs.text('require-claims'));
  for (const problem of ruleProblems) inputs.problem('require-claims', undefined, `one "claim: pattern[, pattern…]" rule per line; ${problem}`);

  const httpProxy = inputs.text('http-proxy');
  if (httpProxy !== '' && !isProxyUrl(httpProxy)) {
    // A proxy URL may carry a password: never echo it.
    inputs.problem('http-proxy', undefined, 'a proxy URL such as http://proxy.example.com:3128');
  }

  const modes = parseProfileAndModes(inputs, roleDurationSeconds);

  const settings: Settings = {
    role,
    roleByEnvironment,
    region,
    audience,
    roleSessionName: sessionInput || defaultSessionName(context.run),
    roleDurationSeconds,
    inlineSessionPolicy,
    managedSessionPolicies,
    webIdentityTokenFile: inputs.text('web-identity-token-file') || undefined,
    maskAccountId: inputs.bool('mask-aws-account-id', false),
    outputCredentials: inputs.bool('output-credentials', false),
    outputEnvCredentials: inputs.bool('output-env-credentials', true),
    unsetCurrentCredentials: inputs.bool('unset-current-credentials', false),
    allowedAccountIds,
    retryMaxAttempts: disableRetry ? 1 : attempts,
    actionTimeoutMs: actionTimeoutSeconds * 1000,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    stsEndpoint: inputs.serviceUrl('sts-endpoint'),
    httpProxy: httpProxy || undefined,
    noProxy: inputs.text('no-proxy') || undefined,
    oidcIssuer,
    claimRules,
    trustPolicyFile: inputs.text('trust-policy') || undefined,
    jobSummary: inputs.bool('job-summary', true),
    ...modes,
    overwriteAwsProfile: inputs.bool('overwrite-aws-profile', false),
    cleanup: inputs.bool('cleanup', true),
  };
  inputs.throwIfInvalid();
  return settings;
}

/** A fixed ARN, or a table keyed by the token's environment claim; exactly one of the two. */
function parseRoles(inputs: Inputs): { role: RoleArn | undefined; roleByEnvironment: Map<string, RoleArn> } {
  const roleInput = inputs.text('role-to-assume');
  const byEnvironmentInput = inputs.text('role-by-environment');
  let role: RoleArn | undefined;
  if (roleInput !== '') {
    role = parseRoleArn(roleInput);
    if (!role) {
      inputs.problem(
        'role-to-assume',
        roleInput,
        `an IAM role ARN such as arn:aws:iam::123456789012:role/deploy (partition one of ${PARTITIONS.join(', ')}, a 12-digit account, role name of 1–64 characters [A-Za-z0-9+=,.@_-])`,
      );
    }
  }
  const roleByEnvironment = new Map<string, RoleArn>();
  for (const line of byEnvironmentInput.split(/\r?\n/).map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const environment = colon > 0 ? line.slice(0, colon).trim() : '';
    const parsed = colon > 0 ? parseRoleArn(line.slice(colon + 1).trim()) : undefined;
    if (!parsed || environment === '') {
      inputs.problem('role-by-environment', line, 'lines of "environment: role ARN", e.g. "production: arn:aws:iam::123456789012:role/deploy-prod"');
    } else if (roleByEnvironment.has(environment)) {
      inputs.problem('role-by-environment', line, `each environment once; ${show(environment)} is listed twice`);
    } else {
      roleByEnvironment.set(environment, parsed);
    }
  }
  if (roleInput !== '' && byEnvironmentInput !== '') {
    inputs.problem('role-by-environment', undefined, 'either role-to-assume or role-by-environment, not both');
  } else if (roleInput === '' && byEnvironmentInput === '') {
    inputs.problem('role-to-assume', '', 'the ARN of the IAM role to assume (or the input role-by-environment)');
  }
  return { role, roleByEnvironment };
}

/** The input, else AWS_REGION, else AWS_DEFAULT_REGION, as the AWS CLI and SDKs do; in the roles' partition. */
function parseRegion(inputs: Inputs, context: RunContext, roles: readonly (RoleArn | undefined)[]): string {
  const regionInput = inputs.text('aws-region');
  const region = regionInput || context.aws.region?.value || '';
  if (region === '') {
    inputs.problem('aws-region', '', 'an AWS region such as us-east-1 (or AWS_REGION set in the environment)');
  } else if (!REGION.test(region)) {
    inputs.problem(regionInput ? 'aws-region' : `aws-region (from ${context.aws.region?.from})`, region, 'an AWS region such as us-east-1 or eu-west-2');
  } else {
    const other = roles.find((role) => role && role.partition !== partitionOfRegion(region));
    if (other) {
      inputs.problem(
        'aws-region',
        region,
        `a region in the role's partition ${show(other.partition)} (${region} is in ${show(partitionOfRegion(region))}); STS in one partition cannot assume a role in another`,
      );
    }
  }
  return region;
}

function parseSessionPolicies(inputs: Inputs): { inlineSessionPolicy: string | undefined; managedSessionPolicies: string[] } {
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

function isProxyUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Several roles, long jobs: profiles, refresh, chaining, and how they combine. */
function parseProfileAndModes(
  inputs: Inputs,
  roleDurationSeconds: number,
): Pick<Settings, 'refreshCredentials' | 'roleChaining' | 'awsProfile'> {
  const refreshCredentials = inputs.bool('refresh-credentials', false);
  const roleChaining = inputs.bool('role-chaining', false);
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
  return { refreshCredentials, roleChaining, awsProfile: profileInput || (refreshCredentials ? 'default' : undefined) };
}
