/**
 * Where the issuers' keys are kept within the job: RUNNER_TEMP/keyless/cache/jwks/SHA256(issuer).json
 * (0600 in 0700 folders), so later invocations of the action and every refresh of the credential
 * process skip discovery and the JWKS. A small interface, so the freshness rules stay pure; reading
 * never throws (anything damaged is no entry) and writing is atomic.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { ensurePrivateDir, jobPaths } from './paths.js';
import { readRegularFile, writeFileAtomic } from './files.js';

export interface KeptKeys {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly jwks: JSONWebKeySet;
  /** Epoch ms. */
  readonly fetchedAt: number;
  readonly expiresAt: number;
}

export interface KeyStore {
  read(issuer: string): KeptKeys | undefined;
  write(keys: KeptKeys): void;
  remove(issuer: string): void;
}

const VERSION = 1;

export function fileKeyStore(dir: string, parents: readonly string[] = []): KeyStore {
  const fileOf = (issuer: string) => join(dir, `${createHash('sha256').update(issuer, 'utf8').digest('hex')}.json`);
  return {
    read(issuer) {
      try {
        const value = JSON.parse(readRegularFile(fileOf(issuer)) ?? 'null') as (KeptKeys & { version: number }) | null;
        const valid =
          value?.version === VERSION &&
          value.issuer === issuer &&
          typeof value.jwksUri === 'string' &&
          Array.isArray(value.jwks?.keys) &&
          Number.isFinite(value.fetchedAt) &&
          Number.isFinite(value.expiresAt);
        return valid ? { issuer, jwksUri: value.jwksUri, jwks: value.jwks, fetchedAt: value.fetchedAt, expiresAt: value.expiresAt } : undefined;
      } catch {
        return undefined;
      }
    },
    write(keys) {
      for (const folder of [...parents, dir]) ensurePrivateDir(folder);
      writeFileAtomic(fileOf(keys.issuer), `${JSON.stringify({ version: VERSION, ...keys })}\n`);
    },
    remove(issuer) {
      rmSync(fileOf(issuer), { force: true });
    },
  };
}

/** The job's key store, or undefined outside a job (no RUNNER_TEMP): then keys are fetched every time. */
export function jobKeyStore(runnerTemp: string | undefined): KeyStore | undefined {
  if (!runnerTemp) return undefined;
  const paths = jobPaths(runnerTemp);
  return fileKeyStore(paths.keyCacheDir, [paths.root, paths.cacheDir]);
}
