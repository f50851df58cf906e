/**
 * Role chaining at the runner level: a first Keyless step exports credentials (or writes a
 * profile) from the OIDC token, a second one (role-chaining: true) finds them through the AWS
 * SDK's default chain, asks who they are (GetCallerIdentity) and assumes a role in another account
 * with sts:AssumeRole, SigV4-signed with them (the loopback STS checks the signature and that it
 * issued them), with configure-aws-credentials' session tags.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { secretLeaks, tampered, type ActionRun } from '../helpers/runner.js';
import { handledSecrets, startFakes, type Fakes } from '../helpers/fakes.js';
import { AWS_CLI, awsCli, startJob, type Job } from '../helpers/profiles.js';

const TARGET = 'arn:aws:iam::210987654321:role/cross-account-deploy';
const FORBIDDEN = 'arn:aws:iam::210987654321:role/forbidden';

let fakes: Fakes;
let job: Job;
beforeAll(async () => {
  fakes = await startFakes({ sts: { authorizeAssumeRole: (_caller, role) => role !== FORBIDDEN } });
});
afterAll(() => fakes.close());
beforeEach(() => {
  fakes.sts.calls.length = 0;
  fakes.sts.script();
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

async function sourceStep() {
  const run = await job.step(fakes.inputs);
  expect(run.exitCode, run.stdout).toBe(0);
  fakes.sts.calls.length = 0;
  fakes.issuer.requests.length = 0;
  return run;
}

/** The chained step: no OIDC token involved, so the runner's token variables are taken away. */
function chainedStep(inputs: Record<string, string> = {}, env: Record<string, string | undefined> = {}) {
  return job.step(
    { 'role-to-assume': TARGET, 'aws-region': 'us-east-1', 'role-chaining': 'true', 'role-session-name': 'chained', ...inputs },
    // No instance role to fall back to, as on a GitHub-hosted runner.
    { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined, AWS_EC2_METADATA_DISABLED: 'true', ...env },
  );
}

function expectFailureBeforeAnyRequest(run: ActionRun, message: RegExp) {
  expect(run.exitCode).toBe(1);
  expect(run.errors.join('\n')).toMatch(message);
  expect(fakes.sts.calls).toHaveLength(0);
  expect(fakes.issuer.requests).toHaveLength(0);
  expect(run.env.AWS_ACCESS_KEY_ID).toBeUndefined();
  expectNoLeaks(run);
}

