/**
 * What the credential-process program needs to repeat the action's assumption: the action's
 * inputs as the action resolved them (defaults filled in, paths made absolute, the STS endpoint
 * from sts-endpoint or AWS_ENDPOINT_URL_STS), so the program validates them with the same parser.
 * Never a secret: the runner's token-request variables come from the program's environment.
 * Pure.
 */
import { isAbsolute, resolve } from 'node:path';
import { KeylessError, show } from '../shared/errors.js';
import type { Settings } from '../inputs/settings.js';
import { checkServiceUrl } from '../inputs/input-reader.js';
import type { RunContext } from '../inputs/context.js';
import type { AssumedRole } from '../assume/sts.js';

export const PROCESS_CONFIG_VERSION = 1;

export interface CredentialProcessConfig {
  readonly version: typeof PROCESS_CONFIG_VERSION;
  /** The profile this program serves (for the audit record). */
  readonly profile: string;
  /** Input name → value, read back with parseSettings. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Where each refresh appends its audit record; null when the action had nowhere to write one. */
  readonly auditFile: string | null;
}

export interface BuiltConfig {
  readonly config: CredentialProcessConfig;
  /** Things the refreshing profile does differently from the action, for the log. */
  readonly notes: readonly string[];
}

export function buildProcessConfig(settings: Settings, context: RunContext, options: { profile: string; auditFile: string | undefined; cwd: string }): BuiltConfig {
  const notes: string[] = [];
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(options.cwd, path));
  const inputs: Record<string, string> = {
    'aws-region': settings.region,
    audience: settings.audience,
    'role-session-name': settings.roleSessionName,
    'role-duration-seconds': String(settings.roleDurationSeconds),
    'oidc-issuer': settings.oidcIssuer,
    'retry-max-attempts': String(settings.retryMaxAttempts),
    'action-timeout-s': String(settings.actionTimeoutMs / 1000),
  };
  if (settings.role) inputs['role-to-assume'] = settings.role.arn;
  if (settings.roleByEnvironment.size > 0) {
    inputs['role-by-environment'] = [...settings.roleByEnvironment].map(([environment, role]) => `${environment}: ${role.arn}`).join('\n');
  }
  if (settings.claimRules.length > 0) inputs['require-claims'] = settings.claimRules.map((rule) => rule.source).join('\n');
  if (settings.inlineSessionPolicy) inputs['inline-session-policy'] = settings.inlineSessionPolicy;
  if (settings.managedSessionPolicies.length > 0) inputs['managed-session-policies'] = settings.managedSessionPolicies.join('\n');
  if (settings.allowedAccountIds.length > 0) inputs['allowed-account-ids'] = settings.allowedAccountIds.join(',');
  if (settings.webIdentityTokenFile) inputs['web-identity-token-file'] = absolute(settings.webIdentityTokenFile.path);
  if (settings.trustPolicyFile) inputs['trust-policy'] = absolute(settings.trustPolicyFile);
  if (settings.noProxy) inputs['no-proxy'] = settings.noProxy;

  // The program is run by whatever tool needs credentials, with that tool's environment: pin the
  // endpoint the action used, as long as the program's own validation accepts it.
  const endpoint = settings.stsEndpoint ?? context.aws.stsEndpoint;
  if (endpoint && !checkServiceUrl(endpoint).problem) inputs['sts-endpoint'] = endpoint.replace(/\/+$/, '');

  if (settings.httpProxy) {
    // A proxy URL may carry a password: that stays out of files; the program falls back to HTTPS_PROXY.
    let withPassword = true;
    try {
      const url = new URL(settings.httpProxy);
      withPassword = url.username !== '' || url.password !== '';
    } catch {
      withPassword = true;
    }
    if (withPassword) notes.push('http-proxy holds a user name or password, which is not written to a file: refreshes use HTTPS_PROXY / HTTP_PROXY from their environment.');
    else inputs['http-proxy'] = settings.httpProxy;
  }
  return { config: { version: PROCESS_CONFIG_VERSION, profile: options.profile, inputs, auditFile: options.auditFile ?? null }, notes };
}

const configError = (path: string, problem: string) =>
  new KeylessError('credential-process-config', `Invalid credential-process configuration ${show(path)}: ${problem}`, [
    'The file is written by the Keyless action step that created this profile; run that step again (overwrite-aws-profile: true) to rewrite it.',
  ]);

export function parseProcessConfig(text: string, path: string): CredentialProcessConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw configError(path, `not JSON (${(error as Error).message})`);
  }
  const config = value as Partial<CredentialProcessConfig> | null;
  if (config === null || typeof config !== 'object') throw configError(path, 'expected a JSON object');
  if (config.version !== PROCESS_CONFIG_VERSION) throw configError(path, `version ${show(config.version)} is not ${PROCESS_CONFIG_VERSION} (written by another Keyless version?)`);
  if (typeof config.profile !== 'string') throw configError(path, 'profile must be a string');
  if (config.auditFile !== null && typeof config.auditFile !== 'string') throw configError(path, 'auditFile must be a string or null');
  const inputs = config.inputs;
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs) || Object.values(inputs).some((v) => typeof v !== 'string')) {
    throw configError(path, 'inputs must be an object of strings');
  }
  return { version: PROCESS_CONFIG_VERSION, profile: config.profile, inputs, auditFile: config.auditFile ?? null };
}

/** Arguments that need no quoting in a POSIX shell or Python's shlex. */
const PLAIN_ARGUMENT = /^[A-Za-z0-9_/.:,+=@%-]+$/;

/**
 * The credential_process command line. The AWS CLI splits it like a POSIX shell (shlex) and the
 * JS SDK hands it to /bin/sh, so single quotes work for both; on Windows both use double quotes.
 */
export function commandLine(args: readonly string[], platform: NodeJS.Platform = process.platform): string {
  return args
    .map((arg) => {
      if (platform === 'win32') {
        if (arg.includes('"')) throw new Error(`cannot quote ${JSON.stringify(arg)} for a Windows command line`);
        return /[\s&|<>^()]/.test(arg) ? `"${arg}"` : arg;
      }
      return PLAIN_ARGUMENT.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
    })
    .join(' ');
}

/** What AWS CLIs and SDKs read from a credential_process: exactly these members. */
export interface ProcessCredentials {
  readonly Version: 1;
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
  /** ISO 8601. */
  readonly Expiration: string;
}

export function processCredentials(assumed: AssumedRole): ProcessCredentials {
  return {
    Version: 1,
    AccessKeyId: assumed.accessKeyId,
    SecretAccessKey: assumed.secretAccessKey,
    SessionToken: assumed.sessionToken,
    Expiration: assumed.expiration.toISOString(),
  };
}

/** The credential_process JSON, members in the documented order, on one line. */
export function credentialProcessOutput(credentials: ProcessCredentials): string {
  const { Version, AccessKeyId, SecretAccessKey, SessionToken, Expiration } = credentials;
  return JSON.stringify({ Version, AccessKeyId, SecretAccessKey, SessionToken, Expiration });
}
