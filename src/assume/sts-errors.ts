/**
 * What an STS failure means: whether it can succeed later, and what to tell the user.
 * Pure: works on the error's name, HTTP status and message as the SDK reports them.
 */

export interface StsErrorFacts {
  /** SDK error name (the wire <Code>, e.g. AccessDenied, or an SDK exception name). */
  readonly name: string;
  readonly message: string;
  readonly httpStatus: number | undefined;
  /** Node network error code such as ECONNRESET, when the request never got an answer. */
  readonly networkCode: string | undefined;
  readonly requestId: string | undefined;
  /** The answer's Retry-After header, when it had one. */
  readonly retryAfter?: string | undefined;
}

export type StsErrorKind =
  | 'access-denied'
  | 'throttled'
  | 'idp-unavailable'
  | 'server-error'
  | 'network'
  | 'timeout'
  | 'bad-response'
  | 'rejected';

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'PriorRequestNotComplete',
]);

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_SOCKET']);

export function facts(error: unknown): StsErrorFacts {
  const e = (error ?? {}) as {
    name?: string;
    Code?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number; requestId?: string };
    $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
  };
  return {
    name: e.Code ?? e.name ?? 'Error',
    message: e.message ?? String(error),
    httpStatus: e.$metadata?.httpStatusCode ?? e.$response?.statusCode,
    networkCode: typeof e.code === 'string' ? e.code : undefined,
    requestId: e.$metadata?.requestId,
    retryAfter: e.$response?.headers?.['retry-after'],
  };
}

export function classifyStsError(f: StsErrorFacts): StsErrorKind {
  // The SDK's credential chain found nothing to sign with: asking again finds nothing either.
  if (f.name === 'CredentialsProviderError' || f.name === 'ProviderError') return 'rejected';
  // The SDK names a reset or broken socket TimeoutError too; its code says what really happened.
  if (f.networkCode === 'ETIMEDOUT') return 'timeout';
  if (f.networkCode && NETWORK_CODES.has(f.networkCode)) return 'network';
  if (f.name === 'TimeoutError' || f.name === 'AbortError') return 'timeout';
  if (f.name === 'AccessDenied' || f.name === 'AccessDeniedException') return 'access-denied';
  if (THROTTLING.has(f.name) || f.httpStatus === 429) return 'throttled';
  if (f.name === 'IDPCommunicationError' || f.name === 'IDPCommunicationErrorException') return 'idp-unavailable';
  // STS could not fetch GitHub's keys: a GitHub-side hiccup, seen to clear on retry.
  if ((f.name === 'InvalidIdentityToken' || f.name === 'InvalidIdentityTokenException') && /retrieve verification key/i.test(f.message)) {
    return 'idp-unavailable';
  }
  if (f.httpStatus !== undefined && f.httpStatus >= 500) return 'server-error';
  // An answer over the body limit (shared/sdk-body-limit.ts): asking again gets the same.
  if (f.name === 'BoundedReadError') return 'bad-response';
  // The SDK could not parse what came back (garbage, truncated or non-XML body).
  if (f.httpStatus !== undefined && f.httpStatus < 300) return 'bad-response';
  if (f.httpStatus === undefined && /deserializ|xml|parse|Unexpected end/i.test(f.message)) return 'bad-response';
  if (f.httpStatus === undefined && !f.networkCode) return 'network';
  return 'rejected';
}

const RETRYABLE: ReadonlySet<StsErrorKind> = new Set(['throttled', 'idp-unavailable', 'server-error', 'network', 'timeout']);

export function isRetryableStsError(error: unknown): boolean {
  return RETRYABLE.has(classifyStsError(facts(error)));
}

/** A hint for errors that have a well-known cause, keyed by STS's own words. */
export function hintFor(f: StsErrorFacts, context: { issuer: string; audience: string; durationSeconds: number }): string[] {
  const message = f.message;
  if (/No OpenIDConnect provider found/i.test(message)) {
    return [
      `The AWS account has no IAM OIDC identity provider for ${context.issuer}.`,
      `Create one with provider URL ${context.issuer} and audience ${context.audience} (IAM → Identity providers), or check that the role is in the account you expect.`,
    ];
  }
  if (/Incorrect token audience/i.test(message)) {
    return [
      `The token's audience ${JSON.stringify(context.audience)} is not in the client-id list of the IAM OIDC provider.`,
      'Add it to the provider, or set the input "audience" to the value the provider lists (usually sts.amazonaws.com).',
    ];
  }
  if (/DurationSeconds exceeds|MaxSessionDuration|duration/i.test(message) && f.name === 'ValidationError') {
    return [
      `role-duration-seconds is ${context.durationSeconds}, more than the role's maximum session duration.`,
      "Lower role-duration-seconds, or raise the role's MaxSessionDuration (IAM → Roles → Maximum session duration).",
    ];
  }
  if (f.name === 'RegionDisabledException') {
    return ['STS is not activated in this region for the account. Use another aws-region, or activate it (IAM → Account settings → STS endpoints).'];
  }
  if (f.name === 'PackedPolicyTooLarge' || f.name === 'PackedPolicyTooLargeException') {
    return ['The session policies are too large once packed: shorten inline-session-policy or use fewer managed-session-policies.'];
  }
  if (f.name === 'MalformedPolicyDocument' || f.name === 'MalformedPolicyDocumentException') {
    return ['inline-session-policy is valid JSON but not a valid IAM policy: check Version, Statement, Effect, Action and Resource.'];
  }
  if (f.name === 'ExpiredTokenException' || f.name === 'ExpiredToken') {
    return ["STS considers the OIDC token expired: check the runner's clock, and that nothing delayed the call for minutes."];
  }
  return [];
}
