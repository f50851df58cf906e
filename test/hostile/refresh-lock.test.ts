/**
 * Issue 21 item 13: a planted refresh lock does not stall the credential process. A lock is
 * respected only while it can be the work of a concurrent invocation of this job: this user's own
 * regular file (no link), naming a live process of this user (same host), with a deadline no
 * further than a refresh of this profile may take. Anything else is broken at once, and the run
 * refreshes. A run that waited the lock out instead would leave it in place: each test checks that
 * it is gone.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { clearCredentialCache, credentialCacheDir, credentialCacheEntries, credentialProcessLine, runCommandLine } from '../helpers/profiles.js';
import { giveToOtherUser, IS_ROOT, otherUsersProcess, skipReasonUnlessRoot } from '../helpers/other-user.js';
import { useJobScene } from '../helpers/job-scene.js';

const scene = useJobScene();
let command: string;
let lock: string;
beforeEach(async () => {
  // A short timeout: a run that waited a planted lock out would take 10 s and the grace.
  const step = await scene.job.step({ ...scene.fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long', 'action-timeout-s': '10' });
  expect(step.exitCode, step.stdout).toBe(0);
  command = credentialProcessLine(step.env.AWS_CONFIG_FILE!, 'long');
  lock = credentialCacheEntries(scene.job)[0]!.replace(/\.json$/, '.lock');
  // A cold cache: the next run must refresh, and finds the planted lock first.
  clearCredentialCache(scene.job);
  mkdirSync(credentialCacheDir(scene.job), { mode: 0o700 });
  scene.fakes.sts.calls.length = 0;
});

/**
 * Within what a refresh of this profile may take (10 s and the 5 s grace), and stale only after
 * the run would have given up waiting (at 15 s): a run that waits leaves this lock in place.
 */
const PLAUSIBLE_MS = 12_000;
const lockContent = (holder: { pid: number; deadlineAt: number }) => JSON.stringify({ host: hostname(), nonce: 'planted', createdAt: Date.now(), ...holder });
const assumeCalls = () => scene.fakes.assumeCalls();

async function expectBrokenAndRefreshed(warning?: RegExp) {
  const run = await runCommandLine(command, { ...scene.job.env, AWS_ENDPOINT_URL_STS: undefined });
  expect(run.exitCode, run.stderr).toBe(0);
  expect(assumeCalls()).toBe(1);
  expect(existsSync(lock)).toBe(false);
  if (warning) expect(run.stderr).toMatch(warning);
  else expect(run.stderr).toBe('');
}

describe('a planted refresh lock', () => {
  it('naming a live process of ours (pid 1 when root, else this test) with a deadline ten years away: broken at once', async () => {
    writeFileSync(lock, lockContent({ pid: IS_ROOT ? 1 : process.pid, deadlineAt: Date.now() + 10 * 365 * 86_400_000 }), { mode: 0o600 });
    await expectBrokenAndRefreshed();
  });

  it('a symlink to a well-formed lock elsewhere: the link is broken, its target left alone', async () => {
    const target = join(scene.outside, 'held.lock');
    writeFileSync(target, lockContent({ pid: process.pid, deadlineAt: Date.now() + PLAUSIBLE_MS }), { mode: 0o600 });
    symlinkSync(target, lock);
    await expectBrokenAndRefreshed(/warning: broke a refresh lock that is not this user's own file/);
    expect(readFileSync(target, 'utf8')).toMatch(/planted/);
  });

  it.skipIf(!IS_ROOT)("another user's lock file, however plausible its content: broken at once", async () => {
    writeFileSync(lock, lockContent({ pid: process.pid, deadlineAt: Date.now() + PLAUSIBLE_MS }), { mode: 0o600 });
    giveToOtherUser(lock);
    await expectBrokenAndRefreshed(/warning: broke a refresh lock that is not this user's own file/);
  });

  it.skipIf(!IS_ROOT)("a lock of ours naming another user's live process: broken at once", async () => {
    const theirs = await otherUsersProcess();
    try {
      writeFileSync(lock, lockContent({ pid: theirs.pid, deadlineAt: Date.now() + PLAUSIBLE_MS }), { mode: 0o600 });
      await expectBrokenAndRefreshed();
    } finally {
      theirs.stop();
    }
  });
  skipReasonUnlessRoot();
});
