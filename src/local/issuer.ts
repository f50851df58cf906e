// A loopback stand-in for GitHub's OIDC issuer (discovery document + JWKS) and for the runner's
// ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL), speaking the same HTTP shapes, with switches
// for the ways tokens and issuers go wrong in practice.
import { createHmac, KeyObject, randomBytes, randomInt, randomUUID, sign as rsaSign } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose';
import { sendJson, sendText, startLoopbackServer } from './http.js';

export type SignWith = 'issuer-key' | 'foreign-key' | 'none' | 'hs256-with-public-key';

export interface MintOptions {
  /** Merged over the default claims; a key set to undefined removes that claim. */
  claims?: Record<string, unknown>;
  /** Merged over the protected header (e.g. { kid: 'nope' }, { alg: 'none' }); undefined removes. */
  header?: Record<string, unknown>;
  /**
   * Default 'issuer-key'. 'foreign-key': another RSA key under the same kid (bad signature).
   * 'none': unsigned `header.payload.` with alg none. 'hs256-with-public-key': the
   * algorithm-confusion attack, HS256 keyed with the issuer's public key as SPKI PEM text.
   */
  signWith?: SignWith;
  /** exp - iat; default 300, as GitHub's. */
  lifetimeSeconds?: number;
  /** Shifts iat/nbf/exp from now (negative = in the past). */
  issuedAtOffsetSeconds?: number;
  /**
   * Appended verbatim inside the payload JSON after the claims, e.g. `"sub":"other"` to
   * produce a duplicate member that an object cannot express.
   */
  extraPayloadJson?: string;
}

/**
 * 'stale-jwks-once': the next JWKS response lacks the current signing key, as a cache or CDN
 * might serve it right after a key rotation; later responses are complete again.
 */
export type IssuerFault = 'ok' | 'down' | 'hang' | 'garbage' | 'stale-jwks-once' | { discoveryIssuer: string };

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
}

/** What the loopback JWKS says by default: an hour, as a CDN-fronted issuer commonly does (not a documented GitHub value). */
export const DEFAULT_JWKS_CACHE_CONTROL = 'public, max-age=3600';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: JWK;
  readonly publicKeyPem: string;
}

/** GitHub's tokens are valid from 5 minutes before iat (newest tokens seen) and live 5 minutes. */
const NOT_BEFORE_SKEW_SECONDS = 300;
const DEFAULT_LIFETIME_SECONDS = 300;
const TOKEN_ENDPOINT_PATH = '/_apis/token';

