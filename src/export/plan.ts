/**
 * What later steps get, as a plan (pure): which values to mask, which variables and outputs to
 * set. apply.ts writes it; secrets are masked before any other write, and the account check runs
 * before anything is written at all.
 */
import { KeylessError } from '../shared/errors.js';
import type { Settings } from '../inputs/settings.js';
import type { ExportSink } from '../shared/ports.js';
import type { AssumedRole } from '../assume/sts.js';

export interface ExportPlan {
  readonly secrets: readonly string[];
  readonly variables: readonly (readonly [string, string])[];
  readonly outputs: readonly (readonly [string, string])[];
}

/** The profile files later steps should read (aws-profile / refresh-credentials). */
export interface ProfileExport {
  readonly profile: string;
  readonly configFile: string;
  readonly credentialsFile: string;
}

const CREDENTIAL_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

export function checkAllowedAccount(settings: Settings, assumed: AssumedRole): void {
  if (settings.allowedAccountIds.length > 0 && !settings.allowedAccountIds.includes(assumed.account)) {
    const account = settings.maskAccountId ? '(masked)' : assumed.account;
    throw new KeylessError(
      'account-not-allowed',
      `The assumed role is in account ${account}, which is not in allowed-account-ids; nothing was exported.`,
      [`allowed-account-ids: ${settings.allowedAccountIds.join(', ')}`],
    );
  }
}

export function planExport(settings: Settings, assumed: AssumedRole, profile?: ProfileExport): ExportPlan {
  checkAllowedAccount(settings, assumed);
  const secrets = [assumed.accessKeyId, assumed.secretAccessKey, assumed.sessionToken];
  // As configure-aws-credentials: the account and the session ARN that carries it.
  if (settings.maskAccountId) secrets.push(assumed.account, assumed.assumedRoleArn);

  const variables: [string, string][] = [];
  // output-env-credentials is false by default when aws-profile names a profile: later steps pick
  // it with --profile or AWS_PROFILE, and no variable exported here overrides it (not even the region).
  if (settings.outputEnvCredentials) {
    if (settings.refreshCredentials && profile) {
      // Fixed credentials in the environment would win over the refreshing profile and then
      // expire: blank any, and point the SDKs' default chain at the profile instead.
      variables.push(...CREDENTIAL_VARIABLES.map((name): [string, string] => [name, '']), ['AWS_CREDENTIAL_EXPIRATION', '']);
    } else {
      variables.push(
        ['AWS_ACCESS_KEY_ID', assumed.accessKeyId],
        ['AWS_SECRET_ACCESS_KEY', assumed.secretAccessKey],
        ['AWS_SESSION_TOKEN', assumed.sessionToken],
        // JS SDK v3 and others read this to refresh before expiry instead of failing mid-call.
        ['AWS_CREDENTIAL_EXPIRATION', assumed.expiration.toISOString()],
      );
    }
    if (profile) variables.push(['AWS_PROFILE', profile.profile]);
    variables.push(['AWS_REGION', settings.region], ['AWS_DEFAULT_REGION', settings.region]);
  }
  // The profile files are job-scoped: later steps must read these, whatever output-env-credentials says.
  if (profile) variables.push(['AWS_CONFIG_FILE', profile.configFile], ['AWS_SHARED_CREDENTIALS_FILE', profile.credentialsFile]);

  const outputs: [string, string][] = [
    ['aws-account-id', assumed.account],
    ['authenticated-arn', assumed.assumedRoleArn],
    ['aws-expiration', assumed.expiration.toISOString()],
  ];
  if (settings.outputCredentials) {
    outputs.push(
      ['aws-access-key-id', assumed.accessKeyId],
      ['aws-secret-access-key', assumed.secretAccessKey],
      ['aws-session-token', assumed.sessionToken],
    );
  }
  return { secrets, variables, outputs };
}

export function maskSecrets(plan: ExportPlan, sink: Pick<ExportSink, 'setSecret'>): void {
  for (const secret of plan.secrets) sink.setSecret(secret);
}
