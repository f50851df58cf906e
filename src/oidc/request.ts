/** Getting the workflow's OIDC token: from the runner's token endpoint, or from a file. */
import { readFile } from 'node:fs/promises';
import { inputProblem, KeylessError } from '../errors.js';
import { HttpError, httpGet, type HttpResponse } from '../http.js';
import { RetriesExhausted, withRetry, type RetryPolicy } from '../aws/retry.js';
import type { Env } from '../settings.js';

export interface TokenRequest {
  readonly audience: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly agents?: Parameters<typeof httpGet>[1];
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

/** Fails before any request when the runner gives this job no way to get a token. */
export async function ensureRunnerCanIssueTokens(env: Env): Promise<void> {
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) throw await missingPermissionError(env);
}

export async function requestRunnerToken(env: Env, request: TokenRequest): Promise<string> {
  await ensureRunnerCanIssueTokens(env);
  const endpoint = env.ACTIONS_ID_TOKEN_REQUEST_URL!;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN!;

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

export async function readTokenFile(path: string): Promise<string> {
  try {
    const token = (await readFile(path, 'utf8')).trim();
    if (token === '') throw new Error('the file is empty');
    return token;
  } catch (error) {
    throw new KeylessError(
      'token-file-unreadable',
      `Invalid input: ${inputProblem('web-identity-token-file', path, `a readable file holding the OIDC token; ${(error as Error).message}`)}`,
    );
  }
}

/** Forks never get a token; say so instead of leaving the user to guess at permissions. */
async function missingPermissionError(env: Env): Promise<KeylessError> {
  const details = [
    'The job needs permission to request an OIDC token. Add to the workflow (or the job):',
    '  permissions:',
    '    id-token: write',
    '    contents: read',
  ];
  if (await isPullRequestFromFork(env)) {
    details.push(
      'This run is a pull request from a fork: GitHub never gives such runs an OIDC token (nor secrets), whatever the permissions say.',
      'Deploy from the base repository (e.g. on push to a branch), or use a workflow_run / pull_request_target design that never runs untrusted code with credentials.',
    );
  }
  return new KeylessError(
    'token-permission-missing',
    'The runner did not provide an OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set.',
    details,
  );
}

async function isPullRequestFromFork(env: Env): Promise<boolean> {
  if (!env.GITHUB_EVENT_NAME?.startsWith('pull_request') || !env.GITHUB_EVENT_PATH) return false;
  try {
    const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as {
      pull_request?: { head?: { repo?: { full_name?: string; fork?: boolean } | null }; base?: { repo?: { full_name?: string } } };
    };
    const pullRequest = event.pull_request;
    const head = pullRequest?.head?.repo;
    // A deleted fork has head.repo null: still a fork.
    if (pullRequest?.head && head === null) return true;
    return !!head && (head.fork === true || head.full_name !== pullRequest?.base?.repo?.full_name);
  } catch {
    return false;
  }
}
