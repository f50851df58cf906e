/**
 * Role chaining at the runner level: a first Keyless step exports credentials from the OIDC token,
 * a second one (role-chaining: true) assumes a role in another account with sts:AssumeRole,
 * SigV4-signed with them (the loopback STS checks the signature and that it issued them).
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
    { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined, ...env },
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
    expect(fakes.sts.calls.map((c) => c.action)).toEqual(['AssumeRole']);
    const call = fakes.sts.calls[0]!;
    expect(call.params).toMatchObject({ RoleArn: TARGET, RoleSessionName: 'chained', DurationSeconds: '3600' });
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

  it('without credentials in the environment: says where they should come from, requests nothing', async () => {
    const run = await chainedStep();
    expectFailureBeforeAnyRequest(run, /^role-chaining: true needs credentials in the environment \(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\), and they are not set; nothing was requested\./);
  });

  it('after a refreshing profile (no fixed credentials): says why chaining cannot use it', async () => {
    expect((await job.step({ ...fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long' })).exitCode).toBe(0);
    fakes.sts.calls.length = 0;
    fakes.issuer.requests.length = 0;
    const run = await chainedStep();
    expectFailureBeforeAnyRequest(run, /AWS_PROFILE is "long": an earlier step wrote a profile instead/);
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
    expect(fakes.sts.calls).toHaveLength(1);
    expectNoLeaks(run);
  });

  it('tampered source credentials: STS refuses the signature, and the message says what to check', async () => {
    const source = await sourceStep();
    const run = await chainedStep({}, { AWS_SECRET_ACCESS_KEY: tampered(source.env.AWS_SECRET_ACCESS_KEY!) });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(/SignatureDoesNotMatch[\s\S]*STS does not accept the credentials in the environment/);
    expect(fakes.sts.calls).toHaveLength(1);
  });

  it('throttling, then success, with the usual retries', async () => {
    await sourceStep();
    fakes.sts.script({ kind: 'error', status: 400, code: 'Throttling', message: 'Rate exceeded' });
    const run = await chainedStep();
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/STS AssumeRole attempt 1 of 12 failed \(HTTP 400 Throttling: Rate exceeded\); retrying in \d+ ms/);
    expect(fakes.sts.calls.map((c) => c.action)).toEqual(['AssumeRole', 'AssumeRole']);
  });

  it.runIf(AWS_CLI)('into a named profile, next to the source profile', async () => {
    expect((await job.step({ ...fakes.inputs, 'aws-profile': 'source' })).exitCode).toBe(0);
    const run = await chainedStep({ 'aws-profile': 'target' });
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
