import { describe, expect, it } from 'vitest';
import { contextFromEnv } from '../helpers/context.js';
import { createHash } from 'node:crypto';
import { AUDITED_CLAIMS, buildAuditRecord, renderAuditSummary } from '../../src/job/audit.js';
import type { AssumedRole } from '../../src/assume/sts.js';

const role = { arn: 'arn:aws:iam::123456789012:role/deploy', partition: 'aws', account: '123456789012', name: 'deploy' };
const assumed: AssumedRole = {
  accessKeyId: 'ASIAACCESSKEYEXAMPLE',
  secretAccessKey: 'secret/access+key',
  sessionToken: 'IQoJsessiontoken',
  expiration: new Date('2030-01-01T01:00:00.000Z'),
  assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/deploy/s1',
  assumedRoleId: 'AROAEXAMPLE:s1',
  account: '123456789012',
  requestId: 'req-1',
  attempts: 1,
};
const claims = {
  iss: 'https://token.actions.githubusercontent.com',
  sub: 'repo:octo-org/octo-repo:environment:production',
  repository: 'octo-org/octo-repo',
  repository_id: '74',
  ref: 'refs/heads/main',
  environment: 'production',
  job_workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
  run_id: '1001',
  run_attempt: '2',
  actor: 'octocat',
  runner_environment: 'github-hosted',
  jti: 'jti-1',
};
const token = 'header.payload.signature';

describe('buildAuditRecord', () => {
  it('records every field for a web identity assumption, identifying the token only by jti and hash', () => {
    const record = buildAuditRecord({ source: 'action', now: new Date('2030-01-01T00:00:00.000Z'), role, sessionName: 's1', assumed, profile: 'deploy', token: { value: token, claims } });
    expect(record).toEqual({
      version: 1,
      time: '2030-01-01T00:00:00.000Z',
      source: 'action',
      operation: 'AssumeRoleWithWebIdentity',
      context_from: 'token',
      issuer: claims.iss,
      sub: claims.sub,
      repository: 'octo-org/octo-repo',
      repository_id: '74',
      ref: 'refs/heads/main',
      environment: 'production',
      job_workflow_ref: claims.job_workflow_ref,
      run_id: '1001',
      run_attempt: '2',
      actor: 'octocat',
      runner_environment: 'github-hosted',
      token_jti: 'jti-1',
      token_sha256: createHash('sha256').update(token).digest('hex'),
      role_arn: role.arn,
      session_name: 's1',
      assumed_role_arn: assumed.assumedRoleArn,
      assumed_role_id: 'AROAEXAMPLE:s1',
      account: '123456789012',
      expiration: '2030-01-01T01:00:00.000Z',
      sts_request_id: 'req-1',
      profile: 'deploy',
      source_arn: null,
    });
    const text = JSON.stringify(record);
    for (const secret of [token, assumed.accessKeyId, assumed.secretAccessKey, assumed.sessionToken]) expect(text).not.toContain(secret);
  });

  it('records the runner context for role chaining, where there is no token', () => {
    const env = { GITHUB_REPOSITORY: 'octo-org/octo-repo', GITHUB_RUN_ID: '1001', GITHUB_RUN_ATTEMPT: '1', GITHUB_ACTOR: 'octocat', RUNNER_ENVIRONMENT: 'self-hosted' };
    const record = buildAuditRecord({ source: 'action', now: new Date(), role, sessionName: 's1', assumed, profile: undefined, run: contextFromEnv(env).run });
    expect(record).toMatchObject({
      operation: 'AssumeRole',
      context_from: 'runner-environment',
      issuer: null,
      sub: null,
      token_jti: null,
      token_sha256: null,
      repository: 'octo-org/octo-repo',
      run_id: '1001',
      runner_environment: 'self-hosted',
      environment: null,
      profile: null,
    });
    for (const name of AUDITED_CLAIMS) expect(record).toHaveProperty(name);
  });
});

describe('renderAuditSummary', () => {
  it('escapes claim-derived values and leaves the account out', () => {
    const record = buildAuditRecord({
      source: 'action',
      now: new Date(),
      role,
      sessionName: 's1',
      assumed: { ...assumed, assumedRoleId: 'AROA:<script>x</script>' },
      profile: 'deploy',
      token: { value: token, claims },
    });
    const html = renderAuditSummary(record, '/t/keyless/audit.jsonl');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain('/t/keyless/audit.jsonl');
    expect(html).not.toContain('123456789012');
  });
});
