/** How long the issuer's keys are kept, from the JWKS response's Cache-Control and Age. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_KEYS_LIFETIME_SECONDS, keysAreFresh, keysLifetimeSeconds, MAX_KEYS_LIFETIME_SECONDS, parseCacheControl } from '../../src/verify/key-freshness.js';

describe('parseCacheControl', () => {
  it.each<[string | undefined, ReturnType<typeof parseCacheControl>]>([
    [undefined, { maxAge: undefined, noStore: false, noCache: false }],
    ['', { maxAge: undefined, noStore: false, noCache: false }],
    ['public, max-age=3600', { maxAge: 3600, noStore: false, noCache: false }],
    ['MAX-AGE=60, Must-Revalidate', { maxAge: 60, noStore: false, noCache: false }],
    ['max-age="120"', { maxAge: 120, noStore: false, noCache: false }],
    ['max-age=60, max-age=7200', { maxAge: 60, noStore: false, noCache: false }],
    ['max-age=-1', { maxAge: 0, noStore: false, noCache: false }],
    ['max-age=', { maxAge: 0, noStore: false, noCache: false }],
    ['no-store', { maxAge: undefined, noStore: true, noCache: false }],
    ['private, no-cache, max-age=600', { maxAge: 600, noStore: false, noCache: true }],
    ['no-cache="Set-Cookie"', { maxAge: undefined, noStore: false, noCache: true }],
  ])('%j', (header, expected) => {
    expect(parseCacheControl(header)).toEqual(expected);
  });
});

describe('keysLifetimeSeconds', () => {
  it.each<[string, string | undefined, string | undefined, number]>([
    ['no header: the default', undefined, undefined, DEFAULT_KEYS_LIFETIME_SECONDS],
    ['only other directives: the default', 'public', undefined, DEFAULT_KEYS_LIFETIME_SECONDS],
    ['max-age', 'public, max-age=300', undefined, 300],
    ['max-age less the Age a CDN reports', 'max-age=300', '120', 180],
    ['an Age beyond max-age', 'max-age=300', '900', 0],
    ['an unreadable Age counts as 0', 'max-age=300', 'soon', 300],
    ['max-age above the cap', 'max-age=86400', undefined, MAX_KEYS_LIFETIME_SECONDS],
    ['max-age=0', 'max-age=0', undefined, 0],
    ['an invalid max-age: stale', 'max-age=an-hour', undefined, 0],
    ['no-store wins over max-age', 'max-age=600, no-store', undefined, 0],
    ['no-cache (revalidation costs a round trip anyway)', 'no-cache', undefined, 0],
  ])('%s', (_name, cacheControl, age, seconds) => {
    expect(keysLifetimeSeconds(cacheControl, age)).toBe(seconds);
  });

  it('the default is within the cap', () => {
    expect(DEFAULT_KEYS_LIFETIME_SECONDS).toBeLessThanOrEqual(MAX_KEYS_LIFETIME_SECONDS);
  });
});

describe('keysAreFresh', () => {
  const kept = { fetchedAt: 1000, expiresAt: 2000 };
  it.each([
    [999, false],
    [1000, true],
    [1999, true],
    [2000, false],
  ])('at %d ms: %s', (now, fresh) => {
    expect(keysAreFresh(kept, now)).toBe(fresh);
  });

  // An entry that claims ten years (planted, or from an older version) still gets the one-hour cap on read.
  const planted = { fetchedAt: 1000, expiresAt: 1000 + 10 * 365 * 86_400_000 };
  const cap = MAX_KEYS_LIFETIME_SECONDS * 1000;
  it.each([
    [1000 + cap - 1, true],
    [1000 + cap, false],
    [1000 + 86_400_000, false],
  ])('an entry claiming ten years, at %d ms: %s', (now, fresh) => {
    expect(keysAreFresh(planted, now)).toBe(fresh);
  });
});
