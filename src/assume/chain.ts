/**
 * Role chaining: STS AssumeRole, SigV4-signed with the credentials an earlier step left in the
 * environment, for cross-account deploys. No OIDC token is involved. AWS caps chained sessions
 * at one hour; settings.ts refuses a longer role-duration-seconds before anything runs.
 * Loaded only with role-chaining: true.
 */
import { inputProblem, KeylessError, show } from '../shared/errors.js';
import type { RoleArn, Settings } from '../inputs/settings.js';
import type { RunContext } from '../inputs/context.js';
import type { Deadline } from '../shared/deadline.js';
import { agentsFor, checkCredentialLifetime, retryPolicy, type PipelineHooks } from './web-identity.js';
import { preloadSts, readCredentials, sendWithRetry, StsFailure, type AssumedRole } from './sts.js';
import { stsFailureMessage } from './failure-message.js';
import { hintFor } from './sts-errors.js';

/** The credentials to chain from, as an earlier step exported them; a clear error before any request if unusable. */
export function sourceCredentialsFrom(aws: RunContext['aws'], nowMs: number): { accessKeyId: string; secretAccessKey: string; sessionToken: string | undefined } {
  const found = aws.credentials;
  if (!found) {
    const details = [
      'Run Keyless once without role-chaining earlier in the job (it exports them), then again with role-chaining: true and the role to chain into.',
    ];
    if (aws.profile) {
      details.push(
        `AWS_PROFILE is ${show(aws.profile)}: an earlier step wrote a profile instead (aws-profile / refresh-credentials); chaining reads the variables only, so give that step output-env-credentials: true and no refresh-credentials.`,
      );
    }
    throw new KeylessError(
      'chaining-source-missing',
      'role-chaining: true needs credentials in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), and they are not set; nothing was requested.',
      details,
    );
  }
  const expiration = found.expiration ? new Date(found.expiration) : undefined;
  if (expiration && !Number.isNaN(expiration.getTime()) && expiration.getTime() <= nowMs) {
    throw new KeylessError(
      'chaining-source-missing',
      `role-chaining: true: the credentials in the environment expired at ${expiration.toISOString()} (AWS_CREDENTIAL_EXPIRATION); nothing was requested.`,
      ['Assume the source role again (a Keyless step without role-chaining) right before the chained one.'],
    );
  }
  return { accessKeyId: found.accessKeyId, secretAccessKey: found.secretAccessKey, sessionToken: found.sessionToken };
}

export async function assumeChained(settings: Settings, context: RunContext, deadline: Deadline, hooks: PipelineHooks): Promise<{ role: RoleArn; assumed: AssumedRole }> {
  const role = settings.role;
  // settings.ts refuses role-by-environment with chaining; this guards the type.
  if (!role) throw new KeylessError('invalid-input', `Invalid input: ${inputProblem('role-to-assume', undefined, 'the role to chain into (role-chaining: true)')}`);
  const source = sourceCredentialsFrom(context.aws, Date.now());
  const retry = retryPolicy(settings, deadline);
  const { STSClient, AssumeRoleCommand } = await preloadSts();
  const client = new STSClient({
    region: settings.region,
    endpoint: settings.stsEndpoint,
    credentials: source,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: settings.requestTimeoutMs, requestTimeout: settings.requestTimeoutMs, ...agentsFor(settings, context) },
  });
  const command = new AssumeRoleCommand({
    RoleArn: role.arn,
    RoleSessionName: settings.roleSessionName,
    DurationSeconds: settings.roleDurationSeconds,
    Policy: settings.inlineSessionPolicy,
    PolicyArns: settings.managedSessionPolicies.length > 0 ? settings.managedSessionPolicies.map((arn) => ({ arn })) : undefined,
  });
  try {
    const { output, attempts } = await sendWithRetry((timeoutMs) => client.send(command, { abortSignal: AbortSignal.timeout(timeoutMs) }), {
      operation: 'STS AssumeRole',
      requestTimeoutMs: settings.requestTimeoutMs,
      retry,
      onRetry: (message) => hooks.info(message),
    });
    const assumed = readCredentials(output, 'AssumeRole', attempts, Date.now());
    checkCredentialLifetime(assumed, settings, hooks);
    return { role, assumed };
  } catch (error) {
    if (error instanceof StsFailure) throw chainingFailureError(error, settings, role);
    throw error;
  } finally {
    client.destroy();
  }
}

function chainingFailureError(failure: StsFailure, settings: Settings, role: RoleArn): KeylessError {
  return stsFailureMessage(failure, {
    what: `STS AssumeRole (role chaining) for ${role.arn}`,
    requestTimeoutMs: settings.requestTimeoutMs,
    accessDenied: [
      'Chaining needs both sides to agree:',
      `- the trust policy of ${role.arn} must name the source role as Principal {"AWS": "arn:…:role/SOURCE"} for sts:AssumeRole (and sts:TagSession if you pass tags);`,
      `- the source role's permissions policy must allow sts:AssumeRole on ${role.arn}.`,
      "The source is the role whose credentials an earlier step exported (see that step's authenticated-arn output).",
    ],
    rejected:
      sourceHint(failure.facts.name) ??
      hintFor(failure.facts, { issuer: '(none: role chaining)', audience: settings.audience, durationSeconds: settings.roleDurationSeconds }),
  });
}

/** Errors about the source credentials themselves. */
function sourceHint(name: string): string[] | undefined {
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return ['The credentials in the environment have expired: assume the source role again right before chaining.'];
  }
  if (name === 'InvalidClientTokenId' || name === 'SignatureDoesNotMatch' || name === 'IncompleteSignature') {
    return ['STS does not accept the credentials in the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN): check that no step changed them after the step that exported them.'];
  }
  return undefined;
}
