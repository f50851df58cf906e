/**
 * The job's credential cache on disk: RUNNER_TEMP/keyless/cache/credentials/KEY.json (0600, in
 * 0700 folders), replaced atomically, and KEY.lock, which lets one of several concurrent
 * invocations refresh while the others wait for its result. Holds credentials only: never the
 * runner's request token, never an OIDC token. Anything unreadable is treated as no entry.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensurePrivateDir, jobPaths } from '../job/paths.js';
import { readRegularFile, writeFileAtomic } from '../job/files.js';
import { breakLock, isLockStale, LOCK_GRACE_MS, newLockInfo, observeLock, releaseLock, stalenessFacts, tryAcquireLock } from '../job/file-lock.js';
import { canHandOut, parseCacheEntry, serializeCacheEntry } from './cache-policy.js';
import type { ProcessCredentials } from './config.js';

/** How often a waiting invocation looks for the result: cheap (one small read), and well under a refresh. */
const POLL_MS = 25;

export interface CredentialCache {
  /** Credentials that may be handed out now, or undefined. Never throws. */
  lookup(): ProcessCredentials | undefined;
  /** Runs `refresh` once for all concurrent invocations, and keeps its result. */
  refreshOnce(refresh: () => Promise<ProcessCredentials>): Promise<ProcessCredentials>;
  /** Keeps credentials obtained elsewhere (the action's own). Throws on failure. */
  store(credentials: ProcessCredentials): void;
}

export interface CacheOptions {
  readonly runnerTemp: string;
  readonly key: string;
  /** When this invocation started (epoch ms): results that appear after it are as good as its own. */
  readonly startedAt: number;
  /** The longest a refresh may take (action-timeout-s): the lock's deadline. */
  readonly refreshTimeoutMs: number;
  readonly warn: (message: string) => void;
}

export function credentialCache(options: CacheOptions): CredentialCache {
  const dir = jobPaths(options.runnerTemp).credentialCacheDir;
  const entryFile = join(dir, `${options.key}.json`);
  const lockFile = join(dir, `${options.key}.lock`);

  const lookup = (): ProcessCredentials | undefined => {
    let text: string | undefined;
    try {
      text = readRegularFile(entryFile);
    } catch {
      return undefined;
    }
    const entry = parseCacheEntry(text, options.key);
    return entry && canHandOut(entry, { nowMs: Date.now(), startedAtMs: options.startedAt }) ? entry.credentials : undefined;
  };

  const ensureFolders = () => {
    const { root, cacheDir } = jobPaths(options.runnerTemp);
    for (const folder of [root, cacheDir, dir]) ensurePrivateDir(folder);
  };
  const store = (credentials: ProcessCredentials) => {
    ensureFolders();
    writeFileAtomic(entryFile, serializeCacheEntry({ version: 1, key: options.key, obtainedAt: Date.now(), credentials }));
  };
  const keep = (credentials: ProcessCredentials) => {
    try {
      store(credentials);
    } catch (error) {
      options.warn(`the credentials were not cached (${(error as Error).message}); the next call refreshes again`);
    }
  };

  async function refreshOnce(refresh: () => Promise<ProcessCredentials>): Promise<ProcessCredentials> {
    const refreshAndKeep = async () => {
      const credentials = await refresh();
      keep(credentials);
      return credentials;
    };
    try {
      ensureFolders();
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
        acquired = tryAcquireLock(lockFile, info);
      } catch (error) {
        options.warn(`the refresh lock cannot be taken (${(error as Error).message}); refreshing without it`);
        return refreshAndKeep();
      }
      if (acquired) {
        try {
          // Another invocation may have finished between this one's first look and its lock.
          const finished = lookup();
          if (finished) return finished;
          return await refreshAndKeep();
        } finally {
          releaseLock(lockFile, info);
        }
      }
      const held = observeLock(lockFile);
      if (held && isLockStale(held, Date.now(), facts)) {
        breakLock(lockFile);
        continue;
      }
      if (Date.now() > giveUpAt) return refreshAndKeep();
      await sleep(POLL_MS);
      const finished = lookup();
      if (finished) return finished;
    }
  }

  return { lookup, refreshOnce, store };
}
