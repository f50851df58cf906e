/** The job's private files on a real file system: what is read, appended to, or refused, and why. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendPrivateFile, ownDirExists, readOwnedNoFollow, readPrivateFile } from '../../src/job/private-files.js';
import { giveToOtherUser, IS_ROOT } from '../helpers/other-user.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyless-private-'));
  writeFileSync(join(dir, 'target'), 'outside\n', { mode: 0o600 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Plant = (path: string) => void;
const PLANTS: [string, Plant, RegExp][] = [
  ['a symlink to a file of ours', (path) => symlinkSync(join(dir, 'target'), path), /it is a symlink/],
  ['a dangling symlink', (path) => symlinkSync(join(dir, 'nowhere'), path), /it is a symlink/],
  ['a folder', (path) => mkdirSync(path), /it is not a regular file/],
  ['a FIFO (the open must not hang)', (path) => execFileSync('mkfifo', ['-m', '600', path]), /it is not a regular file/],
  ['a file others may read', (path) => writeFileSync(path, 'x', { mode: 0o644 }), /its mode is 0644/],
  ['a file others may write', (path) => (writeFileSync(path, 'x', { mode: 0o600 }), chmodSync(path, 0o622)), /its mode is 0622/],
];
if (IS_ROOT) PLANTS.push(["another user's file", (path) => (writeFileSync(path, 'x', { mode: 0o600 }), giveToOtherUser(path)), /owned by uid 65534/]);

describe('readPrivateFile and appendPrivateFile', () => {
  it('read back what was appended; a missing file is undefined; new files are 0600', () => {
    const file = join(dir, 'mine');
    expect(readPrivateFile(file)).toBeUndefined();
    appendPrivateFile(file, 'one\n');
    appendPrivateFile(file, 'two\n');
    expect(readPrivateFile(file)).toBe('one\ntwo\n');
    expect(readOwnedNoFollow(file)).toMatchObject({ text: 'one\ntwo\n', ownedByUs: true });
  });

  it.each(PLANTS)('refuse %s, and leave what it points to alone', (_name, plant, reason) => {
    const path = join(dir, 'planted');
    plant(path);
    expect(() => readPrivateFile(path)).toThrow(reason);
    expect(() => appendPrivateFile(path, 'injected\n')).toThrow(reason);
    expect(readOwnedNoFollow(path)?.ownedByUs).toBe(false);
    expect(readFileSync(join(dir, 'target'), 'utf8')).toBe('outside\n');
  });
});

describe('ownDirExists', () => {
  it('knows a folder of ours, and that a missing one is not there', () => {
    expect(ownDirExists(dir)).toBe(true);
    expect(ownDirExists(join(dir, 'missing'))).toBe(false);
  });

  it('refuses a symlink to a folder of ours', () => {
    symlinkSync(dir, join(dir, 'link'));
    expect(() => ownDirExists(join(dir, 'link'))).toThrow(/it is a symlink, not a folder/);
  });

  it.skipIf(!IS_ROOT)("refuses another user's folder", () => {
    mkdirSync(join(dir, 'theirs'));
    giveToOtherUser(join(dir, 'theirs'));
    expect(() => ownDirExists(join(dir, 'theirs'))).toThrow(/owned by uid 65534/);
  });
});
