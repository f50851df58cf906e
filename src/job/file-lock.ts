/**
 * A lock file that lets one of several concurrent processes do a piece of work (a credential
 * refresh) while the others wait for its result. It only saves work: nothing depends on it for
 * correctness (the result is replaced atomically), so a lock broken by mistake costs one extra
 * request, never a wrong answer. The staleness rule is pure; the rest is the file system.
 */
import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

export interface LockInfo {
  readonly pid: number;
  /** The pid means something only on the host (PID namespace) that wrote it. */
  readonly host: string;
  /** Tells this holder's lock from a later one at the same path. */
  readonly nonce: string;
  readonly createdAt: number;
  /** When the holder gives up on its own (its action-timeout-s): past this, nobody is working under it. */
  readonly deadlineAt: number;
}

export interface LockObservation {
  /** Undefined when the content cannot be read as a lock (damaged). */
  readonly info: LockInfo | undefined;
  readonly mtimeMs: number;
}

export interface StalenessFacts {
  readonly host: string;
  readonly pidAlive: (pid: number) => boolean;
  /** For a damaged lock, which names no deadline: the longest a holder may work. */
  readonly defaultTimeoutMs: number;
}

/** A holder past its own deadline may still be writing its result: respected this much longer. */
export const LOCK_GRACE_MS = 5000;

/** Pure: a lock is stale when its holder is gone (same host) or past its deadline. */
export function isLockStale(lock: LockObservation, nowMs: number, facts: StalenessFacts): boolean {
  const { info } = lock;
  if (!info) return nowMs > lock.mtimeMs + facts.defaultTimeoutMs + LOCK_GRACE_MS;
  if (nowMs > info.deadlineAt + LOCK_GRACE_MS) return true;
  return info.host === facts.host && !facts.pidAlive(info.pid);
}

export function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockInfo> | null;
    const ok =
      value !== null &&
      typeof value === 'object' &&
      Number.isInteger(value.pid) &&
      typeof value.host === 'string' &&
      typeof value.nonce === 'string' &&
      Number.isFinite(value.createdAt) &&
      Number.isFinite(value.deadlineAt);
    return ok ? (value as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

export function newLockInfo(nowMs: number, timeoutMs: number): LockInfo {
  return { pid: process.pid, host: hostname(), nonce: randomUUID(), createdAt: nowMs, deadlineAt: nowMs + timeoutMs };
}

/** Signal 0 checks that the process exists; EPERM means it does, under another user. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function stalenessFacts(defaultTimeoutMs: number): StalenessFacts {
  return { host: hostname(), pidAlive, defaultTimeoutMs };
}

/**
 * Creates the lock with its content in one step (a hard link to a complete temporary file fails
 * if the lock exists), so no one ever sees an empty lock. True when the lock is now ours.
 */
export function tryAcquireLock(path: string, info: LockInfo): boolean {
  const temporary = `${path}.${info.nonce}.tmp`;
  writeFileSync(temporary, JSON.stringify(info), { encoding: 'utf8', mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** The lock as it is now, or undefined when there is none. */
export function observeLock(path: string): LockObservation | undefined {
  try {
    const { mtimeMs } = statSync(path);
    return { info: parseLockInfo(readFileSync(path, 'utf8')), mtimeMs };
  } catch {
    return undefined;
  }
}

/** Moves a stale lock out of the way (rename is atomic: of two breakers, one wins) and deletes it. */
export function breakLock(path: string): void {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  rmSync(aside, { force: true });
}

/** Removes the lock if it is still this holder's (it may have been broken and taken since). */
export function releaseLock(path: string, info: LockInfo): void {
  if (observeLock(path)?.info?.nonce === info.nonce) rmSync(path, { force: true });
}