describe('role-chaining', () => {
  it('assumes the target role with AssumeRole, signed with the credentials the earlier step exported', async () => {
    const source = await sourceStep();
    const run = await chainedStep({ 'role-duration-seconds': '3600' });
    expect(run.exitCode, run.stdout).toBe(0);
    expectNoLeaks(run);
    expect(fakes.sts.calls.map((c) => c.action)).toEqual(['GetCallerIdentity', 'AssumeRole']);
    const call = fakes.sts.calls[1]!;
    expect(call.params).toMatchObject({ RoleArn: TARGET, RoleSessionName: 'chained', DurationSeconds: '3600' });
    // configure-aws-credentials' session tags, by the same names.
    const tags = Object.fromEntries(
      Object.entries(call.params)
        .filter(([name]) => /^Tags\.member\.\d+\.Key$/.test(name))
        .map(([name, key]) => [key, call.params[name.replace(/Key$/, 'Value')]]),
    );
    expect(tags).toMatchObject({ GitHub: 'Actions', Repository: 'octo-org/octo-repo', Workflow: 'Deploy', Actor: 'octocat', Commit: 'c0287c91c66814e5d9c4379c3caec89ae5b5d6a3', Branch: 'refs/heads/main', RunId: '9876543210', EventName: 'push' });
    expect(run.stdout).toMatch(/Chaining from arn:aws:sts::123456789012:assumed-role\/deploy\/GitHubActions-9876543210-1 to arn:aws:iam::210987654321:role\/cross-account-deploy/);
    expect(String(call.headers.authorization)).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${source.env.AWS_ACCESS_KEY_ID}/\\d{8}/us-east-1/sts/aws4_request`));
    expect(call.headers['x-amz-security-token']).toBe(source.env.AWS_SESSION_TOKEN);
    // No token was requested.
    expect(fakes.issuer.requests).toHaveLength(0);

    const chained = fakes.sts.issued.get(run.env.AWS_ACCESS_KEY_ID!)!;
    expect(chained).toMatchObject({ issuedBy: 'AssumeRole', roleArn: TARGET });
    expect(run.outputs).toMatchObject({ 'aws-account-id': '210987654321', 'authenticated-arn': 'arn:aws:sts::210987654321:assumed-role/cross-account-deploy/chained' });
    expect(run.masks).toEqual([chained.accessKeyId, chained.secretAccessKey, chained.sessionToken]);
    expect(run.stdout).toMatch(/Assumed arn:aws:iam::210987654321:role\/cross-account-deploy by role chaining as session "chained" \(account 210987654321\)/);
    expect(run.summary).toContain('none (role chaining from the credentials in the environment)');

    // The audit record says how: AssumeRole, no token, the run context from the runner's variables.
    const records = readFileSync(run.outputs['audit-file']!, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({
      operation: 'AssumeRole',
      context_from: 'runner-environment',
      issuer: null,
      sub: null,
      token_jti: null,
      token_sha256: null,
      role_arn: TARGET,
      account: '210987654321',
      run_id: '9876543210',
      repository: 'octo-org/octo-repo',
      sts_request_id: expect.any(String),
      source_arn: 'arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions-9876543210-1',
    });

    if (!AWS_CLI) return;
    const identity = await awsCli(['sts', 'get-caller-identity', '--endpoint-url', fakes.sts.url, '--output', 'json'], job.env);
    expect(identity.ok, identity.stderr).toBe(true);
    expect(JSON.parse(identity.stdout).Arn).toBe('arn:aws:sts::210987654321:assumed-role/cross-account-deploy/chained');
  });

  it('enforces the one-hour limit for chained sessions before any request', async () => {
    await sourceStep();
    const run = await chainedStep({ 'role-duration-seconds': '7200' });
    expectFailureBeforeAnyRequest(
      run,
      /^Invalid input: input "role-duration-seconds" \(given "7200"\): expected at most 3600 seconds with role-chaining: true \(AWS limits sessions assumed with role credentials to one hour\)$/,
    );
  });

  it('without source credentials anywhere: says where the SDK looked, requests nothing', async () => {
    const run = await chainedStep();
    expectFailureBeforeAnyRequest(run, /^role-chaining: true found no source credentials to chain from; nothing was requested from STS\.\nThe AWS SDK's default chain looked in the environment/);
  });

  it('from a refreshing profile an earlier step wrote: the SDK runs its credential process', async () => {
    expect((await job.step({ ...fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long', 'output-env-credentials': 'true' })).exitCode).toBe(0);
    fakes.sts.calls.length = 0;
    // The profile's credential process requests an OIDC token: the job has id-token: write.
    const run = await chainedStep({}, { ACTIONS_ID_TOKEN_REQUEST_URL: fakes.env.ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: fakes.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    // The profile's credential process handed out the action's credentials from the job's cache
    // (no second AssumeRoleWithWebIdentity); the chain signed with them.
    expect(fakes.sts.calls.map((c) => c.action)).toEqual(['GetCallerIdentity', 'AssumeRole']);
    expect(String(fakes.sts.calls[0]!.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIA/);
    expectNoLeaks(run);
  });

  it('with expired source credentials: says so, requests nothing', async () => {
    await sourceStep();
    const run = await chainedStep({}, { AWS_CREDENTIAL_EXPIRATION: '2020-01-01T00:00:00.000Z' });
    expectFailureBeforeAnyRequest(run, /the credentials in the environment expired at 2020-01-01T00:00:00\.000Z \(AWS_CREDENTIAL_EXPIRATION\); nothing was requested/);
  });

  it('refuses inputs that only apply to the OIDC token, before any request', async () => {
    await sourceStep();
    const run = await chainedStep({ 'require-claims': 'repository: octo-org/*' });
    expectFailureBeforeAnyRequest(run, /input "require-claims": expected not to be combined with role-chaining: true/);
  });

  it('AccessDenied: explains what both roles must allow', async () => {
    await sourceStep();
    const run = await chainedStep({ 'role-to-assume': FORBIDDEN });
    expect(run.exitCode).toBe(1);
    const text = run.errors.join('\n');
    expect(text).toMatch(/^STS AssumeRole \(role chaining\) for arn:aws:iam::210987654321:role\/forbidden was denied: AccessDenied: User: arn:aws:sts::123456789012:assumed-role\/deploy\/GitHubActions-9876543210-1 is not authorized to perform: sts:AssumeRole/);
    expect(text).toContain('the trust policy of arn:aws:iam::210987654321:role/forbidden must name the source role');
    expect(text).toContain('and sts:TagSession (Keyless sends session tags; role-skip-session-tagging: true sends none)');
    expect(fakes.sts.calls.map((c) => c.action)).toEqual(['GetCallerIdentity', 'AssumeRole']);
    expectNoLeaks(run);
  });

  it('tampered source credentials: STS refuses the signature, and the message says what to check', async () => {
    const source = await sourceStep();
    const run = await chainedStep({}, { AWS_SECRET_ACCESS_KEY: tampered(source.env.AWS_SECRET_ACCESS_KEY!) });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(/^STS GetCallerIdentity with the source credentials \(role chaining\) failed: HTTP 403 SignatureDoesNotMatch[\s\S]*STS does not accept the source credentials/);
    expect(fakes.sts.calls).toHaveLength(1);
  });

  it('throttling, then success, with the usual retries', async () => {
    await sourceStep();
    fakes.sts.script({ kind: 'ok' }, { kind: 'error', status: 400, code: 'Throttling', message: 'Rate exceeded' });
    const run = await chainedStep();
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/STS AssumeRole attempt 1 of 12 failed \(HTTP 400 Throttling: Rate exceeded\); retrying in \d+ ms/);
    expect(fakes.sts.calls.map((c) => c.action)).toEqual(['GetCallerIdentity', 'AssumeRole', 'AssumeRole']);
  });

  it.runIf(AWS_CLI)('into a named profile, next to the source profile', async () => {
    // As configure-aws-credentials documents it: the source profile named by AWS_PROFILE for the chained step.
    expect((await job.step({ ...fakes.inputs, 'aws-profile': 'source' })).exitCode).toBe(0);
    const run = await chainedStep({ 'aws-profile': 'target' }, { AWS_PROFILE: 'source' });
    expect(run.exitCode, run.stdout).toBe(0);
    for (const [profile, arn] of [
      ['source', 'arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions-9876543210-1'],
      ['target', 'arn:aws:sts::210987654321:assumed-role/cross-account-deploy/chained'],
    ]) {
      const identity = await awsCli(['sts', 'get-caller-identity', '--profile', profile!, '--endpoint-url', fakes.sts.url, '--output', 'json'], job.env);
      expect(identity.ok, identity.stderr).toBe(true);
      expect(JSON.parse(identity.stdout).Arn).toBe(arn);
    }
  });
});
