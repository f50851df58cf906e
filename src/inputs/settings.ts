/**
 * The action's inputs → one typed Settings object, validated before anything touches the network.
 * Pure: inputs come through the reader it is given, the runner's side through the RunContext.
 */
import { isAbsolute, resolve } from 'node:path';
import { parseClaimRules, type ClaimRule } from '../verify/claim-rules.js';
import { defaultSessionName, SESSION_NAME, type RoleArn } from './aws-names.js';
import { Inputs, type InputReader } from './input-reader.js';
import { parseChainingOptions, refuseStoredKeys, type ChainingOptions } from './compat.js';
import { parseModes, parseRoleChaining, parseSessionPolicies } from './modes.js';
import { parseAllowedAccounts, parseRegion, parseRoles } from './roles.js';
import type { RunContext } from './context.js';
import { isProxyUrl, PROXY_EXPECTED, proxyVariableProblem, stsEndpointVariableProblem } from './endpoints.js';

export type { RoleArn } from './aws-names.js';
export type { InputReader } from './input-reader.js';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
/** Per-request cap; with the default attempts and backoff a silent endpoint fails well inside 45 s. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface TokenFile {
  readonly path: string;
  readonly input: string;
  readonly given: string;
}

export interface Settings {
  /** Fixed role, or undefined when the role is picked per environment (role-by-environment) or named bare. */
  readonly role: RoleArn | undefined;
  readonly roleByEnvironment: ReadonlyMap<string, RoleArn>;
  /** role-chaining with a bare role name: a role in the source credentials' account. */
  readonly roleName: string | undefined;
  readonly region: string;
  readonly audience: string;
  readonly roleSessionName: string;
  readonly roleDurationSeconds: number;
  readonly inlineSessionPolicy: string | undefined;
  readonly managedSessionPolicies: readonly string[];
  /** Absolute: a relative input is resolved against GITHUB_WORKSPACE. */
  /** The token file: its absolute path, and for messages the input's name and the value as given. */
  readonly webIdentityTokenFile: TokenFile | undefined;
  readonly maskAccountId: boolean;
  readonly outputCredentials: boolean;
  readonly outputEnvCredentials: boolean;
  /** Blank the credential and region variables before anything else (with output-env-credentials). */
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
  /** AssumeRole with the credentials the SDK's default chain finds, instead of the OIDC token. */
  readonly roleChaining: boolean;
  readonly chaining: ChainingOptions;
  /** Skip everything when the credentials already there work (checked with GetCallerIdentity). */
  readonly useExistingCredentials: boolean;
  /** Assume again until the secret key has no special characters (for tools that mishandle them). */
  readonly specialCharactersWorkaround: boolean;
  /** Let the post step blank the exported variables and delete the profile files. */
  readonly cleanup: boolean;
  /** Things to tell the user about the inputs (no error): printed as warnings. */
  readonly notes: readonly string[];
}

export function parseSettings(read: InputReader, context: RunContext, origin?: (name: string) => string | undefined): Settings {
  const inputs = new Inputs(read, origin);
  refuseStoredKeys(inputs, context.run);
  const roleChaining = parseRoleChaining(inputs);
  const roles = parseRoles(inputs, roleChaining);
  const region = parseRegion(inputs, context, [roles.role, ...roles.roleByEnvironment.values()]);

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
  const allowedAccountIds = parseAllowedAccounts(inputs, roles);
  const disableRetry = inputs.bool('disable-retry', false);
  // Bounded by action-timeout-s in any case; configure-aws-credentials has no upper limit at all.
  const attempts = inputs.integer('retry-max-attempts', 12, 1, 100);
  const actionTimeoutSeconds = inputs.integer('action-timeout-s', 40, 1, 3600, ' seconds');
  const oidcIssuer = inputs.serviceUrl('oidc-issuer') ?? GITHUB_ISSUER;

  const { rules: claimRules, problems: ruleProblems } = parseClaimRules(inputs.text('require-claims'));
  for (const problem of ruleProblems) inputs.problem('require-claims', undefined, `one "claim: pattern[, pattern…]" rule per line; ${problem}`);

  const httpProxy = inputs.text('http-proxy');
  if (httpProxy !== '' && !isProxyUrl(httpProxy)) {
    // A proxy URL may carry a password: never echo it.
    inputs.problem('http-proxy', undefined, PROXY_EXPECTED);
  }
  inputs.otherProblem(proxyVariableProblem(httpProxy !== '', context.proxy));
  // The endpoint the SDK will use, wherever it comes from, receives the token: checked like the input.
  inputs.otherProblem(
    stsEndpointVariableProblem(inputs.text('sts-endpoint'), {
      AWS_ENDPOINT_URL_STS: context.aws.stsEndpoint,
      AWS_ENDPOINT_URL: context.aws.endpointUrl,
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: context.aws.variables['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'],
    }),
  );

  const modes = parseModes(inputs, roleChaining, roleDurationSeconds);
  const chaining = parseChainingOptions(inputs, roleChaining);
  const tokenFile = inputs.text('web-identity-token-file');

  const settings: Settings = {
    ...roles,
    region,
    audience,
    roleSessionName: sessionInput || defaultSessionName(context.run),
    roleDurationSeconds,
    inlineSessionPolicy,
    managedSessionPolicies,
    // As configure-aws-credentials does: a relative path is taken from the workspace, not the process's directory.
    webIdentityTokenFile:
      tokenFile === ''
        ? undefined
        : { path: isAbsolute(tokenFile) ? tokenFile : resolve(context.workspace ?? '.', tokenFile), input: inputs.label('web-identity-token-file'), given: tokenFile },
    maskAccountId: inputs.bool('mask-aws-account-id', false),
    outputCredentials: inputs.bool('output-credentials', false),
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
    chaining: chaining.options,
    useExistingCredentials: inputs.bool('use-existing-credentials', false),
    specialCharactersWorkaround: inputs.bool('special-characters-workaround', false),
    overwriteAwsProfile: inputs.bool('overwrite-aws-profile', false),
    cleanup: inputs.bool('cleanup', true),
    notes: [...chaining.notes, ...unsetNote(inputs, modes.outputEnvCredentials)],
  };
  inputs.throwIfInvalid();
  return settings;
}

function unsetNote(inputs: Inputs, outputEnvCredentials: boolean): string[] {
  if (outputEnvCredentials || !inputs.bool('unset-current-credentials', false)) return [];
  return ['unset-current-credentials has no effect with output-env-credentials: false, as in configure-aws-credentials: no variable is exported or blanked.'];
}
