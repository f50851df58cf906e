/**
 * The audit trail at the runner level: every successful assumption leaves a JSON record (JSON
 * Lines) in a file under RUNNER_TEMP named by the output audit-file, summarised in the job
 * summary; every field the issue lists is there, and no secret is.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { secretLeaks } from '../helpers/runner.js';
import { handledSecrets, ROLE_ARN, startFakes, type Fakes } from '../helpers/fakes.js';
import { startJob, type Job } from '../helpers/profiles.js';

let fakes: Fakes;
let job: Job;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(() => {
  fakes.sts.calls.length = 0;
  fakes.sts.issued.clear();
  fakes.issuer.setRunnerTokenOptions({ claims: { environment: 'production', sub: 'repo:octo-org/octo-repo:environment:production' } });
  job = startJob(fakes.env);
});
afterEach(() => {
  // Every run of the job, steps and post steps, is checked for leaks by test/setup/leak-check.ts.
  job.close();
});

const FIELDS = [
  'time',
  'issuer',
  'sub',
  'repository',
  'repository_id',
  'ref',
  'environment',
  'job_workflow_ref',
  'run_id',
  'run_attempt',
  'actor',
  'runner_environment',
  'token_jti',
  'token_sha256',
  'role_arn',
  'session_name',
  'assumed_role_id',
  'account',
  'expiration',
  'sts_request_id',
];

function records(file: string) {
  return readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('audit record', () => {
  it('has every field, taken from the verified token and STS, and no secret', async () => {
    const run = await job.step(fakes.inputs);
    expect(run.exitCode, run.stdout).toBe(0);
    const file = run.outputs['audit-file']!;
    expect(file).toBe(join(job.runnerTemp, 'keyless', 'audit.jsonl'));
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const [record] = records(file);
    for (const field of FIELDS) expect(record![field], field).toEqual(expect.any(String));
    const call = fakes.sts.calls[0]!;
    const token = call.params.WebIdentityToken!;
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    const [issued] = [...fakes.sts.issued.values()];
    expect(record).toEqual({
      version: 1,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      source: 'action',
      operation: 'AssumeRoleWithWebIdentity',
      context_from: 'token',
      issuer: fakes.issuer.url,
      sub: 'repo:octo-org/octo-repo:environment:production',
      repository: 'octo-org/octo-repo',
      repository_id: '74',
      ref: 'refs/heads/main',
      environment: 'production',
      job_workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
      run_id: claims.run_id,
      run_attempt: '1',
      actor: 'octocat',
      runner_environment: 'github-hosted',
      token_jti: claims.jti,
      token_sha256: createHash('sha256').update(token).digest('hex'),
      role_arn: ROLE_ARN,
      session_name: 'GitHubActions-9876543210-1',
      assumed_role_arn: 'arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions-9876543210-1',
      assumed_role_id: issued!.assumedRoleId,
      account: '123456789012',
      expiration: issued!.expiration.toISOString(),
      sts_request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      profile: null,
      source_arn: null,
    });

    // No secret anywhere in the file: not the token, no credential, not the runner's request token.
    const text = readFileSync(file, 'utf8');
    for (const secret of [token, issued!.accessKeyId, issued!.secretAccessKey, issued!.sessionToken, fakes.issuer.requestToken]) {
      expect(text.includes(secret)).toBe(false);
    }
    expect(secretLeaks(run, handledSecrets(fakes.sts, fakes.issuer))).toEqual([]);
  });

  it('is summarised in the job summary, without secrets', async () => {
    const run = await job.step(fakes.inputs);
    const [record] = records(run.outputs['audit-file']!);
    expect(run.summary).toContain('<h4>Audit record</h4>');
    for (const value of [record!.token_jti, record!.token_sha256, record!.sts_request_id, record!.assumed_role_id, run.outputs['audit-file']]) {
      expect(run.summary).toContain(String(value));
    }
    for (const secret of handledSecrets(fakes.sts)) expect(run.summary.includes(secret)).toBe(false);
  });

  it('several steps append to the same file, one line each', async () => {
    const first = await job.step(fakes.inputs);
    const second = await job.step({ ...fakes.inputs, 'role-session-name': 'second', 'aws-profile': 'p' });
    expect(second.outputs['audit-file']).toBe(first.outputs['audit-file']);
    const all = records(second.outputs['audit-file']!);
    expect(all.map((r) => [r.session_name, r.profile])).toEqual([
      ['GitHubActions-9876543210-1', null],
      ['second', 'p'],
    ]);
    expect(new Set(all.map((r) => r.token_jti)).size).toBe(2);
  });

  it('a failed assumption writes no record and no audit-file output', async () => {
    fakes.sts.script({ kind: 'error', status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    const run = await job.step(fakes.inputs);
    expect(run.exitCode).toBe(1);
    expect(run.outputs['audit-file']).toBeUndefined();
  });

  it('without RUNNER_TEMP the credentials are still exported, with a warning instead of a record', async () => {
    const run = await job.step(fakes.inputs, { RUNNER_TEMP: undefined });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/::warning::No audit record was written: The audit record needs RUNNER_TEMP/);
    expect(run.outputs['audit-file']).toBeUndefined();
    expect(run.env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/);
  });
});
