/**
 * Local verification of the OIDC token before it leaves the runner: RS256 signature against the
 * issuer's published keys, then issuer, audience and time claims, each failure naming the check,
 * the expected and the actual value. Pure: the issuer's keys are fetched by issuer-keys.ts.
 */
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { KeylessError, show } from '../shared/errors.js';

// In this chunk, loaded with the verifier: web-identity.ts runs it while the token is on the wire.
export { warmUpVerification } from './warm-up.js';

/** GitHub's iat/nbf can be a few seconds ahead of the runner's clock. */
export const CLOCK_LEEWAY_SECONDS = 60;
/** GitHub tokens are ~1 kB; anything far larger is not a GitHub token. */
export const MAX_TOKEN_LENGTH = 16_384;

export type Claims = Readonly<Record<string, unknown>>;

export interface ClaimExpectations {
  readonly issuer: string;
  readonly audience: string;
  readonly nowSeconds: number;
  readonly leewaySeconds?: number;
}

/** The first claim check that fails, as a message; undefined when all pass. */
export function checkStandardClaims(claims: Claims, expected: ClaimExpectations): string | undefined {
  const leeway = expected.leewaySeconds ?? CLOCK_LEEWAY_SECONDS;
  const now = expected.nowSeconds;
  if (claims.iss !== expected.issuer) {
    return `issuer mismatch: expected ${show(expected.issuer)} (input oidc-issuer), token has iss ${show(claims.iss)}`;
  }
  const aud = claims.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(expected.audience)) {
    return `audience mismatch: expected ${show(expected.audience)} (input audience), token has aud ${show(aud)}`;
  }
  for (const name of ['exp', 'iat'] as const) {
    if (typeof claims[name] !== 'number' || !Number.isFinite(claims[name])) {
      return `claim ${name} must be a number of seconds since 1970, token has ${show(claims[name])}`;
    }
  }
  const exp = claims.exp as number;
  const iat = claims.iat as number;
  if (exp + leeway <= now) {
    return `token expired: exp ${iso(exp)} is ${now - exp} s before now ${iso(now)} (leeway ${leeway} s)`;
  }
  if (claims.nbf !== undefined) {
    if (typeof claims.nbf !== 'number') return `claim nbf must be a number, token has ${show(claims.nbf)}`;
    if (claims.nbf - leeway > now) return `token not yet valid: nbf ${iso(claims.nbf)} is ${claims.nbf - now} s after now ${iso(now)} (leeway ${leeway} s)`;
  }
  if (iat - leeway > now) {
    return `token issued in the future: iat ${iso(iat)} is ${iat - now} s after now ${iso(now)} (leeway ${leeway} s); check the runner's clock`;
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') return `claim sub must be a non-empty string, token has ${show(claims.sub)}`;
  return undefined;
}

function iso(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString().replace('.000Z', 'Z');
}

const rejected = (check: string, hints: readonly string[] = []) =>
  new KeylessError('token-rejected', `OIDC token rejected before calling STS: ${check}`, [
    ...hints,
    'The token was not sent to AWS. See "OIDC token rejected" in the README troubleshooting section.',
  ]);

export interface Verification {
  readonly issuer: string;
  readonly audience: string;
  readonly keys: JSONWebKeySet;
  readonly nowSeconds: number;
  /**
   * Fetches the issuer's keys again. Called at most once, when the token's kid is not among
   * `keys`: right after a key rotation a JWKS fetched a moment earlier can lack the new key.
   */
  readonly refreshKeys?: () => Promise<JSONWebKeySet>;
}

const trustIssuerHint = (iss: string) =>
  `If you trust the issuer that signed this token, set the input oidc-issuer: ${iss} (for a Kubernetes service-account token, as with EKS or Actions Runner Controller, that is the cluster's OIDC issuer URL).`;

/**
 * Signature first (nothing in an unsigned payload is trusted), then the claims. One exception, and
 * only ever to refuse: a token that names another issuer is refused before its key is looked up
 * among the configured issuer's keys, so the message says what is really wrong.
 */
export async function verifyToken(token: string, verification: Verification): Promise<Claims> {
  if (token.length > MAX_TOKEN_LENGTH) throw rejected(`token is ${token.length} characters long, more than ${MAX_TOKEN_LENGTH}; not a GitHub OIDC token`);
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw rejected('not a JWT (expected three base64url parts separated by dots)');
  }
  if (header.alg !== 'RS256') throw rejected(`signature algorithm ${show(header.alg)} is not allowed; expected "RS256"`);
  refuseOtherIssuer(token, verification.issuer);
  let jwks = verification.keys;
  const hasKey = (set: JSONWebKeySet) => set.keys.some((key) => header.kid === undefined || key.kid === header.kid);
  if (!hasKey(jwks) && verification.refreshKeys) jwks = await verification.refreshKeys();
  const keys = jwks.keys;
  if (!hasKey(jwks)) {
    throw rejected(
      `unknown signing key: kid ${show(header.kid)} is not among the issuer's ${keys.length} published key(s) (${keys.map((k) => show(k.kid)).join(', ')})`,
    );
  }
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, createLocalJWKSet(jwks), { algorithms: ['RS256'] }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
      throw rejected(`bad signature: the token does not verify against the issuer's key kid ${show(header.kid)}`);
    }
    throw rejected(`signature check failed: ${(error as Error).message}`);
  }
  let claims: Claims;
  const payloadText = new TextDecoder().decode(payload);
  try {
    claims = JSON.parse(payloadText) as Claims;
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new Error();
  } catch {
    throw rejected('payload is not a JSON object');
  }
  // JSON.parse keeps the last of two equal names; another parser (STS's) may keep the first.
  const duplicate = duplicateTopLevelName(payloadText);
  if (duplicate !== undefined) throw rejected(`claim ${show(duplicate)} appears more than once; a token must name each claim once`);
  const problem = checkStandardClaims(claims, verification);
  if (problem) throw rejected(problem, claims.iss !== verification.issuer && typeof claims.iss === 'string' ? [trustIssuerHint(claims.iss)] : []);
  return claims;
}

/**
 * Refuses a token that names another issuer than the one configured, before any key is fetched or
 * looked up (it is read unverified, and only ever used to refuse): a token file from a Kubernetes
 * cluster with oidc-issuer left at GitHub's fails here, with no request.
 */
export function refuseOtherIssuer(token: string, issuer: string): void {
  const claimed = unverifiedClaims(token)?.iss;
  if (typeof claimed === 'string' && claimed !== issuer) {
    throw rejected(`issuer mismatch: expected ${show(issuer)} (input oidc-issuer), token has iss ${show(claimed)} (read before its signature, which only that issuer's keys can check)`, [
      trustIssuerHint(claimed),
    ]);
  }
}

/** Claims read without verification, for explaining a rejection only (never for decisions). */
export function unverifiedClaims(token: string): Claims | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

/** The first member name that appears twice in a JSON object text, or undefined. */
export function duplicateTopLevelName(objectText: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  let expectName = false;
  for (let i = 0; i < objectText.length; i++) {
    const c = objectText[i];
    if (c === '"') {
      let end = i + 1;
      while (end < objectText.length && objectText[end] !== '"') end += objectText[end] === '\\' ? 2 : 1;
      if (depth === 1 && expectName) {
        // Decoded, so that "s\u0075b" and "sub" count as the same name.
        const name = JSON.parse(objectText.slice(i, end + 1)) as string;
        if (seen.has(name)) return name;
        seen.add(name);
        expectName = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectName = true;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectName = true;
    }
  }
  return undefined;
}
