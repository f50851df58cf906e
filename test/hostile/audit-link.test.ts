/**
 * Issue 21 item 6: the audit trail is appended only to the job's own file. A symlink planted at
 * RUNNER_TEMP/keyless/audit.jsonl (to a file the job's user may write: a profile, a script, a
 * shell's rc file) or another user's file there is refused, with a warning, by the action and by
 * a credential-process refresh; the file it points at stays as it was.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearCredentialCache, credentialProcessLine, runCommandLine } from '../helpers/profiles.js';
import { useJobScene } from '../helpers/job-scene.js';
import { giveToOtherUser, IS_ROOT, skipReasonUnlessRoot } from '../helpers/other-user.js';

const scene = useJobScene();

const auditFile = () => join(scene.job.runnerTemp, 'keyless', 'audit.jsonl');

/** The victim: a file the job's user may write, that the link points at. */
function plantLink(): string {
  const victim = join(scene.outside, 'victim.sh');
  writeFileSync(victim, 'echo hello\n', { mode: 0o600 });
  mkdirSync(join(scene.job.runnerTemp, 'keyless'), { mode: 0o700 });
  symlinkSync(victim, auditFile());
  return victim;
}

describe('the audit trail and links', () => {
  it('the action refuses a symlinked audit.jsonl: the target is unchanged, the credentials still come, a warning says why', async () => {
    const victim = plantLink();
    const step = await scene.job.step({ ...scene.fakes.inputs });
    expect(step.exitCode, step.stdout).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('echo hello\n');
    expect(step.stdout).toMatch(/::warning::No audit record was written: refusing .*audit\.jsonl.*it is a symlink/);
    expect(step.env.AWS_ACCESS_KEY_ID).toBeTruthy();
  });

  it('a refresh of the credential process refuses it too, and says so on stderr', async () => {
    const step = await scene.job.step({ ...scene.fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long' });
    expect(step.exitCode, step.stdout).toBe(0);
    const command = credentialProcessLine(step.env.AWS_CONFIG_FILE!, 'long');
    clearCredentialCache(scene.job);
    rmSync(auditFile());
    const victim = join(scene.outside, 'victim.sh');
    writeFileSync(victim, 'echo hello\n', { mode: 0o600 });
    symlinkSync(victim, auditFile());
    const run = await runCommandLine(command, { ...scene.job.env, AWS_ENDPOINT_URL_STS: undefined });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('echo hello\n');
    expect(run.stderr).toMatch(/warning: no audit record was written: refusing .*it is a symlink/);
  });

  it.skipIf(!IS_ROOT)("another user's audit.jsonl is not appended to", async () => {
    mkdirSync(join(scene.job.runnerTemp, 'keyless'), { mode: 0o700 });
    writeFileSync(auditFile(), '', { mode: 0o600 });
    giveToOtherUser(auditFile());
    const step = await scene.job.step({ ...scene.fakes.inputs });
    expect(step.exitCode, step.stdout).toBe(0);
    expect(readFileSync(auditFile(), 'utf8')).toBe('');
    expect(step.stdout).toMatch(/::warning::No audit record was written: refusing .*owned by uid 65534/);
  });
  skipReasonUnlessRoot();
});
