/**
 * Real consumers of a refreshing profile, each in its own processes, as a later step runs them:
 * the AWS CLI (Debian awscli), boto3 (Debian python3-boto3) and the AWS SDK for JavaScript v3
 * (fromIni, and the client's default chain). They run the built credential process themselves;
 * the loopback STS counts the assumptions and checks every signature.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakes, type Fakes } from '../helpers/fakes.js';
import { ROOT } from '../helpers/runner.js';
import { AWS_CLI, clearCredentialCache, runCommandLine, startJob, type Job, type ProgramRun } from '../helpers/profiles.js';

const CONSUMERS = join(ROOT, 'test', 'helpers', 'consumers');
const ARN = 'arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions-9876543210-1';
/** Debian's python3 with python3-boto3, not a python3 (pyenv, a venv) that may come first on PATH. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const HAS_BOTO3 = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import boto3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let fakes: Fakes;
let job: Job;
let home: string;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(async () => {
  fakes.sts.script();
  job = startJob(fakes.env);
  // AWS_PROFILE=long for later steps (output-env-credentials: true; a named profile alone exports only the files).
  const run = await job.step({ ...fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long', 'output-env-credentials': 'true' });
  expect(run.exitCode, run.stdout).toBe(0);
  // Cold: the first consumer call must refresh, so that the count says something.
  clearCredentialCache(job);
  fakes.sts.calls.length = 0;
  home = mkdtempSync(join(tmpdir(), 'keyless-consumer-home-'));
});
afterEach(() => {
  job.close();
  rmSync(home, { recursive: true, force: true });
});

/** A later step: the job's environment (AWS_PROFILE, AWS_CONFIG_FILE, …), a clean HOME, no instance metadata. */
const stepEnv = () => ({ ...job.env, AWS_ENDPOINT_URL_STS: undefined, HOME: home, AWS_EC2_METADATA_DISABLED: 'true' });

function arnsOf(run: ProgramRun): string[] {
  expect(run.exitCode, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { arns: string[] }).arns;
}

/** How many assumptions reached STS, and with which access key ids the consumers signed. */
function stsSummary() {
  const signedWith = fakes.sts.calls
    .filter((c) => c.action === 'GetCallerIdentity')
    .map((c) => /Credential=(\w+)\//.exec(String(c.headers.authorization))![1]!);
  return { assumptions: fakes.assumeCalls(), calls: signedWith.length, keys: new Set(signedWith).size };
}

describe('consumers of a refreshing profile share one refresh', () => {
  it('boto3 is installed (.ci/run installs Debian python3-boto3)', () => {
    expect(HAS_BOTO3, 'install Debian package python3-boto3').toBe(true);
  });

  it.runIf(AWS_CLI)('the AWS CLI: five calls in a row, five processes, one assumption', async () => {
    for (let i = 0; i < 5; i++) {
      const run = await runCommandLine(`${AWS_CLI} sts get-caller-identity --endpoint-url ${fakes.sts.url} --query Arn --output text`, stepEnv());
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stdout.trim()).toBe(ARN);
    }
    expect(stsSummary()).toEqual({ assumptions: 1, calls: 5, keys: 1 });
  });

  it.runIf(AWS_CLI)('the AWS CLI under xargs -P8: eight at once on a cold cache, one assumption', async () => {
    // The first assumption answers slowly, so the other CLIs ask for credentials while it is in flight.
    fakes.sts.script({ kind: 'slow', delayMs: 1500 });
    const run = await runCommandLine(`seq 8 | xargs -P8 -I{} ${AWS_CLI} sts get-caller-identity --endpoint-url ${fakes.sts.url} --query Arn --output text`, stepEnv());
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(Array(8).fill(ARN));
    expect(stsSummary()).toEqual({ assumptions: 1, calls: 8, keys: 1 });
  });

  it.runIf(HAS_BOTO3)('boto3: three processes of two calls each, by AWS_PROFILE and by profile_name, one assumption', async () => {
    const script = join(CONSUMERS, 'boto3_caller.py');
    for (const profile of ['', 'long', '']) {
      const run = await runCommandLine(`${PYTHON} ${script} ${fakes.sts.url} 2 ${profile}`, stepEnv());
      expect(arnsOf(run)).toEqual([ARN, ARN]);
      // botocore ran the profile's credential_process.
      expect(JSON.parse(run.stdout).method).toBe('custom-process');
    }
    expect(stsSummary()).toEqual({ assumptions: 1, calls: 6, keys: 1 });
  });

  it.each(['from-ini', 'default-chain'])('the AWS SDK for JavaScript v3 (%s): three processes of two calls each, one assumption', async (mode) => {
    const script = join(CONSUMERS, 'js-sdk-caller.mjs');
    for (let i = 0; i < 3; i++) {
      const run = await runCommandLine(`${process.execPath} ${script} ${fakes.sts.url} 2 ${mode} long`, stepEnv());
      expect(arnsOf(run)).toEqual([ARN, ARN]);
    }
    expect(stsSummary()).toEqual({ assumptions: 1, calls: 6, keys: 1 });
  });

  it.runIf(AWS_CLI && HAS_BOTO3)('the CLI, boto3 and the JS SDK in turn share the same cached credentials', async () => {
    arnsOf(await runCommandLine(`${PYTHON} ${join(CONSUMERS, 'boto3_caller.py')} ${fakes.sts.url} 1`, stepEnv()));
    arnsOf(await runCommandLine(`${process.execPath} ${join(CONSUMERS, 'js-sdk-caller.mjs')} ${fakes.sts.url} 1 default-chain`, stepEnv()));
    const cli = await runCommandLine(`${AWS_CLI} sts get-caller-identity --endpoint-url ${fakes.sts.url} --query Arn --output text`, stepEnv());
    expect(cli.exitCode, cli.stderr).toBe(0);
    expect(stsSummary()).toEqual({ assumptions: 1, calls: 3, keys: 1 });
  });
});
