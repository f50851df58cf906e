/**
 * The credential cache's rules, pure: which cache entry serves which configuration (the key), what
 * an entry holds, and when its credentials may be handed out again.
 *
 * The refresh margin. AWS tools refresh credentials before they expire: the AWS CLI and botocore
 * (boto3) 15 minutes early (advisory; 10 minutes mandatory), the JS SDK v3 5 minutes early.
 * Credentials handed out with less than 15 minutes left would make the CLI run this program again
 * at once, on its next credential access, and get the same ones back. So the cache hands out only
 * credentials with more than REFRESH_MARGIN_SECONDS left: the CLI's 15-minute window plus 5
 * minutes for a tool that runs a while before its first call, and for clock differences. With the
 * default 1-hour session that reuses a session for 40 minutes; every call from within any tool's
 * refresh window finds the cache stale and gets new credentials.
 */
import type { CredentialProcessConfig, ProcessCredentials } from './config.js';

export const REFRESH_MARGIN_SECONDS = 20 * 60;
/** 2: entries name the account of their credentials. */
export const CACHE_ENTRY_VERSION = 2;

export interface CacheEntry {
  readonly version: typeof CACHE_ENTRY_VERSION;
  readonly key: string;
  /** Epoch ms when STS issued them (as seen here). */
  readonly obtainedAt: number;
  /** The account STS named for the session (checked against the configuration before a hand-out). */
  readonly account: string;
  readonly credentials: ProcessCredentials;
}

const ACCOUNT_ID = /^\d{12}$/;

/** The account of an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME), or undefined. */
function roleAccount(arn: string): string | undefined {
  const account = arn.trim().split(':')[4];
  return account !== undefined && ACCOUNT_ID.test(account) ? account : undefined;
}

/**
 * Pure: the accounts whose credentials this configuration may hand out. Assuming a role gives
 * credentials in the role's account, so: the accounts of role-to-assume and of every role in
 * role-by-environment, narrowed by allowed-account-ids. Undefined when the configuration names no
 * role ARN with an account (then only allowed-account-ids, if any, applies).
 */
export function accountsFor(config: CredentialProcessConfig): readonly string[] | undefined {
  const roles = [config.inputs['role-to-assume'] ?? '', ...(config.inputs['role-by-environment'] ?? '').split('\n').map((line) => line.slice(line.indexOf(':') + 1))];
  const fromRoles = [...new Set(roles.map(roleAccount).filter((account): account is string => account !== undefined))];
  const allowed = (config.inputs['allowed-account-ids'] ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (fromRoles.length === 0) return allowed.length > 0 ? allowed : undefined;
  return allowed.length > 0 ? fromRoles.filter((account) => allowed.includes(account)) : fromRoles;
}

/** Pure: why an entry's credentials may not be handed out for this configuration's accounts, or undefined. */
export function accountProblem(entry: Pick<CacheEntry, 'account'>, accounts: readonly string[] | undefined): string | undefined {
  if (accounts === undefined || accounts.includes(entry.account)) return undefined;
  return `its credentials are for account ${entry.account}, and this profile's role and allowed-account-ids admit only ${accounts.join(', ') || 'no account'}`;
}

/**
 * Variables the STS call reads when the configuration pins no sts-endpoint: the same profile run
 * against LocalStack and against AWS must not share credentials.
 */
export interface EndpointEnvironment {
  readonly AWS_ENDPOINT_URL_STS?: string | undefined;
  readonly AWS_ENDPOINT_URL?: string | undefined;
}

/**
 * The key: everything that changes the result, as one canonical text. The profile and every input
 * the refresh reads (role or role-by-environment table, session name, duration, session policies,
 * region, issuer, audience, STS endpoint, require-claims, trust policy, allowed accounts, token
 * file, …) as the action resolved them; input order does not matter. The entry stores the whole
 * key and is used only on an exact match, so the file name may be a short, fast hash: two
 * configurations whose names collide take turns in one file, and never share credentials.
 */
export function credentialCacheKey(config: CredentialProcessConfig, env: EndpointEnvironment): string {
  const inputs = Object.entries(config.inputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const endpoint = config.inputs['sts-endpoint'] === undefined ? [env.AWS_ENDPOINT_URL_STS?.trim() || null, env.AWS_ENDPOINT_URL?.trim() || null] : null;
  return JSON.stringify({ version: config.version, profile: config.profile, inputs, endpoint });
}

/**
 * The entry's file name: FNV-1a (64 bits) of the key, in hex. Not node:crypto, whose loading
 * alone would cost a cache hit several milliseconds.
 */
export function cacheFileName(key: string): string {
  // 64 bits as two 32-bit halves; the prime is 2^40 + 0x1b3, so hash·prime = hash·0x1b3 + (lo << 40).
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const byte of new TextEncoder().encode(key)) {
    lo = (lo ^ byte) >>> 0;
    const low = lo * 0x1b3;
    hi = (hi * 0x1b3 + Math.floor(low / 0x1_0000_0000) + lo * 0x100) >>> 0;
    lo = low >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** An entry read back: anything torn, damaged, of another version or for another key is no entry. */
export function parseCacheEntry(text: string | undefined, key: string): CacheEntry | undefined {
  if (text === undefined) return undefined;
  let value: Partial<CacheEntry> | null;
  try {
    value = JSON.parse(text) as Partial<CacheEntry> | null;
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || value.version !== CACHE_ENTRY_VERSION || value.key !== key) return undefined;
  if (typeof value.obtainedAt !== 'number' || !Number.isFinite(value.obtainedAt)) return undefined;
  if (typeof value.account !== 'string' || !ACCOUNT_ID.test(value.account)) return undefined;
  const c = value.credentials as Partial<ProcessCredentials> | undefined;
  if (!c || c.Version !== 1 || !isText(c.AccessKeyId) || !isText(c.SecretAccessKey) || !isText(c.SessionToken) || !isText(c.Expiration)) return undefined;
  if (Number.isNaN(Date.parse(c.Expiration))) return undefined;
  const credentials: ProcessCredentials = { Version: 1, AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration };
  return { version: CACHE_ENTRY_VERSION, key, obtainedAt: value.obtainedAt, account: value.account, credentials };
}

export function serializeCacheEntry(entry: CacheEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/**
 * May these credentials be handed out now? Yes with more than the margin left. Also, whatever is
 * left, when they were obtained after this invocation started (it waited for another refresh):
 * they are exactly what a refresh of its own would have returned.
 */
export function canHandOut(entry: CacheEntry, at: { readonly nowMs: number; readonly startedAtMs: number }, marginSeconds = REFRESH_MARGIN_SECONDS): boolean {
  const remainingMs = Date.parse(entry.credentials.Expiration) - at.nowMs;
  if (remainingMs > marginSeconds * 1000) return true;
  return entry.obtainedAt >= at.startedAtMs && remainingMs > 0;
}
