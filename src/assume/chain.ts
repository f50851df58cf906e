/**
 * Role chaining: STS AssumeRole, SigV4-signed with whatever credentials the AWS SDK's default
 * chain finds (variables an earlier step exported, AWS_PROFILE and the profile files it points at,
 * an instance role), for cross-account deploys. No OIDC token is involved. Session tags, external
 * id and a bare role name work as in configure-aws-credentials. AWS caps chained sessions at one
 * hour; settings refuse a longer role-duration-seconds before anything runs.
 * Loaded only with role-chaining: true.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import { KeylessError, show } from '../shared/errors.js';
import type { RoleArn, Settings } from '../inputs/settings.js';
import type { RunContext } from '../inputs/context.js';
import type { Deadline } from '../shared/deadline.js';
import type { RetryPolicy } from '../shared/retry.js';
import { agentsFor, checkCredentialLifetime, retryPolicy, type PipelineHooks } from './web-identity.js';
import { preloadSts, readCredentials, sendWithRetry, StsFailure, type AssumedRole } from './sts.js';
import { stsFailureMessage } from './failure-message.js';
import { limitResponseBodies } from '../shared/sdk-body-limit.js';
import { hintFor } from './sts-errors.js';
import { sessionTagRequest, withoutDroppableTags, type TagRequest } from './session-tags.js';
import { quoteIfNeeded } from '../shared/outside-text.js';

export interface ChainedRole {
  readonly role: RoleArn;
  readonly assumed: AssumedRole;
  /** Who signed the AssumeRole: the source identity's ARN, from GetCallerIdentity. */
  readonly sourceArn: string;
}

/** Credentials an earlier step exported that have visibly expired: a clear error before any request. */
export function checkSourceNotExpired(aws: RunContext['aws'], nowMs: number): void {
  const expiration = aws.credentials?.expiration ? new Date(aws.credentials.expiration) : undefined;
  if (expiration && !Number.isNaN(expiration.getTime()) && expiration.getTime() <= nowMs) {
    throw new KeylessError(
      'chaining-source-missing',
      `role-chaining: true: the credentials in the environment expired at ${expiration.toISOString()} (AWS_CREDENTIAL_EXPIRATION); nothing was requested.`,
      ['Assume the source role again (a Keyless step without role-chaining) right before the chained one.'],
    );
  }
}

export async function assumeChained(settings: Settings, context: RunContext, deadline: Deadline, hooks: PipelineHooks): Promise<ChainedRole> {
  checkSourceNotExpired(context.aws, Date.now());
  const retry = retryPolicy(settings, deadline);
  const sdk = await preloadSts();
  // No credentials given: the SDK's default chain finds the source, exactly as a later step's CLI would.
  const client = new sdk.STSClient({
    region: settings.region,
    endpoint: settings.stsEndpoint,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: settings.requestTimeoutMs, requestTimeout: settings.requestTimeoutMs, ...agentsFor(settings, context) },
  });
  limitResponseBodies(client);
  try {
    const source = await sourceIdentity(client, sdk, settings, retry, hooks);
    const role = settings.role ?? roleInSourceAccount(settings, source.arn);
    hooks.info(`Chaining from ${quoteIfNeeded(source.arn)} to ${role.arn}`);
    let tags = sessionTagRequest(context.run, {
      skip: settings.chaining.skipSessionTagging,
      custom: settings.chaining.customTags,
      transitiveTagKeys: settings.chaining.transitiveTagKeys,
    });
    if (tags.unknownTransitiveKeys.length > 0) {
      hooks.warning(`transitive-tag-keys ${tags.unknownTransitiveKeys.map((k) => show(k)).join(', ')} name no session tag that is sent, so they are left out.`);
    }
    const assume = (request: TagRequest) =>
      sendWithRetry(
        (timeoutMs) =>
          client.send(
            new sdk.AssumeRoleCommand({
              RoleArn: role.arn,
              RoleSessionName: settings.roleSessionName,
              DurationSeconds: settings.roleDurationSeconds,
              ExternalId: settings.chaining.externalId,
              Policy: settings.inlineSessionPolicy,
              PolicyArns: settings.managedSessionPolicies.length > 0 ? settings.managedSessionPolicies.map((arn) => ({ arn })) : undefined,
              Tags: request.tags.length > 0 ? [...request.tags] : undefined,
              TransitiveTagKeys: request.transitiveTagKeys.length > 0 ? [...request.transitiveTagKeys] : undefined,
            }),
            { abortSignal: AbortSignal.timeout(timeoutMs) },
          ),
        { operation: 'STS AssumeRole', requestTimeoutMs: settings.requestTimeoutMs, retry, onRetry: (message) => hooks.info(message) },
      );
    const assumeOnce = async (): Promise<AssumedRole> => {
      let answer;
      try {
        answer = await assume(tags);
      } catch (error) {
        if (!(error instanceof StsFailure) || !isPackedTooLarge(error) || tags.tags.length === 0) throw error;
        // As configure-aws-credentials does: once more without the tags that only describe the run.
        const smaller = withoutDroppableTags(tags);
        hooks.warning(`STS found the session tags too large once packed; trying once more without ${tags.tags.length - smaller.tags.length} of them (EventName, BaseRef, HeadRef, RunId, Job, TriggeringActor).`);
        tags = smaller;
        answer = await assume(tags);
      }
      return readCredentials(answer.output, 'AssumeRole', answer.attempts, Date.now());
    };
    try {
      const assumed = settings.specialCharactersWorkaround
        ? await (await import('./special-characters.js')).assumeWithoutSpecialCharacters(assumeOnce, (m) => hooks.info(m))
        : await assumeOnce();
      checkCredentialLifetime(assumed, settings, hooks);
      return { role, assumed, sourceArn: source.arn };
    } catch (error) {
      if (error instanceof StsFailure) throw chainingFailureError(error, settings, role, source.arn, tags);
      throw error;
    }
  } finally {
    client.destroy();
  }
}

