/**
 * The credential cache's miss path: one refresh for all concurrent invocations (a lock file: the
 * first takes it and refreshes, the others wait for its result; a stale lock is broken), and the
 * result kept with an atomic replace. Loaded only on a miss, and by the action to seed the cache.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ensurePrivateDir, jobPaths } from '../job/paths.js';
import { writeFileAtomic } from '../job/files.js';
import { breakLock, isLockStale, LOCK_GRACE_MS, newLockInfo, observeLock, releaseLock, stalenessFacts, tryAcquireLock } from '../job/file-lock.js';
import { CACHE_ENTRY_VERSION, serializeCacheEntry, type CacheEntry } from './cache-policy.js';
import { cacheFiles, lookupCached, type CacheLocation } from './cache.js';
import type { ProcessCredentials } from './config.js';

/** How often a waiting invocation looks for the result: cheap (one small read), and well under a refresh. */
const POLL_MS = 25;

/** What a refresh (or the action) obtained: the credentials, and the account STS named for them. */
export interface Obtained {
  readonly credentials: ProcessCredentials;
  readonly account: string;
}

/** Keeps credentials for the key (the action's own, or a refresh's). Throws on failure. */
export function storeCredentials(location: CacheLocation, obtained: Obtained): void {
  const { root, cacheDir } = jobPaths(location.runnerTemp);
  const files = cacheFiles(location);
  for (const folder of [root, cacheDir, files.dir]) ensurePrivateDir(folder);
  const entry: CacheEntry = { version: CACHE_ENTRY_VERSION, key: location.key, obtainedAt: Date.now(), account: obtained.account, credentials: obtained.credentials };
  writeFileAtomic(files.entry, serializeCacheEntry(entry));
}

export interface RefreshOptions extends CacheLocation {
  /** When this invocation started (epoch ms). */
  readonly startedAt: number;
  /** The longest a refresh may take (action-timeout-s): the lock's deadline. */
  readonly refreshTimeoutMs: number;
  readonly warn: (message: string) => void;
}

/** Runs `refresh` once for all concurrent invocations of the same key, and keeps its result. */
export async function refreshOnce(options: RefreshOptions, refresh: () => Promise<Obtained>): Promise<ProcessCredentials> {
  const files = cacheFiles(options);
  const lookup = () => lookupCached(options, options.startedAt);
  const refreshAndKeep = async () => {
    const obtained = await refresh();
    try {
      storeCredentials(options, obtained);
    } catch (error) {
      options.warn(`the credentials were not cached (${(error as Error).message}); the next call refreshes again`);
    }
    return obtained.credentials;
  };
  try {
    const { root, cacheDir } = jobPaths(options.runnerTemp);
    for (const folder of [root, cacheDir, files.dir]) ensurePrivateDir(folder);
  } catch (error) {
    options.warn(`no credential cache (${(error as Error).message}); refreshing without one`);
    return (await refresh()).credentials;
  }
  const facts = stalenessFacts(options.refreshTimeoutMs);
  // Never wait longer than a refresh of this invocation's own would be allowed to take.
  const giveUpAt = Date.now() + options.refreshTimeoutMs + LOCK_GRACE_MS;
  for (;;) {
    const info = newLockInfo(Date.now(), options.refreshTimeoutMs);
    let acquired: boolean;
    try {
      acquired = tryAcquireLock(files.lock, info);
    } catch (error) {
      options.warn(`the refresh lock cannot be taken (${(error as Error).message}); refreshing without it`);
      return refreshAndKeep();
    }
    if (acquired) {
      try {
        // Another invocation may have finished between this one's first look and its lock.
        return lookup() ?? (await refreshAndKeep());
      } finally {
        releaseLock(files.lock, info);
      }
    }
    const held = observeLock(files.lock);
    if (held && isLockStale(held, Date.now(), facts)) {
      // Only a speed-up, in a folder of ours: breaking a planted lock at once beats waiting it out.
      if (!held.ownedByUs) options.warn(`broke a refresh lock that is not this user's own file (${JSON.stringify(files.lock)})`);
      breakLock(files.lock);
      continue;
    }
    if (Date.now() > giveUpAt) return refreshAndKeep();
    await sleep(POLL_MS);
    const finished = lookup();
    if (finished) return finished;
  }
}
