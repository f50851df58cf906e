/**
 * Where Keyless keeps its job-scoped files: under RUNNER_TEMP, which the runner empties after
 * every job, never under ~/.aws (shared by every job on a self-hosted runner).
 */
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { KeylessError } from '../shared/errors.js';
import { checkOwnDir } from './private-files.js';

export interface JobPaths {
  /** $RUNNER_TEMP/keyless */
  readonly root: string;
  readonly auditFile: string;
  /** Profile files: config, credentials, and the credential-process configurations. */
  readonly awsDir: string;
  readonly configFile: string;
  readonly credentialsFile: string;
  readonly processConfigDir: string;
  /** Caches that only save requests: the credential process's credentials, the issuers' keys. The post step deletes it. */
  readonly cacheDir: string;
  readonly credentialCacheDir: string;
  readonly keyCacheDir: string;
}

export function jobPaths(runnerTemp: string): JobPaths {
  const root = join(runnerTemp, 'keyless');
  const awsDir = join(root, 'aws');
  const cacheDir = join(root, 'cache');
  return {
    root,
    auditFile: join(root, 'audit.jsonl'),
    awsDir,
    configFile: join(awsDir, 'config'),
    credentialsFile: join(awsDir, 'credentials'),
    processConfigDir: join(awsDir, 'credential-process'),
    cacheDir,
    credentialCacheDir: join(cacheDir, 'credentials'),
    keyCacheDir: join(cacheDir, 'jwks'),
  };
}

/**
 * Pure: the RUNNER_TEMP a credential-process configuration was written under, from its own path
 * (RUNNER_TEMP/keyless/aws/credential-process/NAME.json), or undefined when it lies elsewhere. The
 * profile's command line names this path, so a tool run with another environment (`env -i`,
 * `sudo`, a container that mounts the folder at the same path) still finds the job's cache.
 */
export function runnerTempOfProcessConfig(configFile: string): string | undefined {
  const folder = dirname(resolve(configFile));
  const runnerTemp = dirname(dirname(dirname(folder)));
  return jobPaths(runnerTemp).processConfigDir === folder && runnerTemp !== folder ? runnerTemp : undefined;
}

/** The job's paths, or a clear error naming what needs them. */
export function requireJobPaths(runnerTemp: string | undefined, purpose: string): JobPaths {
  if (!runnerTemp) {
    throw new KeylessError('runner-temp-missing', `${purpose} needs RUNNER_TEMP (the runner sets it for every job), and it is not set.`, [
      'Outside GitHub Actions, set RUNNER_TEMP to a directory that only this job uses.',
    ]);
  }
  return jobPaths(runnerTemp);
}

/**
 * Creates the directory owner-only, or checks an existing one: a real directory (not a symlink
 * someone planted) owned by this user, tightened to 0700. Another user's folder is refused, not
 * adopted: in a shared sticky RUNNER_TEMP they could still swap what is inside it. Returns whether
 * it was created now.
 */
export function ensurePrivateDir(path: string): boolean {
  let created = false;
  try {
    created = mkdirSync(path, { recursive: true, mode: 0o700 }) !== undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stat = lstatSync(path);
  checkOwnDir(path, stat);
  if (!created && (stat.mode & 0o077) !== 0) chmodSync(path, 0o700);
  return created;
}
