/**
 * The credential-process program (dist/credential-process/index.js) run as the AWS CLI and SDKs
 * run it: the command line the action wrote into the profile, in a later step's environment.
 * Stdout is the credential_process JSON and nothing else; failures go to stderr with a non-zero exit.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretLeaks } from '../helpers/runner.js';
import { handledSecrets, ROLE_ARN, startFakes, type Fakes } from '../helpers/fakes.js';
import { clearCredentialCache, CREDENTIAL_PROCESS_ENTRY, credentialProcessLine, runCommandLine, startJob, type Job, type ProgramRun } from '../helpers/profiles.js';

let fakes: Fakes;
let job: Job;
let command: string;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(async () => {
  fakes.issuer.setRunnerTokenOptions({});
  job = startJob(fakes.env);
  const run = await job.step({ ...fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long', 'require-claims': 'repository: octo-org/*' });
  expect(run.exitCode, run.stdout).toBe(0);
  command = credentialProcessLine(run.env.AWS_CONFIG_FILE!, 'long');
  // Cold: every run here refreshes (the cache itself is tested in credential-cache.test.ts).
  clearCredentialCache(job);
  fakes.sts.calls.length = 0;
});
afterEach(() => {
  // Every run of the job, steps and post steps, is checked for leaks by test/setup/leak-check.ts.
  job.close();
});

/** A later step's environment: the job's, without what only the action step had. */
function laterStepEnv(extra: Record<string, string | undefined> = {}) {
  return { ...job.env, AWS_ENDPOINT_URL_STS: undefined, ...extra };
}

function expectQuietStderr(run: ProgramRun) {
  expect(secretLeaks({ stdout: '', stderr: run.stderr }, handledSecrets(fakes.sts, fakes.issuer))).toEqual([]);
}

function expectFailure(run: ProgramRun, message: RegExp) {
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^keyless credential process: /);
  expect(run.stderr).toMatch(message);
  expectQuietStderr(run);
}

describe('the credential process', () => {
  it('on a cold cache: credentials from a refresh, only as credential_process JSON', async () => {
    const run = await runCommandLine(command, laterStepEnv());
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    // One JSON document and a newline: nothing else on stdout.
    expect(run.stdout.endsWith('}\n')).toBe(true);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    const issued = fakes.sts.issued.get(json.AccessKeyId as string)!;
    expect(issued).toBeDefined();
    expect(json).toEqual({
      Version: 1,
      AccessKeyId: issued.accessKeyId,
      SecretAccessKey: issued.secretAccessKey,
      SessionToken: issued.sessionToken,
      Expiration: issued.expiration.toISOString(),
    });
    // The endpoint came from the profile's configuration, not from this environment.
    expect(fakes.sts.calls.map((c) => c.action)).toEqual(['AssumeRoleWithWebIdentity']);
    expect(fakes.sts.calls[0]!.params).toMatchObject({ RoleArn: ROLE_ARN, RoleSessionName: 'GitHubActions-9876543210-1' });
  });

  it.each<[string, Parameters<Fakes['issuer']['setRunnerTokenOptions']>[0], RegExp]>([
    ['a bad signature', { signWith: 'foreign-key' }, /OIDC token rejected before calling STS: bad signature/],
    ['alg none', { signWith: 'none' }, /signature algorithm "none" is not allowed/],
    ['another audience', { claims: { aud: 'https://github.com/octo-org' } }, /audience mismatch: expected "sts\.amazonaws\.com"/],
    ['an expired token', { issuedAtOffsetSeconds: -900 }, /token expired/],
    ['a claim rule that does not hold', { claims: { repository: 'evil-org/octo-repo' } }, /require-claims rule "repository: octo-org\/\*" does not hold: expected repository to match "octo-org\/\*", token has "evil-org\/octo-repo"/],
  ])('refuses a token with %s, and never sends it to STS', async (_name, tokenOptions, message) => {
    fakes.issuer.setRunnerTokenOptions(tokenOptions);
    const run = await runCommandLine(command, laterStepEnv());
    expectFailure(run, message);
    expect(fakes.sts.calls).toHaveLength(0);
  });

  it('says which permission is missing when the step has no token-request variables', async () => {
    const run = await runCommandLine(command, laterStepEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }));
    expectFailure(run, /ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set[\s\S]*id-token: write/);
  });

  it('reports an STS refusal on stderr with a non-zero exit', async () => {
    fakes.sts.script({ kind: 'error', status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    const run = await runCommandLine(command, laterStepEnv());
    expectFailure(run, /STS AssumeRoleWithWebIdentity for arn:aws:iam::123456789012:role\/deploy was denied/);
  });

  it('appends one audit record per refresh to the job\'s audit file', async () => {
    const auditFile = join(job.runnerTemp, 'keyless', 'audit.jsonl');
    const before = readFileSync(auditFile, 'utf8').trim().split('\n').length;
    const run = await runCommandLine(command, laterStepEnv());
    expect(run.exitCode).toBe(0);
    const lines = readFileSync(auditFile, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(before + 1);
    const record = JSON.parse(lines.at(-1)!);
    expect(record).toMatchObject({ source: 'credential-process', profile: 'long', operation: 'AssumeRoleWithWebIdentity', sts_request_id: expect.any(String) });
    expect(record.token_sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const secret of handledSecrets(fakes.sts, fakes.issuer)) expect(lines.at(-1)).not.toContain(secret);
  });

  it.each([
    ['no arguments', ''],
    ['an unknown flag', '--profile long'],
  ])('with %s: a usage message and a non-zero exit', async (_name, args) => {
    const run = await runCommandLine(`${process.execPath} ${CREDENTIAL_PROCESS_ENTRY} ${args}`, laterStepEnv());
    expectFailure(run, /Unexpected arguments .*; usage: node dist\/credential-process\/index\.js --config FILE/);
  });

  it('with its configuration gone (after the post step): says so', async () => {
    const run = await runCommandLine(`${process.execPath} ${CREDENTIAL_PROCESS_ENTRY} --config /nonexistent/long.json`, laterStepEnv());
    expectFailure(run, /Cannot read the credential-process configuration "\/nonexistent\/long\.json": ENOENT/);
  });

  it('with a damaged configuration: names the file and refuses', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keyless-cp-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ version: 1, profile: 'p', auditFile: null, inputs: { 'role-to-assume': 'not-an-arn', 'aws-region': 'us-east-1' } }), { mode: 0o600 });
    const run = await runCommandLine(`${process.execPath} ${CREDENTIAL_PROCESS_ENTRY} --config ${file}`, laterStepEnv());
    expectFailure(run, /Invalid input: input "role-to-assume" \(given "not-an-arn"\)/);
  });
});
