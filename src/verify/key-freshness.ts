/**
 * How long the issuer's keys may be reused within the job, from the JWKS response's Cache-Control
 * (and Age). Pure.
 *
 * - max-age=N: N seconds, less the response's Age, capped at MAX_KEYS_LIFETIME_SECONDS.
 * - no-store or no-cache: not reused at all (no-cache allows reuse only after revalidation, which
 *   costs the same round trip as a fetch).
 * - no freshness given: DEFAULT_KEYS_LIFETIME_SECONDS, jose's own default for remote key sets.
 *
 * The cap bounds how long a key the issuer has withdrawn keeps verifying tokens here. A new key is
 * never a problem: a token with an unknown kid refetches the keys at once. (STS checks the live
 * keys itself; the local check is the earlier, clearer one.)
 */

export const DEFAULT_KEYS_LIFETIME_SECONDS = 10 * 60;
export const MAX_KEYS_LIFETIME_SECONDS = 60 * 60;

export interface CacheDirectives {
  /** Undefined when absent; 0 when present but not a valid number (RFC 9111: treat as stale). */
  readonly maxAge: number | undefined;
  readonly noStore: boolean;
  readonly noCache: boolean;
}

/** Directive names are case-insensitive; the first max-age counts; a quoted value is accepted. */
export function parseCacheControl(header: string | undefined): CacheDirectives {
  let maxAge: number | undefined;
  let noStore = false;
  let noCache = false;
  for (const part of (header ?? '').split(',')) {
    const [rawName = '', ...rest] = part.split('=');
    const name = rawName.trim().toLowerCase();
    const value = rest.join('=').trim().replace(/^"(.*)"$/, '$1');
    if (name === 'no-store') noStore = true;
    else if (name === 'no-cache') noCache = true;
    else if (name === 'max-age' && maxAge === undefined) maxAge = /^\d+$/.test(value) ? Number(value) : 0;
  }
  return { maxAge, noStore, noCache };
}

/** The Age header in seconds; anything but a non-negative integer counts as 0. */
export function parseAge(header: string | undefined): number {
  const value = header?.trim() ?? '';
  return /^\d+$/.test(value) ? Number(value) : 0;
}

/** Seconds the keys may be reused; 0 means do not keep them. */
export function keysLifetimeSeconds(cacheControl: string | undefined, age?: string): number {
  const directives = parseCacheControl(cacheControl);
  if (directives.noStore || directives.noCache) return 0;
  if (directives.maxAge === undefined) return DEFAULT_KEYS_LIFETIME_SECONDS;
  return Math.max(0, Math.min(MAX_KEYS_LIFETIME_SECONDS, directives.maxAge - parseAge(age)));
}

/**
 * Kept keys are fresh from when they were fetched until they expire, and never longer than the
 * cap: it is applied here, on read, too, so an entry that claims a longer life (written by someone
 * else, or by an older version) cannot keep a key verifying tokens. A clock that went back makes
 * them stale.
 */
export function keysAreFresh(kept: { readonly fetchedAt: number; readonly expiresAt: number }, nowMs: number): boolean {
  return nowMs >= kept.fetchedAt && nowMs < Math.min(kept.expiresAt, kept.fetchedAt + MAX_KEYS_LIFETIME_SECONDS * 1000);
}
