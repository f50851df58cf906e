/**
 * The issuer's signing keys: its OIDC discovery document and its JWKS, fetched in parallel (the
 * JWKS from its usual location, `<issuer>/.well-known/jwks`) and used only once discovery confirms
 * that location; otherwise the announced jwks_uri is fetched. One round trip in the common case.
 */
import type { JSONWebKeySet } from 'jose';
import { KeylessError, show } from '../shared/errors.js';
import { HttpError, httpGet, HttpStatusError, isTransientStatus, type HttpAgents } from '../shared/http.js';
import { attemptTimeoutMs, RetriesExhausted, withRetry, type RetryPolicy } from '../shared/retry.js';
import { checkServiceUrl } from '../inputs/input-reader.js';
import { quote, quoteIfNeeded } from '../shared/outside-text.js';

export interface KeySource {
  readonly issuer: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly agents?: HttpAgents;
  /** Told about each retry, as the token and STS retries are. */
  readonly onRetry?: (message: string) => void;
}

export interface IssuerKeys {
  readonly jwks: JSONWebKeySet;
  readonly jwksUri: string;
  /** The JWKS response's Cache-Control and Age headers, for the job's key cache. */
  readonly cacheControl: string | undefined;
  readonly age: string | undefined;
}

interface JsonAnswer {
  readonly value: unknown;
  readonly cacheControl: string | undefined;
  readonly age: string | undefined;
}

const issuerError = (message: string, cause?: unknown) =>
  new KeylessError('issuer-unreachable', `Could not get the OIDC issuer's signing keys: ${message}`, [], { cause });

async function getJson(url: string, what: string, source: KeySource, abandoned?: () => boolean): Promise<JsonAnswer> {
  try {
    const response = await withRetry(
      async () => {
        const answer = await httpGet({ url, timeoutMs: attemptTimeoutMs(source.timeoutMs, source.retry.deadline), maxBytes: 256_000 }, source.agents);
        if (isTransientStatus(answer.status)) throw new HttpStatusError(answer, `HTTP ${answer.status}`);
        return answer;
      },
      (error) => (error instanceof HttpError && error.kind !== 'too-large') || error instanceof HttpStatusError,
      source.retry,
      {
        onRetry: ({ attempt, delayMs, error }) => source.onRetry?.(`OIDC ${what} request attempt ${attempt} failed (${quoteIfNeeded(url)}: ${quoteIfNeeded((error as Error).message)}); retrying in ${delayMs} ms`),
        retryAfterMs: (error) => (error instanceof HttpStatusError ? error.retryAfterMs : undefined),
        ...(abandoned ? { abandoned } : {}),
      },
    );
    if (response.status !== 200) throw issuerError(`${what} ${quoteIfNeeded(url)} answered HTTP ${response.status}`);
    try {
      const cacheControl = response.headers['cache-control'];
      const age = response.headers['age'];
      return { value: JSON.parse(response.body) as unknown, cacheControl: Array.isArray(cacheControl) ? cacheControl.join(', ') : cacheControl, age: Array.isArray(age) ? age[0] : age };
    } catch {
      throw issuerError(`${what} ${quoteIfNeeded(url)} is not JSON (starts with ${show(response.body.slice(0, 40))})`);
    }
  } catch (error) {
    if (error instanceof KeylessError) throw error;
    const last = error instanceof RetriesExhausted ? error.lastError : error;
    const attempts = error instanceof RetriesExhausted ? ` (${error.attempts} attempt${error.attempts === 1 ? '' : 's'}${error.stoppedByDeadline ? ', stopped by action-timeout-s' : ''})` : '';
    throw issuerError(`${what} ${quoteIfNeeded(url)}: ${quoteIfNeeded((last as Error).message)}${attempts}`, last);
  }
}

/**
 * A jwks_uri we may fetch: a service URL (https, or http to loopback) written as the parser reads
 * it. The URL parser silently drops line breaks and tabs, so one with any whitespace or control
 * character would be fetched from somewhere other than what it says.
 */
function usableJwksUri(value: string): boolean {
  return !/[\s\u0000-\u001f\u007f-\u009f]/.test(value) && !checkServiceUrl(value).problem;
}

/** Where issuers publish their JWKS (GitHub, GHES and GHE.com all do). */
export function usualJwksUri(issuer: string): string {
  return `${issuer}/.well-known/jwks`;
}

/** Discovery document and JWKS, refusing a discovery document that speaks for another issuer. */
export async function fetchIssuerKeys(source: KeySource): Promise<IssuerKeys> {
  const discoveryUrl = `${source.issuer}/.well-known/openid-configuration`;
  const guessedUri = usualJwksUri(source.issuer);
  // Set once the guessed JWKS cannot be used (discovery failed or names another location): its retries stop.
  let guessUnneeded = false;
  const discoveryAnswer = getJson(discoveryUrl, 'discovery document', source);
  const guessed = getJson(guessedUri, 'JWKS', source, () => guessUnneeded);
  // Used only if discovery confirms the location; its failure must not become an unhandled rejection.
  guessed.catch(() => undefined);
  try {
    const discovery = (await discoveryAnswer).value as { issuer?: unknown; jwks_uri?: unknown } | null;
    if (discovery?.issuer !== source.issuer) {
      throw issuerError(`discovery document ${discoveryUrl} names issuer ${show(discovery?.issuer)}, expected ${show(source.issuer)}`);
    }
    const jwksUri = discovery.jwks_uri;
    if (typeof jwksUri !== 'string' || !usableJwksUri(jwksUri)) {
      throw issuerError(`discovery document ${discoveryUrl} has no usable jwks_uri (${quote(jwksUri)})`);
    }
    if (new URL(jwksUri).origin !== new URL(source.issuer).origin) {
      throw issuerError(
        `discovery document ${discoveryUrl} names a jwks_uri on another origin (${quote(jwksUri)}); Keyless takes signing keys only from the issuer's own origin, ${new URL(source.issuer).origin}`,
      );
    }
    if (jwksUri !== guessedUri) guessUnneeded = true;
    const answer = jwksUri === guessedUri ? await guessed : await getJson(jwksUri, 'JWKS', source);
    const jwks = answer.value as JSONWebKeySet | null;
    if (!jwks || !Array.isArray(jwks.keys)) throw issuerError(`JWKS ${quoteIfNeeded(jwksUri)} has no "keys" array`);
    return { jwks, jwksUri, cacheControl: answer.cacheControl, age: answer.age };
  } finally {
    guessUnneeded = true;
  }
}
