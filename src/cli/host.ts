/**
 * What the audit, test and prove commands need from the machine: files, directories, standard
 * input, and IAM for `--live`. The entry point supplies the real one; the commands see only this.
 */
import { readdirSync, statSync } from 'node:fs';
import { READ_LIMITS, readFileBoundedSync, readStreamBounded } from '../shared/bounded-read.js';
import type { RoleLister } from '../trust/audit/live.js';

export interface CommandHost {
  /** The working directory: relative paths and SARIF artifact URIs are relative to it. */
  readonly cwd: string;
  /** Reads a UTF-8 regular file of at most READ_LIMITS.iacFile; throws BoundedReadError naming it. */
  readText(path: string): string;
  /** At most READ_LIMITS.iacFile; throws BoundedReadError. */
  readStdin(): Promise<string>;
  isDirectory(path: string): boolean;
  /** A directory's entries. */
  entries(dir: string): { name: string; directory: boolean }[];
  /** The IAM client for --live (loads the AWS SDK). */
  roleLister(): Promise<RoleLister>;
}

export interface HostSettings {
  readonly cwd: string;
  /** The region the IAM client is built for (IAM is global; the SDK needs one anyway). */
  readonly awsRegion: string;
}

export function nodeHost(settings: HostSettings): CommandHost {
  return {
    cwd: settings.cwd,
    readText: (path) => readFileBoundedSync(path, { maxBytes: READ_LIMITS.iacFile }),
    readStdin: async () => {
      // A stream, not readFileSync(0): a pipe's fd may be non-blocking (EAGAIN).
      return readStreamBounded(process.stdin, { maxBytes: READ_LIMITS.iacFile, name: '(standard input)' });
    },
    isDirectory: (path) => statSync(path).isDirectory(),
    entries: (dir) => readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, directory: e.isDirectory() })),
    roleLister: async () => (await import('../trust/audit/live-sdk.js')).sdkRoleLister({ region: settings.awsRegion }),
  };
}
