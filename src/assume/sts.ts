/** STS AssumeRoleWithWebIdentity, one attempt at a time under our own retry: without the SDK where Keyless names the endpoint (sts-direct.ts), else through it. */
import type { AssumeRoleWithWebIdentityCommandOutput } from '@aws-sdk/client-sts';
import { KeylessError } from '../shared/errors.js';
import { quoteIfNeeded } from '../shared/outside-text.js';
import type { RoleArn, Settings } from '../inputs/settings.js';
import type { HttpAgents } from '../shared/http.js';
import type { RunContext } from '../inputs/context.js';
import { partitionOfRegion } from '../inputs/aws-names.js';
import { attemptTimeoutMs, parseRetryAfter, RetriesExhausted, withRetry, type RetryPolicy } from '../shared/retry.js';
import { limitResponseBodies } from '../shared/sdk-body-limit.js';
import { classifyStsError, facts, isRetryableStsError, type StsErrorFacts } from './sts-errors.js';
import { stsEndpointVariable } from '../inputs/endpoints.js';
import { assumeWithWebIdentityDirect } from './sts-direct.js';

export interface AssumedRole {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  readonly assumedRoleArn: string;
  readonly assumedRoleId: string;
  readonly account: string;
  readonly requestId: string | undefined;
  readonly attempts: number;
}

export interface AssumeRequest {
  readonly role: RoleArn;
  readonly token: string;
  readonly settings: Settings;
  readonly retry: RetryPolicy;
  readonly agents: HttpAgents;
  readonly onRetry: (message: string) => void;
  readonly now?: () => number;
  /**
   * The STS endpoint when Keyless knows it (stsOrigin()): the call then goes without the SDK
   * (sts-direct.ts). Undefined where the SDK's own endpoint rules decide (FIPS, dual-stack, other partitions).
   */
  readonly endpoint?: string | undefined;
}

/** An STS failure after retries: the facts, for the caller to explain. */
export class StsFailure extends Error {
  constructor(
    readonly facts: StsErrorFacts,
    readonly attempts: number,
    readonly stoppedByDeadline: boolean,
  ) {
    super(facts.message);
  }
}

const ASSUMED_ROLE_ARN = /^arn:[\w-]+:sts::(\d{12}):assumed-role\/.+$/;

const DNS_SUFFIX: Readonly<Record<string, string>> = { aws: 'amazonaws.com', 'aws-us-gov': 'amazonaws.com', 'aws-cn': 'amazonaws.com.cn' };

/**
 * The STS endpoint Keyless calls itself (AssumeRoleWithWebIdentity without the SDK) and opens a
 * connection to ahead: sts-endpoint, else AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL (neither
 * when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), else the regional endpoint. Undefined where
 * the SDK's own rules decide (endpoint options in the shared config files, FIPS or dual-stack
 * endpoints, other partitions): then the SDK calls STS and nothing is opened.
 */
