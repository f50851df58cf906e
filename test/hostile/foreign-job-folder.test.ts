/**
 * Issue 21 item 2: another user's RUNNER_TEMP/keyless is not adopted. In a shared sticky
 * RUNNER_TEMP (a self-hosted runner), another user can create `keyless` first and swap what is
 * inside it later: a config whose credential_process is theirs would run as the job's user (root,
 * here). Every folder and file Keyless uses must be its user's own, a real folder or file (no
 * link), and the profile step refuses anything else before it requests a token.
 */
import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearCredentialCache, credentialProcessLine, runCommandLine } from '../helpers/profiles.js';
import { useJobScene } from '../helpers/job-scene.js';
import { giveToOtherUser, IS_ROOT, skipReasonUnlessRoot } from '../helpers/other-user.js';

const scene = useJobScene();

const keyless = () => join(scene.job.runnerTemp, 'keyless');
const PLANTED_CONFIG = '[profile deploy]\ncredential_process = /bin/sh -c "touch /tmp/keyless-pwned"\n';

/** The other user's `keyless/aws/config`, world-writable folders as they would leave them. */
function plantForeignFolder(): string {
  const aws = join(keyless(), 'aws');
  mkdirSync(aws, { recursive: true });
  const config = join(aws, 'config');
  writeFileSync(config, PLANTED_CONFIG);
  chmodSync(keyless(), 0o777);
  chmodSync(aws, 0o777);
  giveToOtherUser(keyless(), aws, config);
  return config;
}

describe.skipIf(!IS_ROOT)("another user's keyless folder", () => {
  it.each([
    ['a fixed profile', { 'aws-profile': 'deploy', 'overwrite-aws-profile': 'true' }],
    ['a refreshing profile', { 'aws-profile': 'deploy', 'refresh-credentials': 'true', 'overwrite-aws-profile': 'true' }],
  ])('%s: refused before any request, naming the folder and its owner; their config is left as it was', async (_name, inputs) => {
    const config = plantForeignFolder();
    const step = await scene.job.step({ ...scene.fakes.inputs, ...inputs });
    expect(step.exitCode).not.toBe(0);
    expect(step.errors.join('\n')).toMatch(/Could not write AWS profile "deploy": refusing ".*keyless": it is owned by uid 65534, not by this job's user \(uid 0\)/);
    expect(scene.fakes.sts.calls).toHaveLength(0);
    expect(scene.fakes.actionIssuerRequests()).toEqual([]);
    expect(readFileSync(config, 'utf8')).toBe(PLANTED_CONFIG);
    expect(step.env.AWS_CONFIG_FILE).toBeUndefined();
  });

  it('without a profile: the credentials come, and no audit record goes into their folder', async () => {
    plantForeignFolder();
    const step = await scene.job.step({ ...scene.fakes.inputs });
    expect(step.exitCode, step.stdout).toBe(0);
    expect(step.stdout).toMatch(/::warning::No audit record was written: refusing ".*keyless": it is owned by uid 65534/);
    expect(() => readFileSync(join(keyless(), 'audit.jsonl'))).toThrow(/ENOENT/);
  });

  it("the credential process refuses a configuration file that is another user's", async () => {
    const step = await scene.job.step({ ...scene.fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long' });
    expect(step.exitCode, step.stdout).toBe(0);
    const command = credentialProcessLine(step.env.AWS_CONFIG_FILE!, 'long');
    const configFile = /--config (\S+)/.exec(command)![1]!;
    giveToOtherUser(configFile);
    clearCredentialCache(scene.job);
    scene.fakes.sts.calls.length = 0;
    const run = await runCommandLine(command, { ...scene.job.env, AWS_ENDPOINT_URL_STS: undefined });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/Cannot read the credential-process configuration ".*long\.json": refusing .* owned by uid 65534/);
    expect(scene.fakes.sts.calls).toHaveLength(0);
  });
});
skipReasonUnlessRoot();

describe('links in place of the job folders', () => {
  it.each(['keyless', join('keyless', 'aws')])('%s as a symlink to another folder: the profile step refuses before any request', async (linked) => {
    mkdirSync(join(scene.outside, 'aws'), { recursive: true });
    mkdirSync(keyless(), { recursive: true, mode: 0o700 });
    if (linked === 'keyless') rmSync(keyless(), { recursive: true });
    symlinkSync(linked === 'keyless' ? scene.outside : join(scene.outside, 'aws'), join(scene.job.runnerTemp, linked));
    const step = await scene.job.step({ ...scene.fakes.inputs, 'aws-profile': 'deploy' });
    expect(step.exitCode).not.toBe(0);
    expect(step.errors.join('\n')).toMatch(/Could not write AWS profile "deploy": refusing .*: it is a symlink, not a folder/);
    expect(scene.fakes.sts.calls).toHaveLength(0);
    expect(() => readFileSync(join(scene.outside, 'aws', 'config'))).toThrow(/ENOENT/);
  });
});
