/** The refresh lock: the staleness rule (pure, by table) and the lock file's life on a real file system. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { breakLock, isLockStale, LOCK_GRACE_MS, newLockInfo, observeLock, parseLockInfo, isOurLiveProcess, releaseLock, tryAcquireLock, type LockInfo } from '../../src/job/file-lock.js';

const NOW = 1_900_000_000_000;
const HERE = 'runner-host';
const holder = (overrides: Partial<LockInfo> = {}): LockInfo => ({ pid: 4242, host: HERE, nonce: 'n', createdAt: NOW - 1000, deadlineAt: NOW + 39_000, ...overrides });
const facts = (alive: boolean) => ({ host: HERE, isOurLiveProcess: () => alive, timeoutMs: 40_000 });

describe('isLockStale', () => {
  it.each<[string, LockInfo | undefined, number, boolean, boolean]>([
    // [what, lock content, lock mtime, holder pid alive, stale]
    ['a live holder within its deadline', holder(), NOW, true, false],
    ['a holder whose process is gone', holder(), NOW, false, true],
    ['a live holder just past its deadline (grace: it may be writing its result)', holder({ deadlineAt: NOW - LOCK_GRACE_MS + 1 }), NOW, true, false],
    ['a live holder past its deadline and the grace', holder({ deadlineAt: NOW - LOCK_GRACE_MS - 1 }), NOW, true, true],
    ["a holder on another host (container): its pid says nothing here", holder({ host: 'container' }), NOW, false, false],
    ['another host, past its deadline', holder({ host: 'container', deadlineAt: NOW - LOCK_GRACE_MS - 1 }), NOW, false, true],
    ['a damaged lock, recent', undefined, NOW - 1000, false, false],
    ['a damaged lock older than a refresh may take', undefined, NOW - 40_000 - LOCK_GRACE_MS - 1, false, true],
    // Planted to stall every refresh: a deadline or a start no holder of this key could have.
    ['a live holder whose deadline is further than any refresh may take', holder({ deadlineAt: NOW + 40_000 + LOCK_GRACE_MS + 1 }), NOW, true, true],
    ['a live holder whose deadline is ten years away, on another host', holder({ host: 'container', deadlineAt: NOW + 10 * 365 * 86_400_000 }), NOW, true, true],
    ['a live holder created in the future', holder({ createdAt: NOW + LOCK_GRACE_MS + 1 }), NOW, true, true],
  ])('%s', (_name, info, mtimeMs, alive, stale) => {
    expect(isLockStale({ info, mtimeMs, ownedByUs: true }, NOW, facts(alive))).toBe(stale);
  });

  it.each([
    ['a live holder within its deadline', holder()],
    ['a damaged lock, recent', undefined],
  ])('%s is stale at once when the lock file is not ours (another user, a symlink, wider than 0600)', (_name, info) => {
    expect(isLockStale({ info, mtimeMs: NOW, ownedByUs: false }, NOW, facts(true))).toBe(true);
    expect(isLockStale({ info, mtimeMs: NOW, ownedByUs: true }, NOW, facts(true))).toBe(false);
  });

  it.each(['', '{', '{"pid":"1"}', 'null', JSON.stringify({ ...holder(), deadlineAt: 'later' })])('parses %j as no lock info', (text) => {
    expect(parseLockInfo(text)).toBeUndefined();
  });

  it('knows this process is alive and ours, and an exited one is not', () => {
    expect(isOurLiveProcess(process.pid)).toBe(true);
    expect(isOurLiveProcess(spawnSync(process.execPath, ['-e', '']).pid!)).toBe(false);
    expect(isOurLiveProcess(0)).toBe(false);
    expect(isOurLiveProcess(-1)).toBe(false);
  });
});

describe('the lock file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyless-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('one holder at a time; created whole and owner-only; released only by its holder', () => {
    const path = join(dir, 'k.lock');
    const first = newLockInfo(NOW, 40_000);
    const second = newLockInfo(NOW, 40_000);
    expect(tryAcquireLock(path, first)).toBe(true);
    expect(tryAcquireLock(path, second)).toBe(false);
    expect(observeLock(path)?.info).toEqual(first);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    releaseLock(path, second);
    expect(existsSync(path)).toBe(true);
    releaseLock(path, first);
    expect(existsSync(path)).toBe(false);
    expect(tryAcquireLock(path, second)).toBe(true);
    // No temporary files left behind.
    expect(readdirSync(dir)).toEqual(['k.lock']);
  });

  it('a broken lock is gone, and breaking a lock that is already gone is no error', () => {
    const path = join(dir, 'k.lock');
    writeFileSync(path, 'damaged', { mode: 0o600 });
    expect(observeLock(path)?.info).toBeUndefined();
    breakLock(path);
    breakLock(path);
    expect(readdirSync(dir)).toEqual([]);
    expect(observeLock(path)).toBeUndefined();
  });
});
