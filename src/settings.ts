/**
 * Inputs → one typed Settings object, validated before anything touches the network.
 * Pure: it reads inputs and environment through the functions it is given.
 */
import { inputProblem, KeylessError, show } from './errors.js';
import { parseClaimRules, type ClaimRule } from './oidc/claim-rules.js';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
/** Per-request cap; with the default attempts and backoff a silent endpoint fails well inside 45 s. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface RoleArn {
  readonly arn: string;
  readonly partition: string;
  readonly account: string;
  readonly name: string;
}

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

export type InputReader = (name: string) => string;
export type Env = Readonly<Record<string, string | undefined>>;

/** Reads inputs the way the runner passes them: env INPUT_<NAME>, upper-cased, hyphens kept. */
export function inputsFromEnv(env: Env): InputReader {
  return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];
const PARTITION_PATTERN = PARTITIONS.map((p) => p.replace(/-/g, '\\-')).join('|');
const ROLE_ARN = new RegExp(
  `^arn:(${PARTITION_PATTERN}):iam::(\\d{12}):role/((?:[\\x21-\\x7E]+/)*)([\\w+=,.@-]{1,64})$`,
);
const POLICY_ARN = new RegExp(`^arn:(${PARTITION_PATTERN}):iam::(\\d{12}|aws):policy/[\\x21-\\x7E]+$`);
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** Strict on purpose: the name becomes an ini section header, so nothing that could close or start one. */
const PROFILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
/** AWS caps sessions assumed with role credentials (role chaining) at one hour. */
export const CHAINED_SESSION_LIMIT_SECONDS = 3600;
const ACCOUNT_ID = /^\d{12}$/;

/** Region prefixes that live outside the commercial partition. */
const REGION_PARTITIONS: readonly [RegExp, string][] = [
  [/^cn-/, 'aws-cn'],
  [/^us-gov-/, 'aws-us-gov'],
  [/^us-iso-/, 'aws-iso'],
  [/^us-isob-/, 'aws-iso-b'],
  [/^eu-isoe-/, 'aws-iso-e'],
  [/^us-isof-/, 'aws-iso-f'],
  [/^eusc-/, 'aws-eusc'],
];

export function partitionOfRegion(region: string): string {
  return REGION_PARTITIONS.find(([prefix]) => prefix.test(region))?.[1] ?? 'aws';
}

export function parseRoleArn(value: string): RoleArn | undefined {
  const match = ROLE_ARN.exec(value);
  if (!match) return undefined;
  return { arn: value, partition: match[1]!, account: match[2]!, name: match[4]! };
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** https, or http only to a loopback host (which the tests and `npm start` use). */
export function checkServiceUrl(value: string): { url?: URL; problem?: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'an absolute URL such as https://host/path' };
  }
  if (url.username || url.password) return { problem: 'a URL without user name or password' };
  if (url.search || url.hash) return { problem: 'a URL without query string or fragment' };
  if (url.protocol === 'https:') return { url };
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.test(url.hostname)) return { url };
  return { problem: 'an https:// URL (http:// is accepted only for loopback hosts: localhost, 127.0.0.0/8, [::1])' };
}

/** Collects every input problem so one run reports them all. */
class Problems {
  readonly list: string[] = [];
  add(input: string, given: string | undefined, expected: string): void {
    this.list.push(inputProblem(input, given, expected));
  }
}

/** The spellings a boolean input accepts (those of YAML 1.2), and nothing else. */
export const BOOLEAN_TRUE: readonly string[] = ['true', 'True', 'TRUE'];
export const BOOLEAN_FALSE: readonly string[] = ['false', 'False', 'FALSE'];

