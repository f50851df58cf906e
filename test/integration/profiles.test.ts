/**
 * Named profiles at the runner level: the built action writes them into job-scoped files under
 * RUNNER_TEMP, and the real AWS CLI of a later step uses them with --profile (or AWS_PROFILE)
 * against the loopback STS, which checks every SigV4 signature.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { secretLeaks, type ActionRun } from '../helpers/runner.js';
import { handledSecrets, ROLE_ARN, startFakes, type Fakes } from '../helpers/fakes.js';
import { AWS_CLI, awsCli, clearCredentialCache, credentialProcessLine, startJob, type Job } from '../helpers/profiles.js';

const AUDIT_ROLE = 'arn:aws:iam::123456789012:role/audit';

let fakes: Fakes;
let job: Job;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(() => {
  fakes.sts.calls.length = 0;
  fakes.issuer.setRunnerTokenOptions({});
  fakes.issuer.requests.length = 0;
  job = startJob(fakes.env);
});
afterEach(() => {
  // Every run of the job, steps and post steps, is checked for leaks by test/setup/leak-check.ts.
  job.close();
});

function expectNoLeaks(run: Pick<ActionRun, 'stdout' | 'stderr'>) {
  expect(secretLeaks(run, handledSecrets(fakes.sts, fakes.issuer))).toEqual([]);
}

/** sts get-caller-identity as a later step runs it: the job's environment plus the CLI's own flags. */
async function callerIdentity(args: string[] = [], env: Record<string, string | undefined> = job.env) {
  const result = await awsCli(['sts', 'get-caller-identity', '--endpoint-url', fakes.sts.url, '--output', 'json', ...args], env);
  expectNoLeaks({ stdout: '', stderr: result.stderr });
  return result;
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('aws-profile', () => {
  it('writes owner-only job-scoped files that the AWS CLI uses with --profile', async () => {
    const run = await job.step({ ...fakes.inputs, 'aws-profile': 'deploy', 'output-env-credentials': 'false' });
    expect(run.exitCode, run.stdout).toBe(0);
    expectNoLeaks(run);
    const dir = join(job.runnerTemp, 'keyless', 'aws');
    // As configure-aws-credentials with output-env-credentials false: nothing that would override
    // the profile (not even the region), only the job-scoped files later steps must read.
    expect(run.env).toEqual({
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    });
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'config'))).toBe(0o600);
    expect(mode(join(dir, 'credentials'))).toBe(0o600);
    const [issued] = [...fakes.sts.issued.values()];
    expect(readFileSync(join(dir, 'config'), 'utf8')).toContain('[profile deploy]\nregion = us-east-1\n');
    expect(readFileSync(join(dir, 'credentials'), 'utf8')).toContain(
      `[deploy]\naws_access_key_id = ${issued!.accessKeyId}\naws_secret_access_key = ${issued!.secretAccessKey}\naws_session_token = ${issued!.sessionToken}\n`,
    );
    expect(run.stdout).toMatch(/Wrote profile "deploy" to .*\/keyless\/aws\/config, a profile with these credentials; later steps select it with --profile deploy or AWS_PROFILE=deploy \(no credential variables were exported to override it\)\./);

    if (!AWS_CLI) return;
    const ok = await callerIdentity(['--profile', 'deploy']);
    expect(ok.ok, ok.stderr).toBe(true);
    expect(JSON.parse(ok.stdout).Arn).toBe('arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions-9876543210-1');
    // Nothing went to ~/.aws: the CLI got a fresh HOME, and the runner's HOME was never touched.
    const missing = await callerIdentity(['--profile', 'nope']);
    expect(missing.stderr).toMatch(/The config profile \(nope\) could not be found/);
  });

  it.runIf(AWS_CLI)('two invocations in one job give two working profiles, neither clobbering the other', async () => {
    const first = await job.step({ ...fakes.inputs, 'aws-profile': 'deploy' });
    const second = await job.step({ ...fakes.inputs, 'role-to-assume': AUDIT_ROLE, 'aws-profile': 'audit', 'role-session-name': 'audit-session' });
    for (const run of [first, second]) {
      expect(run.exitCode, run.stdout).toBe(0);
      expectNoLeaks(run);
    }
    expect(second.env.AWS_CONFIG_FILE).toBe(first.env.AWS_CONFIG_FILE);
    const config = readFileSync(job.env.AWS_CONFIG_FILE!, 'utf8');
    expect(config.match(/^\[profile (\w+)\]$/gm)).toEqual(['[profile deploy]', '[profile audit]']);

    // Selecting either profile overrides the exported variables (the CLI ignores them with --profile).
    const deploy = await callerIdentity(['--profile', 'deploy']);
    const audit = await callerIdentity(['--profile', 'audit']);
    expect(deploy.ok && audit.ok, deploy.stderr + audit.stderr).toBe(true);
    expect(JSON.parse(deploy.stdout).Arn).toBe('arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions-9876543210-1');
    expect(JSON.parse(audit.stdout).Arn).toBe('arn:aws:sts::123456789012:assumed-role/audit/audit-session');
    // And AWS_PROFILE works as well as --profile.
    const viaVariable = await callerIdentity([], { ...job.env, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: 'audit' });
    expect(JSON.parse(viaVariable.stdout).Arn).toContain('assumed-role/audit/');
  });

  it('a profile an earlier step wrote is refused before any request, and replaced with overwrite-aws-profile', async () => {
    expect((await job.step({ ...fakes.inputs, 'aws-profile': 'deploy' })).exitCode).toBe(0);
    const before = readFileSync(job.env.AWS_SHARED_CREDENTIALS_FILE!, 'utf8');
    fakes.sts.calls.length = 0;
    fakes.issuer.requests.length = 0;

    const refused = await job.step({ ...fakes.inputs, 'aws-profile': 'deploy' });
    expect(refused.exitCode).toBe(1);
    expect(refused.errors.join('\n')).toMatch(
      /^Invalid input: input "aws-profile" \(given "deploy"\): expected a profile that no earlier step of this job wrote; .*\/config and .*\/credentials already hold it\. Nothing was requested\.\nChoose another aws-profile, or set overwrite-aws-profile: true to replace it\.$/,
    );
    expect(fakes.sts.calls).toHaveLength(0);
    expect(fakes.issuer.requests).toHaveLength(0);
    expect(readFileSync(job.env.AWS_SHARED_CREDENTIALS_FILE!, 'utf8')).toBe(before);

    const replaced = await job.step({ ...fakes.inputs, 'aws-profile': 'deploy', 'overwrite-aws-profile': 'true' });
    expect(replaced.exitCode, replaced.stdout).toBe(0);
    const after = readFileSync(job.env.AWS_SHARED_CREDENTIALS_FILE!, 'utf8');
    expect(after).not.toBe(before);
    expect(after.match(/^\[deploy\]$/gm)).toHaveLength(1);
    const latest = [...fakes.sts.issued.values()].at(-1)!;
    expect(after).toContain(latest.accessKeyId);
    expectNoLeaks(replaced);
  });

  it('a profile name that tries to inject an ini section is refused before any request', async () => {
    const run = await job.step({ ...fakes.inputs, 'aws-profile': 'x]\n[default' });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(/^Invalid input: input "aws-profile" \(given "x\]\\n\[default"\): expected a profile name/);
    expect(fakes.issuer.requests).toHaveLength(0);
    expect(existsSync(join(job.runnerTemp, 'keyless', 'aws'))).toBe(false);
  });

  it('without RUNNER_TEMP, a profile cannot be written: said before any request', async () => {
    const run = await job.step({ ...fakes.inputs, 'aws-profile': 'deploy' }, { RUNNER_TEMP: undefined });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(/^aws-profile needs RUNNER_TEMP \(the runner sets it for every job\), and it is not set\./);
    expect(fakes.issuer.requests).toHaveLength(0);
  });
});

