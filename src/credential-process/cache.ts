/**
 * The job's credential cache on disk: RUNNER_TEMP/keyless/cache/credentials/NAME.json (0600, in
 * 0700 folders; NAME from cacheFileName). This is the hit path, so it uses node:fs alone: writing
 * and the refresh lock are in cache-writer.ts, loaded on a miss. Holds credentials only: never the
 * runner's request token, never an OIDC token. Anything unreadable is treated as no entry.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobPaths } from '../job/paths.js';
import { cacheFileName, canHandOut, parseCacheEntry } from './cache-policy.js';
import type { ProcessCredentials } from './config.js';

export interface CacheLocation {
  readonly runnerTemp: string;
  /** credentialCacheKey(): the entry is used only when it holds exactly this key. */
  readonly key: string;
}

export interface CacheFiles {
  readonly dir: string;
  readonly entry: string;
  readonly lock: string;
}

export function cacheFiles(location: CacheLocation): CacheFiles {
  const dir = jobPaths(location.runnerTemp).credentialCacheDir;
  const name = cacheFileName(location.key);
  return { dir, entry: join(dir, `${name}.json`), lock: join(dir, `${name}.lock`) };
}

/**
 * Credentials that may be handed out now, or undefined. Never throws. `startedAt` is when this
 * invocation started: what was obtained after it is as good as a refresh of its own.
 */
export function lookupCached(location: CacheLocation, startedAt: number): ProcessCredentials | undefined {
  const { entry: file } = cacheFiles(location);
  let text: string;
  try {
    // A regular file only: not a symlink someone planted in the job's folder.
    if (!lstatSync(file).isFile()) return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const entry = parseCacheEntry(text, location.key);
  return entry && canHandOut(entry, { nowMs: Date.now(), startedAtMs: startedAt }) ? entry.credentials : undefined;
}