/** Claim names GitHub's discovery document lists. */
const CLAIMS_SUPPORTED = [
  'sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'sha', 'repository', 'repository_id',
  'repository_owner', 'repository_owner_id', 'enterprise', 'enterprise_id', 'run_id', 'run_number',
  'run_attempt', 'actor', 'actor_id', 'workflow', 'workflow_ref', 'workflow_sha', 'head_ref',
  'base_ref', 'event_name', 'ref_type', 'ref_protected', 'environment', 'environment_node_id',
  'job_workflow_ref', 'job_workflow_sha', 'repository_visibility', 'runner_environment',
  'issuer_scope', 'check_run_id',
];

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

  async function mint(mintOptions: MintOptions = {}): Promise<string> {
    const signWith = mintOptions.signWith ?? 'issuer-key';
    const key = currentKey();
    const issuedAt = Math.floor(Date.now() / 1000) + (mintOptions.issuedAtOffsetSeconds ?? 0);
    const payload = withoutUndefined({
      jti: randomUUID(),
      ...defaultClaims,
      nbf: issuedAt - NOT_BEFORE_SKEW_SECONDS,
      exp: issuedAt + (mintOptions.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS),
      iat: issuedAt,
      ...mintOptions.claims,
    });
    const algorithm = signWith === 'none' ? 'none' : signWith === 'hs256-with-public-key' ? 'HS256' : 'RS256';
    const header = withoutUndefined({ alg: algorithm, kid: key.kid, typ: 'JWT', ...mintOptions.header });
    const payloadJson = mintOptions.extraPayloadJson
      ? JSON.stringify(payload).replace(/}$/, `,${mintOptions.extraPayloadJson}}`)
      : JSON.stringify(payload);
    const signingInput = `${base64UrlJson(header)}.${Buffer.from(payloadJson).toString('base64url')}`;

    switch (signWith) {
      case 'issuer-key':
        return `${signingInput}.${rsaSign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url')}`;
      case 'foreign-key': {
        foreignKey ??= await createSigningKey(key.kid);
        const signature = rsaSign('sha256', Buffer.from(signingInput), foreignKey.privateKey);
        return `${signingInput}.${signature.toString('base64url')}`;
      }
      case 'none':
        return `${signingInput}.`;
      case 'hs256-with-public-key': {
        const hmac = createHmac('sha256', Buffer.from(key.publicKeyPem, 'utf8')).update(signingInput).digest();
        return `${signingInput}.${hmac.toString('base64url')}`;
      }
    }
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
      return serveWithFault(response, () => discoveryDocument(announcedIssuer, `${issuerUrl}${jwksPath}`));
    }
    if (path === `${pathPrefix}${jwksPath}`) {
      const headers: Record<string, string> = jwksCacheControl === undefined ? {} : { 'Cache-Control': jwksCacheControl };
      if (fault === 'stale-jwks-once') {
        fault = 'ok';
        return sendJson(response, 200, { keys: signingKeys.slice(1).map((key) => key.publicJwk) }, headers);
      }
      return serveWithFault(response, () => ({ keys: signingKeys.map((key) => key.publicJwk) }), headers);
    }
    sendJson(response, 404, { message: 'Not Found' });
  }

  function serveWithFault(response: ServerResponse, body: () => unknown, headers: Record<string, string> = {}): void {
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
  issuerUrl = `${loopback.origin}${pathPrefix}`;
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

async function createSigningKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const { kty, n, e } = await exportJWK(publicKey);
  return {
    kid,
    privateKey: KeyObject.from(privateKey),
    // Member order as in GitHub's JWKS.
    publicJwk: { kty, alg: 'RS256', use: 'sig', kid, n, e },
    publicKeyPem: await exportSPKI(publicKey),
  };
}

/** The claims of a push to main in octo-org/octo-repo, shaped like a real github.com token. */
function githubDefaultClaims(issuerUrl: string, overrides: Record<string, unknown>): Record<string, unknown> {
  const sha = randomBytes(20).toString('hex');
  const workflowRef = 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main';
  const owner = typeof overrides['repository_owner'] === 'string' ? overrides['repository_owner'] : 'octo-org';
  return withoutUndefined({
    sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    // Without an audience parameter GitHub sets aud to the owner's URL.
    aud: `https://github.com/${owner}`,
    ref: 'refs/heads/main',
    sha,
    repository: 'octo-org/octo-repo',
    repository_owner: 'octo-org',
    repository_owner_id: '65',
    run_id: String(randomInt(10_000_000_000, 30_000_000_000)),
    run_number: '10',
    run_attempt: '1',
    repository_visibility: 'private',
    repository_id: '74',
    actor_id: '12',
    actor: 'octocat',
    workflow: 'Deploy',
    head_ref: '',
    base_ref: '',
    event_name: 'push',
    ref_protected: 'true',
    ref_type: 'branch',
    workflow_ref: workflowRef,
    workflow_sha: sha,
    job_workflow_ref: workflowRef,
    job_workflow_sha: sha,
    runner_environment: 'github-hosted',
    check_run_id: String(randomInt(10_000_000_000, 90_000_000_000)),
    iss: issuerUrl,
    ...overrides,
  });
}

function discoveryDocument(issuer: string, jwksUri: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: jwksUri,
    subject_types_supported: ['public', 'pairwise'],
    response_types_supported: ['id_token'],
    claims_supported: CLAIMS_SUPPORTED,
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid'],
  };
}

function normalisePathPrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '' || prefix === '/') return '';
  const withLeadingSlash = prefix.startsWith('/') ? prefix : `/${prefix}`;
  return withLeadingSlash.replace(/\/+$/, '');
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
