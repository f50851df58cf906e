/**
 * The job's own files and folders, checked as they are opened: never through a symlink (O_NOFOLLOW,
 * lstat), only a regular file or a real folder, only one owned by the user this process runs as,
 * and only owner-only (0600 files). RUNNER_TEMP may be shared (a sticky folder on a self-hosted
 * runner): another user who planted `keyless`, a profile file, a cache entry or a lock there must
 * not have it used as ours. node:fs only: the credential process's cache hit reads through this.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readSync, writeSync, type Stats } from 'node:fs';

/** The effective uid, or undefined where there is none (Windows): then ownership is not checked. */
export function currentUid(): number | undefined {
  return typeof process.geteuid === 'function' ? process.geteuid() : undefined;
}

/** Set by an entry point run as root through sudo: the invoking user, whose files root may trust. */
let sudoInvoker: number | undefined;

/**
 * A process run as root by `sudo` from the job's user (SUDO_UID, read by the entry point) also
 * trusts that user's files: whoever may run sudo is as trusted as root already.
 */
export function trustSudoInvoker(uid: number | undefined): void {
  sudoInvoker = currentUid() === 0 && uid !== undefined && Number.isInteger(uid) && uid > 0 ? uid : undefined;
}

/** Why this file or folder is not ours, or undefined when it is. */
export function notOwnedProblem(stat: Pick<Stats, 'uid'>, uid: number | undefined = currentUid()): string | undefined {
  if (uid === undefined || stat.uid === uid || (uid === 0 && stat.uid === sudoInvoker)) return undefined;
  return `it is owned by uid ${stat.uid}, not by this job's user (uid ${uid})`;
}

/** Thrown for a file or folder that is someone else's, a link, or wider than owner-only. */
export class UntrustedPathError extends Error {
  constructor(path: string, problem: string) {
    super(`refusing ${JSON.stringify(path)}: ${problem}`);
    this.name = 'UntrustedPathError';
  }
}

/** Throws unless `stat` is a real folder owned by us. (Its mode is the caller's business: it may tighten it.) */
export function checkOwnDir(path: string, stat: Stats): void {
  if (stat.isSymbolicLink()) throw new UntrustedPathError(path, 'it is a symlink, not a folder');
  if (!stat.isDirectory()) throw new UntrustedPathError(path, 'it is not a folder');
  const problem = notOwnedProblem(stat);
  if (problem) throw new UntrustedPathError(path, problem);
}

/** Throws unless `stat` is a regular file owned by us and readable by nobody else. */
export function checkOwnFile(path: string, stat: Stats): void {
  if (!stat.isFile()) throw new UntrustedPathError(path, 'it is not a regular file');
  const problem = notOwnedProblem(stat);
  if (problem) throw new UntrustedPathError(path, problem);
  if ((stat.mode & 0o077) !== 0) throw new UntrustedPathError(path, `its mode is ${(stat.mode & 0o777).toString(8).padStart(4, '0')}, not owner-only (0600)`);
}

// O_NOFOLLOW: a symlink in the last component fails (ELOOP) instead of being followed.
// O_NONBLOCK: a FIFO planted in the file's place does not hang the open; fstat then refuses it.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const NON_BLOCK = constants.O_NONBLOCK ?? 0;

function openNoFollow(path: string, flags: number, mode?: number): number {
  try {
    return openSync(path, flags | NO_FOLLOW | NON_BLOCK, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new UntrustedPathError(path, 'it is a symlink');
    // Opened for writing: a folder (EISDIR), or a FIFO with no reader (ENXIO).
    if (code === 'EISDIR' || code === 'ENXIO') throw new UntrustedPathError(path, 'it is not a regular file');
    throw error;
  }
}

/**
 * The text of one of the job's private files, or undefined when it does not exist. Throws
 * UntrustedPathError for a symlink, anything but a regular file, another user's file, or a file
 * that others may read or write.
 */
export function readPrivateFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openNoFollow(path, constants.O_RDONLY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    checkOwnFile(path, fstatSync(fd));
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

export interface OwnedObservation {
  /** The content, read only from a regular file of ours (at most `limit` bytes' worth). */
  readonly text: string | undefined;
  readonly mtimeMs: number;
  /** False for a symlink, anything but a regular file, another user's file, or one others may read. */
  readonly ownedByUs: boolean;
}

/** What is at `path` (undefined when nothing is), without following a symlink and without trusting it. */
export function readOwnedNoFollow(path: string, limit = 4096): OwnedObservation | undefined {
  let fd: number;
  try {
    fd = openNoFollow(path, constants.O_RDONLY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (!(error instanceof UntrustedPathError)) throw error;
    return { text: undefined, mtimeMs: lstatSync(path).mtimeMs, ownedByUs: false };
  }
  try {
    const stat = fstatSync(fd);
    try {
      checkOwnFile(path, stat);
    } catch {
      return { text: undefined, mtimeMs: stat.mtimeMs, ownedByUs: false };
    }
    const buffer = Buffer.alloc(limit);
    const length = readSync(fd, buffer, 0, limit, 0);
    return { text: buffer.subarray(0, length).toString('utf8'), mtimeMs: stat.mtimeMs, ownedByUs: true };
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends `text` in one write, creating the file owner-only. A symlink in its place, another
 * user's file or one that others may read is refused before anything is written.
 */
export function appendPrivateFile(path: string, text: string): void {
  const fd = openNoFollow(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
  try {
    checkOwnFile(path, fstatSync(fd));
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Whether `path` exists as a real folder of ours; throws UntrustedPathError when something else is there. */
export function ownDirExists(path: string): boolean {
  try {
    checkOwnDir(path, lstatSync(path));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
