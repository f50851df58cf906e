/** Small file helpers for the job-scoped files: atomic owner-only writes, reads that refuse symlinks and other users' files. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { readPrivateFile } from './private-files.js';
import { randomUUID } from 'node:crypto';

/**
 * Writes a whole file at once: a reader (the AWS CLI in a later step, or a credential process)
 * sees the old content or the new, never half of it. The file is owner-only (0600).
 */
export function writeFileAtomic(path: string, content: string): void {
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    writeFileSync(temporary, content, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The file's text, or undefined when it does not exist. Refuses a symlink, another user's file, or one others may read. */
export const readRegularFile = readPrivateFile;
