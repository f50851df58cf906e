/** The issuer's signing keys: OIDC discovery document, then its JWKS, each fetched with retries. */
import type { JSONWebKeySet } from 'jose';
import { KeylessError, show } from '../shared/errors.js';
import { HttpError, httpGet, type HttpAgents } from '../shared/http.js';
import { RetriesExhausted, withRetry, type RetryPolicy } from '../shared/retry.js';
import { checkServiceUrl } from '../inputs/input-reader.js';

export interface KeySource {
  readonly issuer: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly agents?: HttpAgents;
}

const issuerError = (message: string, cause?: unknown) =>
  new KeylessError('issuer-unreachable', `Could not get the OIDC issuer's signing keys: ${message}`, [], { cause });

async function getJson(url: string, what: string, source: KeySource): Promise<unknown> {
  try {
    const response = await withRetry(
      async () => {
        const answer = await httpGet({ url, timeoutMs: source.timeoutMs, maxBytes: 256_000 }, source.agents);
        if (answer.status >= 500 || answer.status === 429) throw new HttpError(`HTTP ${answer.status}`, 'network');
        return answer;
      },
      (error) => error instanceof HttpError && error.kind !== 'too-large',
      source.retry,
    );
    if (response.status !== 200) throw issuerError(`${what} ${url} answered HTTP ${response.status}`);
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      throw issuerError(`${what} ${url} is not JSON (starts with ${show(response.body.slice(0, 40))})`);
    }
  } catch (error) {
    if (error instanceof KeylessError) throw error;
    const last = error instanceof RetriesExhausted ? error.lastError : error;
    const attempts = error instanceof RetriesExhausted ? ` (${error.attempts} attempt${error.attempts === 1 ? '' : 's'})` : '';
    throw issuerError(`${what} ${url}: ${(last as Error).message}${attempts}`, last);
  }
}

/** Discovery document → JWKS, refusing a discovery document that speaks for another issuer. */
export async function fetchIssuerKeys(source: KeySource): Promise<JSONWebKeySet> {
  const discoveryUrl = `${source.issuer}/.well-known/openid-configuration`;
  const discovery = (await getJson(discoveryUrl, 'discovery document', source)) as { issuer?: unknown; jwks_uri?: unknown } | null;
  if (discovery?.issuer !== source.issuer) {
    throw issuerError(`discovery document ${discoveryUrl} names issuer ${show(discovery?.issuer)}, expected ${show(source.issuer)}`);
  }
  if (typeof discovery.jwks_uri !== 'string' || checkServiceUrl(discovery.jwks_uri).problem) {
    throw issuerError(`discovery document ${discoveryUrl} has no usable jwks_uri (${show(discovery.jwks_uri)})`);
  }
  const jwks = (await getJson(discovery.jwks_uri, 'JWKS', source)) as JSONWebKeySet | null;
  if (!jwks || !Array.isArray(jwks.keys)) throw issuerError(`JWKS ${discovery.jwks_uri} has no "keys" array`);
  return jwks;
}

