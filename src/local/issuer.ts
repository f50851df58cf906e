// A loopback stand-in for GitHub's OIDC issuer (discovery document + JWKS) and for the runner's
// ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL), speaking the same HTTP shapes, with switches
// for the ways tokens and issuers go wrong in practice. Keys, tokens and the discovery document
// are made in issuer-keys.ts, issuer-tokens.ts and issuer-discovery.ts; this file is the server.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWK } from 'jose';
import { sendJson, sendText, startLoopbackServer } from './http.js';
import { discoveryDocument } from './issuer-discovery.js';
import { createSigningKey, type SigningKey } from './issuer-keys.js';
import { githubDefaultClaims, mintToken, type MintOptions } from './issuer-tokens.js';

/**
 * 'stale-jwks-once': the next JWKS response lacks the current signing key, as a cache or CDN
 * might serve it right after a key rotation; later responses are complete again.
 */
/** 'down-once': the first discovery and the first JWKS request each get a 503, then all is well (a retry, without timing). */
export type IssuerFault = 'ok' | 'down' | 'down-once' | 'hang' | 'garbage' | 'stale-jwks-once' | { discoveryIssuer: string };

export interface IssuerRequest {
  path: string;
  at: number;
  /** Lets tests tell the action's fetches from the local STS's (which sends keyless-local-sts). */
  userAgent?: string;
}

