/**
 * The issuer's keys for this job: the kept ones while the JWKS response's Cache-Control allows
 * (key-freshness.ts), else fetched (issuer-keys.ts: discovery and the JWKS in one round trip) and
 * kept for the next invocation. `refresh` always fetches: verification calls it when a token's kid
 * is unknown, right after the issuer rotated its keys.
 */
import type { JSONWebKeySet } from 'jose';
import { fetchIssuerKeys, type KeySource } from './issuer-keys.js';
import { keysAreFresh, keysLifetimeSeconds } from './key-freshness.js';
import type { KeyStore } from '../job/key-store.js';

export interface JobKeys {
  /** Kept keys when fresh, else fetched ones. */
  current(): Promise<JSONWebKeySet>;
  /** Fetched keys, whatever is kept. */
  refresh(): Promise<JSONWebKeySet>;
  /** Whether current() will answer from the kept keys, with no request. */
  keptAreFresh(): boolean;
  /** With `keepLater`: keeps the keys fetched so far. Else nothing to do (they were kept on arrival). */
  keepFetched(): void;
}

export interface JobKeyOptions {
  readonly now?: () => number;
  readonly debug?: (message: string) => void;
  /**
   * Keep fetched keys only when keepFetched() is called: writing them is file-system work that the
   * action does while STS answers, not between the keys' arrival and the STS request.
   */
  readonly keepLater?: boolean;
}

export function jobIssuerKeys(source: KeySource, store: KeyStore | undefined, options: JobKeyOptions = {}): JobKeys {
  const now = options.now ?? Date.now;
  const pending: (() => void)[] = [];
  const keep = (fetched: Awaited<ReturnType<typeof fetchIssuerKeys>>, fetchedAt: number) => () => {
    if (!store) return;
    const lifetime = keysLifetimeSeconds(fetched.cacheControl, fetched.age);
    // Only a speed-up: a store that cannot be written costs a fetch next time, nothing else.
    try {
      if (lifetime > 0) store.write({ issuer: source.issuer, jwksUri: fetched.jwksUri, jwks: fetched.jwks, fetchedAt, expiresAt: fetchedAt + lifetime * 1000 });
      else store.remove(source.issuer);
    } catch (error) {
      options.debug?.(`the issuer's keys were not kept for the job: ${(error as Error).message}`);
    }
  };
  const refresh = async () => {
    const fetched = await fetchIssuerKeys(source);
    const write = keep(fetched, now());
    if (options.keepLater) pending.push(write);
    else write();
    return fetched.jwks;
  };
  const freshKept = () => {
    const kept = store?.read(source.issuer);
    return kept && keysAreFresh(kept, now()) ? kept : undefined;
  };
  return {
    async current() {
      return freshKept()?.jwks ?? refresh();
    },
    refresh,
    keptAreFresh: () => freshKept() !== undefined,
    keepFetched: () => pending.splice(0).forEach((write) => write()),
  };
}
