/**
 * A lock file that lets one of several concurrent processes do a piece of work (a credential
 * refresh) while the others wait for its result. It only saves work: nothing depends on it for
 * correctness (the result is replaced atomically), so a lock broken by mistake costs one extra
 * request, never a wrong answer. The staleness rule is pure; the rest is the file system.
 */
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { notOwnedProblem, readOwnedNoFollow } from './private-files.js';
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
  /** False for a symlink, or a file of another user: no invocation of ours made it. */
  readonly ownedByUs: boolean;
}

export interface StalenessFacts {
  readonly host: string;
  /** A live process of this user: only such a process can be working under one of our locks. */
  readonly isOurLiveProcess: (pid: number) => boolean;
  /**
   * The longest a holder may work: the lock's key includes action-timeout-s, so every holder of
   * it has this same timeout. Also the limit for a damaged lock, which names no deadline.
   */
  readonly timeoutMs: number;
}

/** A holder past its own deadline may still be writing its result: respected this much longer. */
export const LOCK_GRACE_MS = 5000;

/**
 * Pure: a lock is stale when no invocation of ours can be working under it: it is not our file
 * (planted), its holder is past its deadline, it claims a deadline or a start no holder of this
 * key could have (planted to stall every refresh), or its holder (same host) is no live process
 * of this user.
 */
export function isLockStale(lock: LockObservation, nowMs: number, facts: StalenessFacts): boolean {
  const { info } = lock;
  if (!lock.ownedByUs) return true;
  if (!info) return nowMs > lock.mtimeMs + facts.timeoutMs + LOCK_GRACE_MS;
  if (nowMs > info.deadlineAt + LOCK_GRACE_MS) return true;
  if (info.deadlineAt > nowMs + facts.timeoutMs + LOCK_GRACE_MS || info.createdAt > nowMs + LOCK_GRACE_MS) return true;
  return info.host === facts.host && !facts.isOurLiveProcess(info.pid);
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

/**
 * Signal 0 checks that the process exists; EPERM means it does, under another user, so not ours.
 * A root process may signal anyone: where /proc is there, its owner is checked too.
 */
export function isOurLiveProcess(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const uids = /^Uid:\s+\d+\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return !uids || notOwnedProblem({ uid: Number(uids[1]) }) === undefined;
  } catch {
    return true; // no /proc (macOS): kill's answer is all there is
  }
}

export function stalenessFacts(timeoutMs: number): StalenessFacts {
  return { host: hostname(), isOurLiveProcess, timeoutMs };
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

/** The lock as it is now, or undefined when there is none. Never through a symlink. */
export function observeLock(path: string): LockObservation | undefined {
  try {
    const seen = readOwnedNoFollow(path);
    if (!seen) return undefined;
    return { info: seen.text === undefined ? undefined : parseLockInfo(seen.text), mtimeMs: seen.mtimeMs, ownedByUs: seen.ownedByUs };
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