export interface LocalIssuer {
  /** The issuer URL = expected `iss`. */
  readonly url: string;
  /** Value for ACTIONS_ID_TOKEN_REQUEST_URL (already has a query string). */
  readonly requestUrl: string;
  /** Value for ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  readonly requestToken: string;
  /** kid of the current signing key. */
  readonly kid: string;
  /** Claims every token carries unless overridden; jti, iat, nbf and exp are added per token. */
  readonly defaultClaims: Record<string, unknown>;
  /** Public JWK of the current signing key, as the JWKS serves it. */
  readonly publicJwk: JWK;
  mint(options?: MintOptions): Promise<string>;
  /** What the runner token endpoint hands out from now on. */
  setRunnerTokenOptions(options: MintOptions): void;
  /**
   * The token endpoint's next answers, in order, instead of a token: e.g. a 429 with Retry-After,
   * or the 403 "Can't issue ID_TOKEN for job in 'Pending' state" of a job that is still starting.
   * No arguments: forget the answers not yet given.
   */
  scriptTokenEndpoint(...answers: TokenEndpointAnswer[]): void;
  /** Every request received, in order (discovery, JWKS, token endpoint, anything else). */
  readonly requests: IssuerRequest[];
  /** TCP connections accepted so far (the action's and the local STS's). */
  readonly connections: number;
  /** Every token the runner endpoint handed out, so tests can check that none leaks. */
  readonly issuedTokens: string[];
  /** Delay every response by this much, as a real network would (default 0). */
  setLatency(ms: number): void;
  /** Fault injection for the discovery document and the JWKS. */
  setFault(fault: IssuerFault): void;
  /** The JWKS responses' Cache-Control from now on; undefined sends none. */
  setJwksCacheControl(value: string | undefined): void;
  /** New signing key and kid; the JWKS serves old and new keys unless dropOld. */
  rotateKey(options?: { dropOld?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export interface TokenEndpointAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

export interface LocalIssuerOptions {
  /** Issuer path, e.g. '/_services/token' as on GitHub Enterprise Server. */
  pathPrefix?: string;
  /** Where the JWKS lives under the issuer (default '/.well-known/jwks'; EKS serves '/keys'). */
  jwksPath?: string;
  /** Merged over the default claims of every token. */
  claims?: Record<string, unknown>;
  /** The JWKS responses' Cache-Control (default DEFAULT_JWKS_CACHE_CONTROL); null sends none. */
  jwksCacheControl?: string | null;
  /** The origin clients reach the issuer at when it is not this server's own (the benchmark's https relay). */
  publicOrigin?: string;
}

/** What the loopback JWKS says by default: an hour, as a CDN-fronted issuer commonly does (not a documented GitHub value). */
export const DEFAULT_JWKS_CACHE_CONTROL = 'public, max-age=3600';

const TOKEN_ENDPOINT_PATH = '/_apis/token';

export async function startLocalIssuer(options: LocalIssuerOptions = {}): Promise<LocalIssuer> {
  const pathPrefix = normalisePathPrefix(options.pathPrefix);
  const jwksPath = options.jwksPath ?? '/.well-known/jwks';
  const requestToken = randomBytes(32).toString('base64url');
  const requests: IssuerRequest[] = [];
  const issuedTokens: string[] = [];
  let latencyMs = 0;
  let fault: IssuerFault = 'ok';
  let jwksCacheControl: string | undefined = options.jwksCacheControl === null ? undefined : (options.jwksCacheControl ?? DEFAULT_JWKS_CACHE_CONTROL);
  const tokenEndpointScript: TokenEndpointAnswer[] = [];
  let runnerTokenOptions: MintOptions = {};
  let signingKeys: SigningKey[] = [await createSigningKey()];
  let foreignKey: SigningKey | undefined;
  // Assigned once the server knows its port; handlers only run after that.
  let issuerUrl = '';
  let defaultClaims: Record<string, unknown> = {};

  const currentKey = (): SigningKey => signingKeys[0] as SigningKey;

  function mint(mintOptions: MintOptions = {}): Promise<string> {
    const key = currentKey();
    return mintToken(mintOptions, defaultClaims, key, async () => (foreignKey ??= await createSigningKey(key.kid)));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A network's round trip, for measurements that should not assume a loopback's zero latency.
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const requestUrl = new URL(request.url ?? '/', 'http://127.0.0.1');
    const path = requestUrl.pathname;
    const userAgent = request.headers['user-agent'];
    requests.push(userAgent === undefined ? { path, at: Date.now() } : { path, at: Date.now(), userAgent });

    if (path === TOKEN_ENDPOINT_PATH) return handleTokenRequest(request, response, requestUrl);
    if (path === `${pathPrefix}/.well-known/openid-configuration`) {
      const announcedIssuer = typeof fault === 'object' ? fault.discoveryIssuer : issuerUrl;
      return serveWithFault(response, () => discoveryDocument(announcedIssuer, `${issuerUrl}${jwksPath}`), {}, path);
    }
    if (path === `${pathPrefix}${jwksPath}`) {
      const headers: Record<string, string> = jwksCacheControl === undefined ? {} : { 'Cache-Control': jwksCacheControl };
      if (fault === 'stale-jwks-once') {
        fault = 'ok';
        return sendJson(response, 200, { keys: signingKeys.slice(1).map((key) => key.publicJwk) }, headers);
      }
      return serveWithFault(response, () => ({ keys: signingKeys.map((key) => key.publicJwk) }), headers, path);
    }
    sendJson(response, 404, { message: 'Not Found' });
  }

  const failedOnce = new Set<string>();

  function serveWithFault(response: ServerResponse, body: () => unknown, headers: Record<string, string> = {}, path = ''): void {
    if (fault === 'down-once' && !failedOnce.has(path)) {
      failedOnce.add(path);
      return sendText(response, 503, 'Service Unavailable');
    }
    if (fault === 'hang') return; // the socket stays open until the client gives up or close()
    if (fault === 'down') return sendText(response, 503, 'Service Unavailable');
    if (fault === 'garbage') {
      return sendText(response, 200, '<html><body>upstream returned an error page</body></html>', {
        'Content-Type': 'application/json; charset=utf-8',
      });
    }
    sendJson(response, 200, body(), headers);
  }

  async function handleTokenRequest(request: IncomingMessage, response: ServerResponse, requestUrl: URL): Promise<void> {
    if (request.method !== 'GET') return sendJson(response, 405, { message: 'Method Not Allowed' });
    const authorization = request.headers.authorization ?? '';
    const [scheme, credential] = authorization.split(' ', 2);
    if (scheme?.toLowerCase() !== 'bearer' || credential !== requestToken) {
      return sendJson(response, 401, { message: 'Bad credentials: the bearer token is not this job\'s request token' });
    }
    const scripted = tokenEndpointScript.shift();
    if (scripted) return sendText(response, scripted.status, scripted.body, { 'Content-Type': 'application/json; charset=utf-8', ...scripted.headers });
    const audience = requestUrl.searchParams.get('audience');
    const token = await mint({
      ...runnerTokenOptions,
      claims: { aud: audience ?? defaultClaims['aud'], ...runnerTokenOptions.claims },
    });
    issuedTokens.push(token);
    sendJson(response, 200, { count: 1, value: token });
  }

  const loopback = await startLoopbackServer(handle);
  issuerUrl = `${options.publicOrigin ?? loopback.origin}${pathPrefix}`;
  defaultClaims = githubDefaultClaims(issuerUrl, options.claims ?? {});

  return {
    url: issuerUrl,
    requestUrl: `${loopback.origin}${TOKEN_ENDPOINT_PATH}?api-version=2.0`,
    requestToken,
    get kid() {
      return currentKey().kid;
    },
    get defaultClaims() {
      return { ...defaultClaims };
    },
    get publicJwk() {
      return { ...currentKey().publicJwk };
    },
    mint,
    setRunnerTokenOptions(next) {
      runnerTokenOptions = next;
    },
    scriptTokenEndpoint(...answers) {
      if (answers.length === 0) tokenEndpointScript.length = 0;
      tokenEndpointScript.push(...answers);
    },
    requests,
    get connections() {
      return loopback.connections;
    },
    issuedTokens,
    setLatency(ms) {
      latencyMs = ms;
    },
    setFault(next) {
      fault = next;
      failedOnce.clear();
    },
    setJwksCacheControl(value) {
      jwksCacheControl = value;
    },
    async rotateKey(rotateOptions = {}) {
      const next = await createSigningKey();
      signingKeys = rotateOptions.dropOld === true ? [next] : [next, ...signingKeys];
    },
    close: () => loopback.close(),
  };
}

function normalisePathPrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '' || prefix === '/') return '';
  const withLeadingSlash = prefix.startsWith('/') ? prefix : `/${prefix}`;
  return withLeadingSlash.replace(/\/+$/, '');
}