export function stsOrigin(
  settings: Pick<Settings, 'stsEndpoint' | 'region'>,
  context: Pick<RunContext, 'aws'>,
  /** Whether the shared config or credentials file sets endpoint options (shared-config.ts). */
  sharedConfigSetsEndpoint = false,
): string | undefined {
  const variables = context.aws.variables;
  if (settings.stsEndpoint) return settings.stsEndpoint;
  if (sharedConfigSetsEndpoint) return undefined;
  // The same precedence the inputs were checked with (inputs/endpoints.ts).
  const explicit = stsEndpointVariable({ AWS_ENDPOINT_URL_STS: context.aws.stsEndpoint, AWS_ENDPOINT_URL: context.aws.endpointUrl, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: variables['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] })?.value;
  if (explicit) return explicit;
  if ([variables['AWS_USE_FIPS_ENDPOINT'], variables['AWS_USE_DUALSTACK_ENDPOINT']].some((value) => value?.trim().toLowerCase() === 'true')) return undefined;
  const suffix = DNS_SUFFIX[partitionOfRegion(settings.region)];
  return suffix ? `https://sts.${settings.region}.${suffix}` : undefined;
}

let sdk: Promise<typeof import('@aws-sdk/client-sts')> | undefined;

/**
 * Starts loading the SDK without waiting for it. The SDK is the largest part of start-up; the
 * pipeline calls this first so that loading overlaps the token and JWKS requests.
 */
export function preloadSts(): Promise<typeof import('@aws-sdk/client-sts')> {
  sdk ??= import('@aws-sdk/client-sts');
  return sdk;
}

const WARM_UP = new Error('warm-up: no request is sent');

/**
 * Loads the SDK and runs one AssumeRoleWithWebIdentity through its whole middleware stack (config,
 * endpoint rules, serialisation) into a handler that sends nothing, while the token and keys are
 * still on the wire: the first real call then costs what a later one does (about 20 ms less).
 */
export async function warmUpSts(settings: Pick<Settings, 'region' | 'stsEndpoint'>): Promise<void> {
  const { STSClient, AssumeRoleWithWebIdentityCommand } = await preloadSts();
  const client = new STSClient({
    region: settings.region,
    endpoint: settings.stsEndpoint,
    maxAttempts: 1,
    requestHandler: { handle: () => Promise.reject(WARM_UP) } as never,
  });
  try {
    await client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::000000000000:role/warm-up', RoleSessionName: 'warm-up', WebIdentityToken: 'warm-up' }));
  } catch {
    // Always: the handler refuses. Only the work before it mattered.
  } finally {
    client.destroy();
  }
}

export async function assumeRoleWithWebIdentity(request: AssumeRequest): Promise<AssumedRole> {
  const { settings, role } = request;
  const parameters = {
    roleArn: role.arn,
    roleSessionName: settings.roleSessionName,
    webIdentityToken: request.token,
    durationSeconds: settings.roleDurationSeconds,
    policy: settings.inlineSessionPolicy,
    policyArns: settings.managedSessionPolicies,
  };
  const retry = { operation: 'STS', requestTimeoutMs: settings.requestTimeoutMs, retry: request.retry, onRetry: request.onRetry };
  const endpoint = request.endpoint;
  if (endpoint !== undefined && URL.canParse(endpoint)) {
    const { output, attempts } = await sendWithRetry((timeoutMs) => assumeWithWebIdentityDirect({ endpoint, agents: request.agents }, parameters, timeoutMs), retry);
    return readCredentials(output, 'AssumeRoleWithWebIdentity', attempts, request.now?.() ?? Date.now());
  }
  const { STSClient, AssumeRoleWithWebIdentityCommand } = await preloadSts();
  const client = new STSClient({
    region: settings.region,
    // Undefined lets the SDK apply its own rules (AWS_ENDPOINT_URL_STS, then the regional endpoint).
    endpoint: settings.stsEndpoint,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: settings.requestTimeoutMs, requestTimeout: settings.requestTimeoutMs, ...request.agents },
  });
  limitResponseBodies(client);
  const command = new AssumeRoleWithWebIdentityCommand({
    RoleArn: parameters.roleArn,
    RoleSessionName: parameters.roleSessionName,
    WebIdentityToken: parameters.webIdentityToken,
    DurationSeconds: parameters.durationSeconds,
    Policy: parameters.policy,
    PolicyArns: parameters.policyArns.length > 0 ? parameters.policyArns.map((arn) => ({ arn })) : undefined,
  });
  try {
    const { output, attempts } = await sendWithRetry((timeoutMs) => client.send(command, { abortSignal: AbortSignal.timeout(timeoutMs) }), retry);
    return readCredentials(output, 'AssumeRoleWithWebIdentity', attempts, request.now?.() ?? Date.now());
  } finally {
    client.destroy();
  }
}

/**
 * One STS call under our retry policy (the SDK's own retries are off). Every attempt has a hard
 * timeout; what cannot succeed later fails at once. Failures come out as StsFailure.
 */
export async function sendWithRetry<T>(
  /** One attempt, which must give up after the time it is given. */
  send: (timeoutMs: number) => Promise<T>,
  options: { operation: string; requestTimeoutMs: number; retry: RetryPolicy; onRetry: (message: string) => void },
): Promise<{ output: T; attempts: number }> {
  let attempts = 0;
  try {
    const output = await withRetry(
      async (attempt) => {
        attempts = attempt;
        try {
          return await send(attemptTimeoutMs(options.requestTimeoutMs, options.retry.deadline));
        } catch (error) {
          // The SDK's socket timeouts do not bound a slow trickle of bytes; the caller's abort signal does.
          if ((error as { name?: string }).name === 'AbortError') {
            throw Object.assign(new Error(`no answer within ${options.requestTimeoutMs / 1000} s`), { name: 'TimeoutError' });
          }
          throw error;
        }
      },
      isRetryableStsError,
      options.retry,
      {
        onRetry: ({ attempt, delayMs, error }) =>
          options.onRetry(`${options.operation} attempt ${attempt} of ${options.retry.maxAttempts} failed (${describe(facts(error))}); retrying in ${delayMs} ms`),
        retryAfterMs: (error) => parseRetryAfter(facts(error).retryAfter, Date.now()),
      },
    );
    return { output, attempts };
  } catch (error) {
    if (error instanceof RetriesExhausted) throw new StsFailure(facts(error.lastError), error.attempts, error.stoppedByDeadline);
    throw new StsFailure(facts(error), attempts, false);
  }
}

export function describe(f: StsErrorFacts): string {
  const status = f.httpStatus ? `HTTP ${f.httpStatus} ` : '';
  const kind = classifyStsError(f);
  // Names and messages come from the answer (or whatever stands in for STS): quoted unless plain.
  if (kind === 'timeout' || kind === 'network') return `${quoteIfNeeded(f.networkCode ?? f.name)}: ${quoteIfNeeded(f.message)}`;
  return `${status}${quoteIfNeeded(f.name)}: ${quoteIfNeeded(f.message)}`;
}

/** Checks what STS returned before anything uses it: complete, still valid, with an assumed-role ARN. */
export function readCredentials(
  output: Pick<AssumeRoleWithWebIdentityCommandOutput, 'Credentials' | 'AssumedRoleUser' | '$metadata'>,
  operation: string,
  attempts: number,
  nowMs: number,
): AssumedRole {
  const c = output.Credentials;
  const badResponse = (what: string) =>
    new KeylessError('sts-bad-response', `STS answered ${operation} without ${what}; nothing was exported.`, [
      `Request id: ${output.$metadata.requestId ?? '(none)'}. Check sts-endpoint / AWS_ENDPOINT_URL_STS and any proxy in between.`,
    ]);
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !(c.Expiration instanceof Date) || Number.isNaN(c.Expiration.getTime())) {
    throw badResponse('complete credentials (AccessKeyId, SecretAccessKey, SessionToken, Expiration)');
  }
  if (c.Expiration.getTime() <= nowMs) {
    throw badResponse(`credentials that are still valid (Expiration ${c.Expiration.toISOString()} is in the past)`);
  }
  const arn = output.AssumedRoleUser?.Arn ?? '';
  const account = ASSUMED_ROLE_ARN.exec(arn)?.[1];
  if (!account) throw badResponse(`an assumed-role ARN (AssumedRoleUser.Arn is ${JSON.stringify(arn)})`);
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
    assumedRoleArn: arn,
    assumedRoleId: output.AssumedRoleUser?.AssumedRoleId ?? '',
    account,
    requestId: output.$metadata.requestId,
    attempts,
  };
}
