/**
 * The job's credential cache on disk: RUNNER_TEMP/keyless/cache/credentials/NAME.json (0600, in
 * 0700 folders; NAME from cacheFileName). This is the hit path, so it uses node:fs alone: writing
 * and the refresh lock are in cache-writer.ts, loaded on a miss. Holds credentials only: never the
 * runner's request token, never an OIDC token. Anything unreadable is treated as no entry.
 */
import { join } from 'node:path';
import { jobPaths } from '../job/paths.js';
import { readPrivateFile } from '../job/private-files.js';
import { accountProblem, cacheFileName, canHandOut, parseCacheEntry } from './cache-policy.js';
import type { ProcessCredentials } from './config.js';

export interface CacheLocation {
  readonly runnerTemp: string;
  /** credentialCacheKey(): the entry is used only when it holds exactly this key. */
  readonly key: string;
  /** accountsFor(): the accounts whose credentials may be handed out; undefined: any. */
  readonly accounts: readonly string[] | undefined;
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
 * invocation started: what was obtained after it is as good as a refresh of its own. An entry
 * that is a symlink, another user's file, readable by others, or for an account this profile
 * does not admit is refused, with a warning: it was not written by this job's Keyless.
 */
export function lookupCached(location: CacheLocation, startedAt: number, warn: (message: string) => void = () => undefined): ProcessCredentials | undefined {
  const { entry: file } = cacheFiles(location);
  let text: string | undefined;
  try {
    text = readPrivateFile(file);
  } catch (error) {
    warn(`ignoring the cached credentials: ${(error as Error).message}`);
    return undefined;
  }
  const entry = parseCacheEntry(text, location.key);
  if (!entry) return undefined;
  const problem = accountProblem(entry, location.accounts);
  if (problem) {
    warn(`ignoring the cached credentials in ${JSON.stringify(file)}: ${problem}`);
    return undefined;
  }
  return canHandOut(entry, { nowMs: Date.now(), startedAtMs: startedAt }) ? entry.credentials : undefined;
}
