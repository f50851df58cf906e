/**
 * The credential cache's miss path: one refresh for all concurrent invocations (a lock file: the
 * first takes it and refreshes, the others wait for its result; a stale lock is broken), and the
 * result kept with an atomic replace. Loaded only on a miss, and by the action to seed the cache.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ensurePrivateDir, jobPaths } from '../job/paths.js';
import { writeFileAtomic } from '../job/files.js';
import { breakLock, isLockStale, LOCK_GRACE_MS, newLockInfo, observeLock, releaseLock, stalenessFacts, tryAcquireLock } from '../job/file-lock.js';
import { serializeCacheEntry } from './cache-policy.js';
import { cacheFiles, lookupCached, type CacheLocation } from './cache.js';
import type { ProcessCredentials } from './config.js';

/** How often a waiting invocation looks for the result: cheap (one small read), and well under a refresh. */
const POLL_MS = 25;

/** Keeps credentials for the key (the action's own, or a refresh's). Throws on failure. */
export function storeCredentials(location: CacheLocation, credentials: ProcessCredentials): void {
  const { root, cacheDir } = jobPaths(location.runnerTemp);
  const files = cacheFiles(location);
  for (const folder of [root, cacheDir, files.dir]) ensurePrivateDir(folder);
  writeFileAtomic(files.entry, serializeCacheEntry({ version: 1, key: location.key, obtainedAt: Date.now(), credentials }));
}

export interface RefreshOptions extends CacheLocation {
  /** When this invocation started (epoch ms). */
  readonly startedAt: number;
  /** The longest a refresh may take (action-timeout-s): the lock's deadline. */
  readonly refreshTimeoutMs: number;
  readonly warn: (message: string) => void;
}

/** Runs `refresh` once for all concurrent invocations of the same key, and keeps its result. */
export async function refreshOnce(options: RefreshOptions, refresh: () => Promise<ProcessCredentials>): Promise<ProcessCredentials> {
  const files = cacheFiles(options);
  const lookup = () => lookupCached(options, options.startedAt);
  const refreshAndKeep = async () => {
    const credentials = await refresh();
    try {
      storeCredentials(options, credentials);
    } catch (error) {
      options.warn(`the credentials were not cached (${(error as Error).message}); the next call refreshes again`);
    }
    return credentials;
  };
  try {
    const { root, cacheDir } = jobPaths(options.runnerTemp);
    for (const folder of [root, cacheDir, files.dir]) ensurePrivateDir(folder);
  } catch (error) {
    options.warn(`no credential cache (${(error as Error).message}); refreshing without one`);
    return refresh();
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
      breakLock(files.lock);
      continue;
    }
    if (Date.now() > giveUpAt) return refreshAndKeep();
    await sleep(POLL_MS);
    const finished = lookup();
    if (finished) return finished;
  }
}
