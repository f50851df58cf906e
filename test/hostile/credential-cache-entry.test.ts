/**
 * Issue 21 item 7: a credential-cache entry replaced after the action is not handed out. The
 * entry must be the job user's own regular file (no link), owner-only, and its credentials must be
 * for an account the profile admits (its role's, within allowed-account-ids). Anything else is
 * ignored with a warning on stderr, and a refresh (with its audit record) takes its place.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, copyFileSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentialCacheEntries, credentialProcessLine, runCommandLine, type ProgramRun } from '../helpers/profiles.js';
import { giveToOtherUser, IS_ROOT, skipReasonUnlessRoot } from '../helpers/other-user.js';
import { useJobScene } from '../helpers/job-scene.js';

const scene = useJobScene();
let command: string;
let entryFile: string;
beforeEach(async () => {
  const step = await scene.job.step({ ...scene.fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long', 'allowed-account-ids': '123456789012' });
  expect(step.exitCode, step.stdout).toBe(0);
  command = credentialProcessLine(step.env.AWS_CONFIG_FILE!, 'long');
  [entryFile] = credentialCacheEntries(scene.job);
  scene.fakes.sts.calls.length = 0;
});

const ANOTHER_ACCOUNTS_KEYS = { AccessKeyId: 'ASIAOTHERACCOUNT0001', SecretAccessKey: 'other-secret', SessionToken: 'other-session-token' };
const assumeCalls = () => scene.fakes.assumeCalls();
const auditLines = () => readFileSync(join(scene.job.runnerTemp, 'keyless', 'audit.jsonl'), 'utf8').trim().split('\n').length;
const run = () => runCommandLine(command, { ...scene.job.env, AWS_ENDPOINT_URL_STS: undefined });

/** A refresh took the planted entry's place: STS was asked, a record written, fresh credentials handed out. */
function expectRefreshedPast(result: ProgramRun, auditBefore: number, warning: RegExp) {
  expect(result.exitCode, result.stderr).toBe(0);
  const handedOut = JSON.parse(result.stdout) as Record<string, string>;
  expect(handedOut.AccessKeyId).not.toBe(ANOTHER_ACCOUNTS_KEYS.AccessKeyId);
  expect(scene.fakes.sts.issued.has(handedOut.AccessKeyId!)).toBe(true);
  expect(assumeCalls()).toBe(1);
  expect(auditLines()).toBe(auditBefore + 1);
  expect(result.stderr).toMatch(warning);
}

describe('a replaced credential-cache entry', () => {
  it("another account's credentials, in a well-formed entry of ours: not handed out (allowed-account-ids, the role's account)", async () => {
    const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as { account: string; credentials: Record<string, string> };
    expect(entry.account).toBe('123456789012');
    writeFileSync(entryFile, JSON.stringify({ ...entry, account: '999999999999', credentials: { ...entry.credentials, ...ANOTHER_ACCOUNTS_KEYS } }));
    const before = auditLines();
    expectRefreshedPast(await run(), before, /warning: ignoring the cached credentials in ".*": its credentials are for account 999999999999, and this profile's role and allowed-account-ids admit only 123456789012/);
  });

  it('a symlink to a well-formed entry elsewhere: not followed', async () => {
    const planted = join(scene.outside, 'entry.json');
    copyFileSync(entryFile, planted);
    rmSync(entryFile);
    symlinkSync(planted, entryFile);
    const before = auditLines();
    expectRefreshedPast(await run(), before, /warning: ignoring the cached credentials: refusing ".*\.json": it is a symlink/);
  });

  it('an entry others may read (0644): not handed out', async () => {
    chmodSync(entryFile, 0o644);
    const before = auditLines();
    expectRefreshedPast(await run(), before, /warning: ignoring the cached credentials: refusing .*its mode is 0644, not owner-only/);
  });

  it.skipIf(!IS_ROOT)("an entry that is another user's file: not handed out, even with this job's own credentials in it", async () => {
    giveToOtherUser(entryFile);
    const before = auditLines();
    expectRefreshedPast(await run(), before, /warning: ignoring the cached credentials: refusing .* owned by uid 65534/);
  });
  skipReasonUnlessRoot();
});
