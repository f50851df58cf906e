/** The workflow's OIDC token from the runner's token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL). */
import { KeylessError } from '../shared/errors.js';
import { HttpError, httpGet, type HttpAgents, type HttpResponse } from '../shared/http.js';
import { RetriesExhausted, withRetry, type RetryPolicy } from '../shared/retry.js';
import type { RunContext } from '../inputs/context.js';
import { missingPermissionError } from './permission.js';

export interface TokenRequest {
  readonly audience: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly agents?: HttpAgents;
  readonly onRetry?: (message: string) => void;
}

class TokenEndpointError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const retryableTokenError = (error: unknown) =>
  (error instanceof HttpError && error.kind !== 'too-large') || (error instanceof TokenEndpointError && (error.status >= 500 || error.status === 429));

/** The runner's token endpoint, or a clear error (before any request) when the job may not request tokens. */
export function runnerTokenEndpoint(context: RunContext): NonNullable<RunContext['tokenRequest']> {
  if (!context.tokenRequest) throw missingPermissionError(context.run);
  return context.tokenRequest;
}

export async function requestRunnerToken(context: RunContext, request: TokenRequest): Promise<string> {
  const { url: endpoint, bearer } = runnerTokenEndpoint(context);
  const url = new URL(endpoint);
  url.searchParams.set('audience', request.audience);
  let response: HttpResponse;
  try {
    response = await withRetry(
      async () => {
        const answer = await httpGet(
          { url: url.href, headers: { authorization: `Bearer ${bearer}` }, timeoutMs: request.timeoutMs, maxBytes: 64_000 },
          request.agents,
        );
        if (answer.status !== 200) throw new TokenEndpointError(answer.status, `HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
        return answer;
      },
      retryableTokenError,
      request.retry,
      { onRetry: ({ attempt, delayMs, error }) => request.onRetry?.(`OIDC token request attempt ${attempt} failed (${(error as Error).message}); retrying in ${delayMs} ms`) },
    );
  } catch (error) {
    const last = error instanceof RetriesExhausted ? error.lastError : error;
    const attempts = error instanceof RetriesExhausted ? ` after ${error.attempts} attempt${error.attempts === 1 ? '' : 's'}` : '';
    throw new KeylessError(
      'token-request-failed',
      `The runner's OIDC token endpoint (${url.origin}) did not issue a token${attempts}: ${(last as Error).message}`,
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
    throw new KeylessError('token-request-failed', `The runner's OIDC token endpoint answered without a token (expected JSON {"value": "<jwt>"})`);
  }
  return value;
}
