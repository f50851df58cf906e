/** Small file helpers for the job-scoped files: atomic owner-only writes, reads that refuse symlinks. */
import { lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/** The file's text, or undefined when it does not exist. Refuses anything but a regular file. */
export function readRegularFile(path: string): string | undefined {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!stat.isFile()) throw new Error(`${path} is not a regular file (a symlink or a directory is in the way)`);
  return readFileSync(path, 'utf8');
}
