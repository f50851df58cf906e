/**
 * The real consumer: the AWS CLI (Debian's awscli) takes the credentials the action exported and
 * calls sts get-caller-identity against the loopback STS, which checks the SigV4 signature.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runAction, tampered } from '../helpers/runner.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';

const execFileAsync = promisify(execFile);
/** Debian's package, not a pip-installed v1 that may shadow it on PATH. */
const AWS_CLI = ['/usr/bin/aws', '/usr/local/bin/aws'].find((path) => existsSync(path));

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());

async function awsCli(args: string[], env: Record<string, string>) {
  const home = mkdtempSync(join(tmpdir(), 'keyless-cli-home-'));
  try {
    const { stdout } = await execFileAsync(AWS_CLI!, args, {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env,
      },
      timeout: 60_000,
    });
    return { ok: true as const, stdout, stderr: '' };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false as const, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('the AWS CLI uses what the action exported', () => {
  it('the AWS CLI is installed (.ci/run installs Debian awscli)', () => {
    // Outside CI a developer without the CLI sees this one failure, not a silent skip.
    expect(AWS_CLI, 'install Debian package awscli').toBeDefined();
  });

  it.runIf(AWS_CLI)('sts get-caller-identity succeeds with the exported variables and fails with a tampered secret', async () => {
    const run = await runAction({ inputs: fakes.inputs, env: fakes.env });
    expect(run.exitCode, run.stdout).toBe(0);
    const exported = {
      AWS_ACCESS_KEY_ID: run.env.AWS_ACCESS_KEY_ID!,
      AWS_SECRET_ACCESS_KEY: run.env.AWS_SECRET_ACCESS_KEY!,
      AWS_SESSION_TOKEN: run.env.AWS_SESSION_TOKEN!,
      AWS_REGION: run.env.AWS_REGION!,
      AWS_DEFAULT_REGION: run.env.AWS_DEFAULT_REGION!,
    };
    const callsBefore = fakes.sts.calls.length;
    const ok = await awsCli(['sts', 'get-caller-identity', '--endpoint-url', fakes.sts.url, '--output', 'json'], exported);
    expect(ok.ok, ok.stderr).toBe(true);
    expect(JSON.parse(ok.stdout)).toEqual({
      UserId: expect.stringMatching(/^AROA[A-Z0-9]+:GitHubActions-9876543210-1$/),
      Account: '123456789012',
      Arn: 'arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions-9876543210-1',
    });
    const cliCall = fakes.sts.calls[callsBefore]!;
    expect(cliCall.action).toBe('GetCallerIdentity');
    expect(String(cliCall.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIA/);

    const refused = await awsCli(['sts', 'get-caller-identity', '--endpoint-url', fakes.sts.url], {
      ...exported,
      AWS_SECRET_ACCESS_KEY: tampered(exported.AWS_SECRET_ACCESS_KEY),
    });
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toMatch(/SignatureDoesNotMatch/);
  });
});