function lines(text: string): string[] {
  return text
    .split(/\r?\n|,/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export function parseSettings(read: InputReader, env: Env): Settings {
  const problems = new Problems();

  const bool = (name: string, fallback: boolean): boolean => {
    const raw = read(name);
    if (raw === '') return fallback;
    if (BOOLEAN_TRUE.includes(raw)) return true;
    if (BOOLEAN_FALSE.includes(raw)) return false;
    problems.add(name, raw, 'true or false');
    return fallback;
  };

  const integer = (name: string, fallback: number, min: number, max: number, unit = ''): number => {
    const raw = read(name);
    if (raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.add(name, raw, `a whole number from ${min} to ${max}${unit}`);
      return fallback;
    }
    return Number(raw);
  };

  const serviceUrl = (name: string, raw: string): string | undefined => {
    if (raw === '') return undefined;
    const { url, problem } = checkServiceUrl(raw);
    if (problem) problems.add(name, raw, problem);
    return url ? raw.replace(/\/+$/, '') : undefined;
  };

  // Role: a fixed ARN, or a table keyed by the token's environment claim.
  const roleInput = read('role-to-assume');
  const byEnvironmentInput = read('role-by-environment');
  let role: RoleArn | undefined;
  if (roleInput !== '') {
    role = parseRoleArn(roleInput);
    if (!role) {
      problems.add(
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
      problems.add('role-by-environment', line, 'lines of "environment: role ARN", e.g. "production: arn:aws:iam::123456789012:role/deploy-prod"');
    } else if (roleByEnvironment.has(environment)) {
      problems.add('role-by-environment', line, `each environment once; ${show(environment)} is listed twice`);
    } else {
      roleByEnvironment.set(environment, parsed);
    }
  }
  if (roleInput !== '' && byEnvironmentInput !== '') {
    problems.add('role-by-environment', undefined, 'either role-to-assume or role-by-environment, not both');
  } else if (roleInput === '' && byEnvironmentInput === '') {
    problems.add('role-to-assume', '', 'the ARN of the IAM role to assume (or the input role-by-environment)');
  }

  // Region: the input, else the environment, as the AWS CLI and SDKs do.
  const regionInput = read('aws-region');
  const region = regionInput || env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || '';
  if (region === '') {
    problems.add('aws-region', '', 'an AWS region such as us-east-1 (or AWS_REGION set in the environment)');
  } else if (!REGION.test(region)) {
    problems.add(regionInput ? 'aws-region' : 'aws-region (from AWS_REGION)', region, 'an AWS region such as us-east-1 or eu-west-2');
  } else {
    for (const chosen of [role, ...roleByEnvironment.values()]) {
      if (chosen && chosen.partition !== partitionOfRegion(region)) {
        problems.add(
          'aws-region',
          region,
          `a region in the role's partition ${show(chosen.partition)} (${region} is in ${show(partitionOfRegion(region))}); STS in one partition cannot assume a role in another`,
        );
        break;
      }
    }
  }

  const audience = read('audience') || DEFAULT_AUDIENCE;
  if (/\s/.test(audience) || audience.length > 256) {
    problems.add('audience', audience, 'an audience without spaces, at most 256 characters (default sts.amazonaws.com)');
  }

  const sessionInput = read('role-session-name');
  const roleSessionName = sessionInput || defaultSessionName(env);
  if (sessionInput !== '' && !SESSION_NAME.test(sessionInput)) {
    problems.add('role-session-name', sessionInput, '2–64 characters from A–Z a–z 0–9 and + = , . @ _ -');
  }

  const roleDurationSeconds = integer('role-duration-seconds', 3600, 900, 43200, ' seconds');

  let inlineSessionPolicy: string | undefined;
  const policyInput = read('inline-session-policy');
  if (policyInput !== '') {
    try {
      const parsed: unknown = JSON.parse(policyInput);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      inlineSessionPolicy = JSON.stringify(parsed);
      if (inlineSessionPolicy.length > 2048) {
        problems.add('inline-session-policy', undefined, `a policy of at most 2048 characters once minified (it has ${inlineSessionPolicy.length})`);
      }
    } catch (error) {
      const reason = error instanceof SyntaxError ? `: ${error.message}` : '';
      problems.add('inline-session-policy', undefined, `a JSON policy document object${reason}`);
    }
  }

  const managedSessionPolicies = lines(read('managed-session-policies'));
  for (const arn of managedSessionPolicies) {
    if (!POLICY_ARN.test(arn)) problems.add('managed-session-policies', arn, 'IAM policy ARNs such as arn:aws:iam::aws:policy/ReadOnlyAccess, one per line');
  }
  if (managedSessionPolicies.length > 10) {
    problems.add('managed-session-policies', undefined, `at most 10 policy ARNs (STS limit); ${managedSessionPolicies.length} given`);
  }

  const allowedAccountIds = lines(read('allowed-account-ids'));
  for (const id of allowedAccountIds) {
    if (!ACCOUNT_ID.test(id)) problems.add('allowed-account-ids', id, 'comma-separated 12-digit AWS account ids');
  }

  const disableRetry = bool('disable-retry', false);
  const attempts = integer('retry-max-attempts', 3, 1, 20);
  const actionTimeoutSeconds = integer('action-timeout-s', 40, 1, 3600, ' seconds');

  const oidcIssuerInput = read('oidc-issuer') || GITHUB_ISSUER;
  const oidcIssuer = serviceUrl('oidc-issuer', oidcIssuerInput) ?? GITHUB_ISSUER;

  const { rules: claimRules, problems: ruleProblems } = parseClaimRules(read('require-claims'));
  for (const problem of ruleProblems) problems.add('require-claims', undefined, `one "claim: pattern[, pattern…]" rule per line; ${problem}`);

  const httpProxyInput = read('http-proxy');
  if (httpProxyInput !== '') {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(httpProxyInput).protocol);
    } catch {
      ok = false;
    }
    // A proxy URL may carry a password: never echo it.
    if (!ok) problems.add('http-proxy', undefined, 'a proxy URL such as http://proxy.example.com:3128');
  }

  // Several roles, long jobs: profiles, refresh, chaining, and how they combine.
  const refreshCredentials = bool('refresh-credentials', false);
  const roleChaining = bool('role-chaining', false);
  const profileInput = read('aws-profile');
  if (profileInput !== '' && !PROFILE_NAME.test(profileInput)) {
    problems.add('aws-profile', profileInput, 'a profile name of 1–64 characters from A–Z a–z 0–9 _ . - (not starting with . or -)');
  }
  const awsProfile = profileInput || (refreshCredentials ? 'default' : undefined);
  if (roleChaining) {
    if (roleDurationSeconds > CHAINED_SESSION_LIMIT_SECONDS) {
      problems.add(
        'role-duration-seconds',
        String(roleDurationSeconds),
        `at most ${CHAINED_SESSION_LIMIT_SECONDS} seconds with role-chaining: true (AWS limits sessions assumed with role credentials to one hour)`,
      );
    }
    // Each of these works on the OIDC token, which chaining does not use: refuse rather than silently skip a check.
    const tokenOnly: [string, boolean][] = [
      ['role-by-environment', byEnvironmentInput !== ''],
      ['web-identity-token-file', read('web-identity-token-file') !== ''],
      ['require-claims', read('require-claims') !== ''],
      ['trust-policy', read('trust-policy') !== ''],
      ['refresh-credentials', refreshCredentials],
    ];
    for (const [name, given] of tokenOnly) {
      if (given) problems.add(name, undefined, 'not to be combined with role-chaining: true (chaining uses the credentials in the environment, not the OIDC token)');
    }
  }

  const settings: Settings = {
    role,
    roleByEnvironment,
    region,
    audience,
    roleSessionName,
    roleDurationSeconds,
    inlineSessionPolicy,
    managedSessionPolicies,
    webIdentityTokenFile: read('web-identity-token-file') || undefined,
    maskAccountId: bool('mask-aws-account-id', false),
    outputCredentials: bool('output-credentials', false),
    outputEnvCredentials: bool('output-env-credentials', true),
    unsetCurrentCredentials: bool('unset-current-credentials', false),
    allowedAccountIds,
    retryMaxAttempts: disableRetry ? 1 : attempts,
    actionTimeoutMs: actionTimeoutSeconds * 1000,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    stsEndpoint: serviceUrl('sts-endpoint', read('sts-endpoint')),
    httpProxy: httpProxyInput || undefined,
    noProxy: read('no-proxy') || undefined,
    oidcIssuer,
    claimRules,
    trustPolicyFile: read('trust-policy') || undefined,
    jobSummary: bool('job-summary', true),
    awsProfile,
    overwriteAwsProfile: bool('overwrite-aws-profile', false),
    refreshCredentials,
    roleChaining,
    cleanup: bool('cleanup', true),
  };

  if (problems.list.length > 0) {
    const count = problems.list.length;
    throw new KeylessError(
      'invalid-input',
      count === 1 ? `Invalid input: ${problems.list[0]}` : `${count} inputs are invalid:`,
      count === 1 ? [] : problems.list.map((p) => `- ${p}`),
    );
  }
  return settings;
}

/** `GitHubActions-<run id>-<attempt>`: recognisable in CloudTrail and traceable to the run. */
export function defaultSessionName(env: Env): string {
  const parts = ['GitHubActions', env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT]
    .filter((part): part is string => !!part)
    .map((part) => part.replace(/[^\w+=,.@-]/g, '_'));
  return parts.join('-').slice(0, 64);
}
