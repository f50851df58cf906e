/** The workflow's OIDC token from the runner's token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL). */
import { KeylessError } from '../shared/errors.js';
import { HttpError, httpGet, HttpStatusError, isTransientStatus, type HttpAgents, type HttpResponse } from '../shared/http.js';
import { attemptTimeoutMs, RetriesExhausted, withRetry, type RetryPolicy } from '../shared/retry.js';
import type { RunContext } from '../inputs/context.js';
import { missingPermissionError } from './permission.js';
import { quoteIfNeeded } from '../shared/outside-text.js';

export interface TokenRequest {
  readonly audience: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly agents?: HttpAgents;
  readonly onRetry?: (message: string) => void;
}

/**
 * While a job is starting, the token service can refuse with a 4xx such as "Can't issue ID_TOKEN
 * for job in 'Pending' state" (actions/runner#1320): transient, unlike a 4xx for a bad request.
 */
const JOB_NOT_YET_RUNNING = /job in '[A-Za-z]+' state/i;

export function isTransientTokenError(error: unknown): boolean {
  if (error instanceof HttpError) return error.kind !== 'too-large';
  if (!(error instanceof HttpStatusError)) return false;
  return isTransientStatus(error.status) || (error.status >= 400 && error.status < 500 && JOB_NOT_YET_RUNNING.test(error.response.body));
}

/** A JWT-shaped run anywhere in a text, so a body we quote in a message can never carry a token. */
const JWT_LIKE = /eyJ[\w-]{4,}\.[\w-]*\.?[\w-]*/g;

/** What an answer looked like, for a message: status, content type and its first bytes, tokens redacted. */
export function describeAnswer(response: HttpResponse): string {
  const type = response.headers['content-type'] ?? '(none)';
  const start = response.body.slice(0, 120).replace(JWT_LIKE, '<redacted JWT>');
  return `HTTP ${response.status}, content-type ${JSON.stringify(type)}, body starts ${JSON.stringify(start)}${response.body.length > 120 ? ' …' : ''}`;
}

/** The runner's token endpoint, or a clear error (before any request) when the job may not request tokens. */
export function runnerTokenEndpoint(context: RunContext): NonNullable<RunContext['tokenRequest']> {
  if (!context.tokenRequest) throw missingPermissionError(context.run);
  // Surrounding whitespace (a trailing line break from an env file) is already trimmed; anything
  // else but visible ASCII inside would make a broken or split Authorization header.
  if (!BEARER.test(context.tokenRequest.bearer)) {
    throw new KeylessError(
      'token-request-failed',
      "ACTIONS_ID_TOKEN_REQUEST_TOKEN has whitespace or control characters inside it (not shown: it is a secret); expected the runner's request token on one line. Nothing was requested.",
      ['On a self-hosted runner, check whatever sets this variable; a trailing line break is ignored.'],
    );
  }
  return context.tokenRequest;
}

/** The runner's request token: visible ASCII only (it goes into an Authorization header). */
const BEARER = /^[\x21-\x7e]+$/;

export async function requestRunnerToken(context: RunContext, request: TokenRequest): Promise<string> {
  const { url: endpoint, bearer } = runnerTokenEndpoint(context);
  const url = new URL(endpoint);
  url.searchParams.set('audience', request.audience);
  let response: HttpResponse;
  try {
    response = await withRetry(
      async () => {
        const answer = await httpGet(
          { url: url.href, headers: { authorization: `Bearer ${bearer}` }, timeoutMs: attemptTimeoutMs(request.timeoutMs, request.retry.deadline), maxBytes: 64_000 },
          request.agents,
        );
        if (answer.status !== 200) throw new HttpStatusError(answer, `HTTP ${answer.status}: ${quoteIfNeeded(answer.body.slice(0, 300).replace(JWT_LIKE, '<redacted JWT>'))}`);
        return answer;
      },
      isTransientTokenError,
      request.retry,
      {
        onRetry: ({ attempt, delayMs, error }) => request.onRetry?.(`OIDC token request attempt ${attempt} failed (${(error as Error).message}); retrying in ${delayMs} ms`),
        retryAfterMs: (error) => (error instanceof HttpStatusError ? error.retryAfterMs : undefined),
      },
    );
  } catch (error) {
    const last = error instanceof RetriesExhausted ? error.lastError : error;
    const attempts = error instanceof RetriesExhausted ? ` after ${error.attempts} attempt${error.attempts === 1 ? '' : 's'}` : '';
    const waited = error instanceof RetriesExhausted && error.retryAfterMs !== undefined ? ` It asked to be retried after ${Math.ceil(error.retryAfterMs / 1000)} s, past action-timeout-s.` : '';
    throw new KeylessError(
      'token-request-failed',
      `The runner's OIDC token endpoint (${url.origin}) did not issue a token${attempts}: ${(last as Error).message}${waited && `.${waited}`}`,
      [],
      { cause: last },
    );
  }
  let value: unknown;
  try {
    value = (JSON.parse(response.body) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string' || value === '') {
    throw new KeylessError(
      'token-request-failed',
      `The runner's OIDC token endpoint (${url.origin}) answered without a token: ${describeAnswer(response)}; expected JSON {"value": "<jwt>"}.`,
      ['Something between the runner and its token service (a proxy, a firewall page) may have answered instead.'],
    );
  }
  return value;
}
