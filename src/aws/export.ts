/**
 * What later steps get: a plan (pure: which values to mask, which variables and outputs to set)
 * and its application through the runner's file commands. Secrets are masked before any other
 * write, and the account check runs before anything is written at all.
 */
import { KeylessError } from '../errors.js';
import type { Settings } from '../settings.js';
import type { ExportSink } from '../runner.js';
import type { AssumedRole } from './assume.js';

export interface ExportPlan {
  readonly secrets: readonly string[];
  readonly variables: readonly (readonly [string, string])[];
  readonly outputs: readonly (readonly [string, string])[];
}

export function planExport(settings: Settings, assumed: AssumedRole): ExportPlan {
  if (settings.allowedAccountIds.length > 0 && !settings.allowedAccountIds.includes(assumed.account)) {
    const account = settings.maskAccountId ? '(masked)' : assumed.account;
    throw new KeylessError(
      'account-not-allowed',
      `The assumed role is in account ${account}, which is not in allowed-account-ids; nothing was exported.`,
      [`allowed-account-ids: ${settings.allowedAccountIds.join(', ')}`],
    );
  }
  const secrets = [assumed.accessKeyId, assumed.secretAccessKey, assumed.sessionToken];
  if (settings.maskAccountId) secrets.push(assumed.account);

  const variables: [string, string][] = [];
  if (settings.outputEnvCredentials) {
    variables.push(
      ['AWS_ACCESS_KEY_ID', assumed.accessKeyId],
      ['AWS_SECRET_ACCESS_KEY', assumed.secretAccessKey],
      ['AWS_SESSION_TOKEN', assumed.sessionToken],
      // JS SDK v3 and others read this to refresh before expiry instead of failing mid-call.
      ['AWS_CREDENTIAL_EXPIRATION', assumed.expiration.toISOString()],
    );
  } else if (settings.unsetCurrentCredentials) {
    variables.push(['AWS_ACCESS_KEY_ID', ''], ['AWS_SECRET_ACCESS_KEY', ''], ['AWS_SESSION_TOKEN', '']);
  }
  variables.push(['AWS_REGION', settings.region], ['AWS_DEFAULT_REGION', settings.region]);

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

export function applyExport(plan: ExportPlan, sink: ExportSink): void {
  for (const secret of plan.secrets) sink.setSecret(secret);
  try {
    for (const [name, value] of plan.variables) sink.exportVariable(name, value);
    for (const [name, value] of plan.outputs) sink.setOutput(name, value);
  } catch (error) {
    throw new KeylessError(
      'export-failed',
      `Could not write the runner's environment or output file: ${(error as Error).message}`,
      ['Check that GITHUB_ENV and GITHUB_OUTPUT point at writable files (self-hosted runners: disk space and permissions).'],
      { cause: error },
    );
  }
}
