/**
 * Issue 22 section 6: a refreshing profile uses the job's credential cache even when the tool that
 * runs it has no RUNNER_TEMP in its environment (`env -i`, `sudo`, a container with the job's
 * folder mounted at the same path): the credential process finds the job's folder from its own
 * configuration's path, which the profile's command line names. The real AWS CLI, run through
 * `env -i` with a minimal environment; AssumeRoleWithWebIdentity requests counted at the loopback STS.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AWS_CLI, clearCredentialCache, credentialProcessLine, runCommandLine } from '../helpers/profiles.js';
import { giveToOtherUser, IS_ROOT, OTHER_UID, skipReasonUnlessRoot } from '../helpers/other-user.js';
import { useJobScene } from '../helpers/job-scene.js';

const execFileAsync = promisify(execFile);

/**
 * Debian's CLI where it is installed (CI); else a pip-installed one, by its real path: a pyenv
 * shim needs pyenv's variables, which `env -i` drops.
 */
function findAwsCli(): string | undefined {
  if (AWS_CLI) return AWS_CLI;
  const found = spawnSync('/bin/sh', ['-c', 'pyenv which aws 2>/dev/null || command -v aws'], { encoding: 'utf8' }).stdout.trim();
  return found && existsSync(found) && !found.includes('/shims/') ? found : undefined;
}
const CLI = findAwsCli();
if (!CLI) console.warn('skipped: no AWS CLI (install Debian package awscli)');

// The scene's folder outside the job is the AWS CLI's HOME: no ~/.aws of the machine running the tests.
const scene = useJobScene();
beforeEach(async () => {
  const step = await scene.job.step({ ...scene.fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long' });
  expect(step.exitCode, step.stdout).toBe(0);
  scene.fakes.sts.calls.length = 0;
});

const assumeCalls = () => scene.fakes.assumeCalls();

/**
 * `env -i NAME=VALUE… aws sts get-caller-identity`: no RUNNER_TEMP, nothing of the job's but what
 * is given. The CLI's own call goes to the loopback STS by flag (older CLIs ignore
 * AWS_ENDPOINT_URL_STS); the profile's program has its endpoint pinned in its configuration.
 */
async function awsWithEnvI(extra: Record<string, string> = {}): Promise<string> {
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: scene.outside,
    AWS_CONFIG_FILE: scene.job.env.AWS_CONFIG_FILE!,
    AWS_PROFILE: 'long',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  const { stdout } = await execFileAsync('/usr/bin/env', ['-i', ...assignments, CLI!, 'sts', 'get-caller-identity', '--endpoint-url', scene.fakes.sts.url, '--output', 'json'], { timeout: 60_000 });
  return (JSON.parse(stdout) as { Account: string }).Account;
}

describe.skipIf(!CLI)('the AWS CLI with a minimal environment (env -i)', () => {
  it("three calls with no RUNNER_TEMP and no token variables: the action's cached credentials serve all, no AssumeRoleWithWebIdentity", async () => {
    for (let i = 0; i < 3; i++) expect(await awsWithEnvI()).toBe('123456789012');
    expect(assumeCalls()).toBe(0);
    expect(scene.fakes.sts.calls.filter((c) => c.action === 'GetCallerIdentity')).toHaveLength(3);
  });

  it('on a cold cache, three calls with the token variables but no RUNNER_TEMP: one refresh for all three', async () => {
    clearCredentialCache(scene.job);
    const tokenVariables = { ACTIONS_ID_TOKEN_REQUEST_URL: scene.fakes.env.ACTIONS_ID_TOKEN_REQUEST_URL!, ACTIONS_ID_TOKEN_REQUEST_TOKEN: scene.fakes.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN! };
    for (let i = 0; i < 3; i++) expect(await awsWithEnvI(tokenVariables)).toBe('123456789012');
    expect(assumeCalls()).toBe(1);
  });
});

describe.skipIf(!IS_ROOT)('run as root through sudo by the job user (SUDO_UID), with no RUNNER_TEMP', () => {
  /** The job's folder as the job user (here: the second user) left it; the credential process runs as root. */
  function handJobToOtherUser(): string[] {
    const paths = readdirSync(join(scene.job.runnerTemp, 'keyless'), { recursive: true, encoding: 'utf8' }).map((path) => join(scene.job.runnerTemp, 'keyless', path));
    giveToOtherUser(join(scene.job.runnerTemp, 'keyless'), ...paths);
    return paths;
  }
  const command = () => credentialProcessLine(scene.job.env.AWS_CONFIG_FILE!, 'long');
  const env = (extra: Record<string, string>) => ({ PATH: '/usr/bin:/bin', ...extra });

  it("trusts the invoking user's files: the job's cached credentials, no AssumeRoleWithWebIdentity", async () => {
    handJobToOtherUser();
    const run = await runCommandLine(command(), env({ SUDO_UID: String(OTHER_UID) }));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(assumeCalls()).toBe(0);
  });

  it("without SUDO_UID the same files are another user's: refused", async () => {
    handJobToOtherUser();
    const run = await runCommandLine(command(), env({}));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/refusing .* owned by uid 65534/);
    expect(assumeCalls()).toBe(0);
  });
});
skipReasonUnlessRoot();
