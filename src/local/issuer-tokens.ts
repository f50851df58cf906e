// Tokens as GitHub's issuer mints them (RS256, GitHub's claims and lifetimes), and the ways they
// are forged or broken in practice: another key, no signature, HS256 keyed with the public key.
import { createHmac, randomBytes, randomInt, randomUUID, sign as rsaSign } from 'node:crypto';
import type { SigningKey } from './issuer-keys.js';

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

/** GitHub's tokens are valid from 5 minutes before iat (newest tokens seen) and live 5 minutes. */
const NOT_BEFORE_SKEW_SECONDS = 300;
const DEFAULT_LIFETIME_SECONDS = 300;

/**
 * A token over `defaultClaims` signed as `options.signWith` says. `foreignKey` gives another key
 * under `key`'s kid; it is asked for only when a token must carry a bad signature.
 */
export async function mintToken(
  options: MintOptions,
  defaultClaims: Record<string, unknown>,
  key: SigningKey,
  foreignKey: () => Promise<SigningKey>,
): Promise<string> {
  const signWith = options.signWith ?? 'issuer-key';
  const issuedAt = Math.floor(Date.now() / 1000) + (options.issuedAtOffsetSeconds ?? 0);
  const payload = withoutUndefined({
    jti: randomUUID(),
    ...defaultClaims,
    nbf: issuedAt - NOT_BEFORE_SKEW_SECONDS,
    exp: issuedAt + (options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS),
    iat: issuedAt,
    ...options.claims,
  });
  const algorithm = signWith === 'none' ? 'none' : signWith === 'hs256-with-public-key' ? 'HS256' : 'RS256';
  const header = withoutUndefined({ alg: algorithm, kid: key.kid, typ: 'JWT', ...options.header });
  const payloadJson = options.extraPayloadJson
    ? JSON.stringify(payload).replace(/}$/, `,${options.extraPayloadJson}}`)
    : JSON.stringify(payload);
  const signingInput = `${base64UrlJson(header)}.${Buffer.from(payloadJson).toString('base64url')}`;

  switch (signWith) {
    case 'issuer-key':
      return `${signingInput}.${rsaSign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url')}`;
    case 'foreign-key': {
      const signature = rsaSign('sha256', Buffer.from(signingInput), (await foreignKey()).privateKey);
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

/** The claims of a push to main in octo-org/octo-repo, shaped like a real github.com token. */
export function githubDefaultClaims(issuerUrl: string, overrides: Record<string, unknown>): Record<string, unknown> {
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

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