describe('refresh-credentials', () => {
  it.runIf(AWS_CLI)("the AWS CLI runs the credential process itself: the action's credentials from the job's cache first, then a refresh", async () => {
    const run = await job.step({ ...fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long', 'output-env-credentials': 'true' });
    expect(run.exitCode, run.stdout).toBe(0);
    expectNoLeaks(run);
    // Fixed credentials would shadow the profile and then expire: blanked, and AWS_PROFILE set.
    expect(run.env).toMatchObject({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '', AWS_CREDENTIAL_EXPIRATION: '', AWS_PROFILE: 'long' });
    const config = readFileSync(run.env.AWS_CONFIG_FILE!, 'utf8');
    const line = credentialProcessLine(run.env.AWS_CONFIG_FILE!, 'long');
    expect(line).toBe(`${process.execPath} ${join(process.cwd(), 'dist', 'credential-process', 'index.js')} --config ${join(job.runnerTemp, 'keyless', 'aws', 'credential-process', 'long.json')}`);
    expect(config).not.toMatch(/aws_access_key_id|aws_secret_access_key|aws_session_token/);
    // No fixed credentials for the profile anywhere (they would win over credential_process).
    expect(readFileSync(run.env.AWS_SHARED_CREDENTIALS_FILE!, 'utf8')).not.toContain('[long]');
    expect(mode(join(job.runnerTemp, 'keyless', 'aws', 'credential-process', 'long.json'))).toBe(0o600);
    const stepCall = fakes.sts.calls.find((c) => c.action === 'AssumeRoleWithWebIdentity')!;
    const stepKeyId = [...fakes.sts.issued.values()].at(-1)!.accessKeyId;

    fakes.sts.calls.length = 0;
    const first = await callerIdentity(['--profile', 'long']);
    // AWS_PROFILE (exported by the step) selects it too, with the blanked variables in place.
    const second = await callerIdentity();
    expect(first.ok && second.ok, first.stderr + second.stderr).toBe(true);
    expect(JSON.parse(first.stdout).Arn).toBe('arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions-9876543210-1');
    // The action's credentials, cached for the profile: no second assumption right after the first.
    expect(fakes.sts.calls.map((c) => c.action)).toEqual(['GetCallerIdentity', 'GetCallerIdentity']);
    const signedWith = () => fakes.sts.calls.filter((c) => c.action === 'GetCallerIdentity').map((c) => /Credential=(\w+)\//.exec(String(c.headers.authorization))![1]!);
    expect(signedWith()).toEqual([stepKeyId, stepKeyId]);

    // Without them (a cold cache), the process assumes the role again, with a fresh token.
    clearCredentialCache(job);
    fakes.sts.calls.length = 0;
    const third = await callerIdentity();
    expect(third.ok, third.stderr).toBe(true);
    expect(fakes.sts.calls.map((c) => c.action)).toEqual(['AssumeRoleWithWebIdentity', 'GetCallerIdentity']);
    const [refreshedKeyId] = signedWith();
    expect(refreshedKeyId).not.toBe(stepKeyId);
    expect(fakes.sts.issued.get(refreshedKeyId!)?.issuedBy).toBe('AssumeRoleWithWebIdentity');
    expect(fakes.sts.calls[0]!.params.WebIdentityToken).not.toBe(stepCall.params.WebIdentityToken);
  });

  it.runIf(AWS_CLI)('credentials near expiry: the AWS CLI runs the process again by itself, and the action warns about short sessions', async () => {
    // 900 s is inside the CLI's 15-minute refresh window: the CLI refreshes before using them.
    const run = await job.step({ ...fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'short', 'role-duration-seconds': '900' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/::warning::role-duration-seconds is 900: the AWS CLI refreshes credentials 15 minutes before they expire/);
    fakes.sts.calls.length = 0;
    const result = await callerIdentity(['--profile', 'short']);
    expect(result.ok, result.stderr).toBe(true);
    // One CLI call, yet the process ran more than once: the CLI refreshed by itself before signing.
    const actions = fakes.sts.calls.map((c) => c.action);
    expect(actions.filter((a) => a === 'AssumeRoleWithWebIdentity').length).toBeGreaterThanOrEqual(2);
    expect(actions.at(-1)).toBe('GetCallerIdentity');
    // And it signed with the newest set.
    const signedWith = /Credential=(\w+)\//.exec(String(fakes.sts.calls.at(-1)!.headers.authorization))![1];
    expect(signedWith).toBe([...fakes.sts.issued.values()].at(-1)!.accessKeyId);
  });

  it('without aws-profile it writes the default profile', async () => {
    const run = await job.step({ ...fakes.inputs, 'refresh-credentials': 'true' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.env.AWS_PROFILE).toBe('default');
    expect(readFileSync(run.env.AWS_CONFIG_FILE!, 'utf8')).toMatch(/^\[default\]\nregion = us-east-1\ncredential_process = .*\/credential-process\/default\.json$/m);
  });

  it('with output-env-credentials false it only writes the profile', async () => {
    const run = await job.step({ ...fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'p', 'output-env-credentials': 'false' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(Object.keys(run.env).sort()).toEqual(['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']);
  });

  it('a named refreshing profile, like any named profile, exports only the files by default', async () => {
    const run = await job.step({ ...fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'p' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(Object.keys(run.env).sort()).toEqual(['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']);
  });

  it('the files hold no secret of the runner and no token; credentials only in the credential cache', async () => {
    const run = await job.step({ ...fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long' });
    expect(run.exitCode).toBe(0);
    const dir = join(job.runnerTemp, 'keyless');
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const cacheDir = join(dir, 'cache', 'credentials');
    const tokens = [fakes.issuer.requestToken, fakes.issuer.requestUrl, ...fakes.issuer.issuedTokens];
    const credentials = handledSecrets(fakes.sts).filter((secret) => !tokens.includes(secret));
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const secret of tokens) expect(text.includes(secret), `${file} holds a token`).toBe(false);
      if (file.startsWith(`${cacheDir}/`)) continue;
      for (const secret of credentials) expect(text.includes(secret), `${file} holds a credential`).toBe(false);
    }
    const processConfig = JSON.parse(readFileSync(join(dir, 'aws', 'credential-process', 'long.json'), 'utf8'));
    expect(processConfig.inputs).toMatchObject({ 'role-to-assume': ROLE_ARN, 'oidc-issuer': fakes.issuer.url, 'sts-endpoint': fakes.sts.url });
  });
});