async function sourceIdentity(
  client: STSClient,
  sdk: Awaited<ReturnType<typeof preloadSts>>,
  settings: Settings,
  retry: RetryPolicy,
  hooks: PipelineHooks,
): Promise<{ arn: string; account: string }> {
  try {
    const { output } = await sendWithRetry((timeoutMs) => client.send(new sdk.GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) }), {
      operation: 'STS GetCallerIdentity (source credentials)',
      requestTimeoutMs: settings.requestTimeoutMs,
      retry,
      onRetry: (message) => hooks.info(message),
    });
    if (!output.Arn || !output.Account) throw new KeylessError('sts-bad-response', 'STS answered GetCallerIdentity without Arn and Account; nothing was exported.');
    return { arn: output.Arn, account: output.Account };
  } catch (error) {
    if (!(error instanceof StsFailure)) throw error;
    if (error.facts.name === 'CredentialsProviderError' || /Could not load credentials/i.test(error.facts.message)) {
      throw new KeylessError('chaining-source-missing', 'role-chaining: true found no source credentials to chain from; nothing was requested from STS.', [
        "The AWS SDK's default chain looked in the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN), at AWS_PROFILE and the profile files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE), and at an instance or container role.",
        'Run Keyless once without role-chaining earlier in the job (it exports credentials, or writes a profile: then set AWS_PROFILE for this step), then again with role-chaining: true and the role to chain into.',
        `The SDK said: ${error.facts.message}`,
      ]);
    }
    throw stsFailureMessage(error, {
      what: 'STS GetCallerIdentity with the source credentials (role chaining)',
      requestTimeoutMs: settings.requestTimeoutMs,
      accessDenied: [],
      rejected: sourceHint(error.facts.name) ?? [],
    });
  }
}

/** A bare role name means a role in the source credentials' account and partition, as configure-aws-credentials takes it. */
function roleInSourceAccount(settings: Settings, sourceArn: string): RoleArn {
  const [, partition = 'aws', , , account = ''] = sourceArn.split(':');
  const name = settings.roleName ?? '';
  const role = { arn: `arn:${partition}:iam::${account}:role/${name}`, partition, account, name };
  if (settings.allowedAccountIds.length > 0 && !settings.allowedAccountIds.includes(account)) {
    throw new KeylessError(
      'account-not-allowed',
      `role-to-assume ${show(name)} names a role in the source account ${account}, which is not in allowed-account-ids (${settings.allowedAccountIds.join(', ')}); nothing was assumed.`,
    );
  }
  return role;
}

const isPackedTooLarge = (failure: StsFailure) => /^PackedPolicyTooLarge/.test(failure.facts.name);

function chainingFailureError(failure: StsFailure, settings: Settings, role: RoleArn, sourceArn: string, tags: TagRequest): KeylessError {
  const tagHint = isPackedTooLarge(failure)
    ? [
        `The session policies and the ${tags.tags.length} session tags, packed, exceed what STS allows${tags.tags.length > 0 ? ` (tags sent: ${tags.tags.map((t) => t.Key).join(', ')})` : ''}.`,
        'Shorten inline-session-policy, send fewer managed-session-policies or custom-tags, or set role-skip-session-tagging: true.',
      ]
    : undefined;
  return stsFailureMessage(failure, {
    what: `STS AssumeRole (role chaining) for ${role.arn}`,
    requestTimeoutMs: settings.requestTimeoutMs,
    accessDenied: [
      `Chaining from ${sourceArn} needs both sides to agree:`,
      `- the trust policy of ${role.arn} must name the source role as Principal {"AWS": "arn:…:role/SOURCE"} for sts:AssumeRole${tags.tags.length > 0 ? ' and sts:TagSession (Keyless sends session tags; role-skip-session-tagging: true sends none)' : ''}${settings.chaining.externalId ? ', with the sts:ExternalId condition matching role-external-id' : ''};`,
      `- the source role's permissions policy must allow sts:AssumeRole on ${role.arn}.`,
    ],
    rejected:
      tagHint ??
      sourceHint(failure.facts.name) ??
      hintFor(failure.facts, { issuer: '(none: role chaining)', audience: settings.audience, durationSeconds: settings.roleDurationSeconds }),
  });
}

/** Errors about the source credentials themselves. */
function sourceHint(name: string): string[] | undefined {
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return ['The source credentials have expired: assume the source role again right before chaining.'];
  }
  if (name === 'InvalidClientTokenId' || name === 'SignatureDoesNotMatch' || name === 'IncompleteSignature') {
    return ['STS does not accept the source credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, or the profile AWS_PROFILE names): check that no step changed them after the step that wrote them.'];
  }
  return undefined;
}
