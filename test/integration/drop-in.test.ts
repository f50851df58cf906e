/**
 * Keyless as a drop-in for configure-aws-credentials v6, at the runner level: every input name it
 * accepts is either supported with the same meaning or refused before any request with a message
 * naming it; its environment-variable inputs fill empty inputs; its profile semantics hold with
 * the real AWS CLI.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runAction, type ActionRun } from '../helpers/runner.js';
import { ROLE_ARN, startFakes, type Fakes } from '../helpers/fakes.js';
import { AWS_CLI, awsCli, startJob, type Job } from '../helpers/profiles.js';

let fakes: Fakes;
let connectionsBefore = 0;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(() => {
  fakes.reset();
  connectionsBefore = fakes.connections();
});

const run = (inputs: Record<string, string> = {}, env: Record<string, string | undefined> = {}) =>
  runAction({ inputs: { ...fakes.inputs, ...inputs }, env: { ...fakes.env, ...env } });
const connectionsSince = () => fakes.connections() - connectionsBefore;
const stsParams = () => fakes.sts.calls.find((call) => call.action === 'AssumeRoleWithWebIdentity')?.params ?? {};

type Expectation = { ok: (result: ActionRun) => void } | { refused: RegExp };

/** configure-aws-credentials v6.2's action.yml inputs, all 32 of them. */
const CAC_INPUTS: Record<string, { inputs: Record<string, string>; env?: Record<string, string | undefined>; expect: Expectation }> = {
  'aws-region': { inputs: { 'aws-region': 'us-west-2' }, expect: { ok: (r) => expect(r.env.AWS_REGION).toBe('us-west-2') } },
  'aws-profile': { inputs: { 'aws-profile': 'p' }, expect: { ok: (r) => expect(Object.keys(r.env).sort()).toEqual(['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) } },
  'overwrite-aws-profile': { inputs: { 'aws-profile': 'p', 'overwrite-aws-profile': 'true' }, expect: { ok: (r) => expect(r.exitCode).toBe(0) } },
  'role-to-assume': { inputs: { 'role-to-assume': ROLE_ARN }, expect: { ok: () => expect(stsParams().RoleArn).toBe(ROLE_ARN) } },
  'aws-access-key-id': { inputs: { 'aws-access-key-id': 'AKIAIOSFODNN7EXAMPLE' }, expect: { refused: /input "aws-access-key-id": expected no value\. Keyless never takes stored AWS keys/ } },
  'aws-secret-access-key': { inputs: { 'aws-secret-access-key': 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }, expect: { refused: /input "aws-secret-access-key": expected no value\. Keyless never takes stored AWS keys/ } },
  'aws-session-token': { inputs: { 'aws-session-token': 'IQoJb3JpZ2luX2VjEXAMPLE' }, expect: { refused: /input "aws-session-token": expected no value\. Keyless never takes stored AWS keys.*permissions: id-token: write/ } },
  'web-identity-token-file': { inputs: {}, expect: { ok: (r) => expect(r.exitCode).toBe(0) } },
  'role-chaining': {
    inputs: { 'role-chaining': 'true' },
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, AWS_EC2_METADATA_DISABLED: 'true' },
    expect: { refused: /role-chaining: true found no source credentials to chain from/ },
  },
  audience: { inputs: { audience: 'sts.amazonaws.com' }, expect: { ok: (r) => expect(r.exitCode).toBe(0) } },
  'http-proxy': { inputs: { 'http-proxy': 'not a url' }, expect: { refused: /input "http-proxy": expected an http:\/\/ or https:\/\/ proxy URL/ } },
  'no-proxy': { inputs: { 'no-proxy': '127.0.0.1' }, expect: { ok: (r) => expect(r.exitCode).toBe(0) } },
  'mask-aws-account-id': {
    inputs: { 'mask-aws-account-id': 'true' },
    expect: { ok: (r) => expect(r.masks).toEqual(expect.arrayContaining(['123456789012', 'arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions-9876543210-1'])) },
  },
  'role-duration-seconds': { inputs: { 'role-duration-seconds': '900' }, expect: { ok: () => expect(stsParams().DurationSeconds).toBe('900') } },
  'role-external-id': { inputs: { 'role-external-id': 'partner-123' }, expect: { ok: (r) => expect(r.stdout).toMatch(/::warning::role-external-id has no effect here/) } },
  'role-session-name': { inputs: { 'role-session-name': 'my-session' }, expect: { ok: () => expect(stsParams().RoleSessionName).toBe('my-session') } },
  'role-skip-session-tagging': { inputs: { 'role-skip-session-tagging': 'true' }, expect: { ok: (r) => expect(r.stdout).toMatch(/::warning::role-skip-session-tagging has no effect here/) } },
  'transitive-tag-keys': { inputs: { 'transitive-tag-keys': 'Repository' }, expect: { ok: (r) => expect(r.stdout).toMatch(/::warning::transitive-tag-keys has no effect here/) } },
  'inline-session-policy': {
    inputs: { 'inline-session-policy': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' },
    expect: { ok: () => expect(JSON.parse(stsParams().Policy!).Statement[0].Action).toBe('s3:*') },
  },
  'managed-session-policies': { inputs: { 'managed-session-policies': 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, expect: { ok: () => expect(stsParams()['PolicyArns.member.1.arn']).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess') } },
  'output-credentials': { inputs: { 'output-credentials': 'true' }, expect: { ok: (r) => expect(r.outputs['aws-secret-access-key']).toBeTruthy() } },
  'output-env-credentials': { inputs: { 'output-env-credentials': 'false' }, expect: { ok: (r) => expect(r.env).toEqual({}) } },
  'unset-current-credentials': { inputs: { 'unset-current-credentials': 'true' }, expect: { ok: (r) => expect(r.rawEnvFile.match(/^AWS_ACCESS_KEY_ID<</gm)).toHaveLength(2) } },
  'disable-retry': { inputs: { 'disable-retry': 'true' }, expect: { ok: (r) => expect(r.exitCode).toBe(0) } },
  'retry-max-attempts': { inputs: { 'retry-max-attempts': '30' }, expect: { ok: (r) => expect(r.exitCode).toBe(0) } },
  'special-characters-workaround': {
    inputs: { 'special-characters-workaround': 'true' },
    expect: { ok: (r) => expect(`${r.env.AWS_ACCESS_KEY_ID}${r.env.AWS_SECRET_ACCESS_KEY}`).toMatch(/^[A-Za-z0-9]+$/) },
  },
  'use-existing-credentials': { inputs: { 'use-existing-credentials': 'true' }, expect: { ok: (r) => expect(r.stdout).toMatch(/use-existing-credentials: no usable credentials in the job/) } },
  'allowed-account-ids': { inputs: { 'allowed-account-ids': '123456789012' }, expect: { ok: (r) => expect(r.exitCode).toBe(0) } },
  'force-skip-oidc': { inputs: { 'force-skip-oidc': 'true' }, expect: { refused: /input "force-skip-oidc" \(given "true"\): expected false or nothing/ } },
  'action-timeout-s': { inputs: { 'action-timeout-s': '0' }, expect: { refused: /input "action-timeout-s" \(given "0"\): expected a whole number from 1 to 3600 seconds/ } },
  'custom-tags': { inputs: { 'custom-tags': '{"Team": "payments"}' }, expect: { ok: (r) => expect(r.stdout).toMatch(/::warning::custom-tags has no effect here/) } },
  'sts-endpoint': { inputs: {}, expect: { ok: (r) => expect(r.exitCode).toBe(0) } },
};

describe('every configure-aws-credentials input name', () => {
  it('is declared in action.yml, so the runner passes it without a warning', () => {
    const declared = Object.keys((parseYaml(readFileSync(join(process.cwd(), 'action.yml'), 'utf8')) as { inputs: object }).inputs);
    expect(Object.keys(CAC_INPUTS)).toHaveLength(32);
    for (const name of Object.keys(CAC_INPUTS)) expect(declared, name).toContain(name);
  });

  it.each(Object.entries(CAC_INPUTS))('%s: supported with the same meaning, or refused before any request', async (name, { inputs, env, expect: expectation }) => {
    const extra: Record<string, string> = {};
    if (name === 'web-identity-token-file') {
      // Relative to GITHUB_WORKSPACE, as there.
      const workspace = mkdtempSync(join(tmpdir(), 'keyless-workspace-'));
      writeFileSync(join(workspace, 'token.jwt'), await fakes.issuer.mint({ claims: { aud: 'sts.amazonaws.com' } }));
      extra['web-identity-token-file'] = 'token.jwt';
      Object.assign(inputs, extra);
      (env ??= {}).GITHUB_WORKSPACE = workspace;
    }
    if (name === 'sts-endpoint') extra['sts-endpoint'] = fakes.sts.url;
    const result = await run({ ...inputs, ...extra }, { ...(name === 'sts-endpoint' ? { AWS_ENDPOINT_URL_STS: undefined } : {}), ...env });
    if ('refused' in expectation) {
      expect(result.exitCode).toBe(1);
      expect(result.errors.join('\n')).toMatch(expectation.refused);
      expect(connectionsSince(), 'no connection to any service').toBe(0);
      expect(result.env).toEqual({});
    } else {
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expectation.ok(result);
    }
  });

  it('a stored secret is never echoed, even in the refusal', async () => {
    const result = await run({ 'aws-secret-access-key': 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
    expect(result.stdout).not.toContain('wJalrXUtnFEMI');
  });
});

describe("configure-aws-credentials' environment-variable inputs", () => {
  it('fill empty inputs: ROLE_TO_ASSUME, ROLE_SESSION_NAME, ROLE_DURATION_SECONDS', async () => {
    const result = await run(
      { 'role-to-assume': '' },
      { ROLE_TO_ASSUME: ROLE_ARN, ROLE_SESSION_NAME: 'from-env', ROLE_DURATION_SECONDS: '1800' },
    );
    expect(result.exitCode, result.stdout).toBe(0);
    expect(stsParams()).toMatchObject({ RoleArn: ROLE_ARN, RoleSessionName: 'from-env', DurationSeconds: '1800' });
  });

  it('an input, when given, wins over its variable', async () => {
    const result = await run({ 'role-session-name': 'from-input' }, { ROLE_SESSION_NAME: 'from-env' });
    expect(result.exitCode).toBe(0);
    expect(stsParams().RoleSessionName).toBe('from-input');
  });

  it('a bad value from a variable is named by the variable, before any request', async () => {
    const result = await run({}, { ROLE_DURATION_SECONDS: 'forever' });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/input "role-duration-seconds \(from ROLE_DURATION_SECONDS\)" \(given "forever"\)/);
    expect(connectionsSince()).toBe(0);
  });
});

describe('profiles as configure-aws-credentials has them', () => {
  let job: Job;
  beforeEach(() => {
    job = startJob(fakes.env);
  });
  afterEach(() => job.close());

  it.runIf(AWS_CLI)('two steps write profiles a and b; AWS_PROFILE=a answers as role a', async () => {
    const a = await job.step({ ...fakes.inputs, 'aws-profile': 'a', 'role-session-name': 'session-a' });
    const b = await job.step({ ...fakes.inputs, 'role-to-assume': 'arn:aws:iam::123456789012:role/audit', 'aws-profile': 'b', 'role-session-name': 'session-b' });
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    // Nothing exported would win over the profile: no credential variables, no region.
    expect(job.env.AWS_ACCESS_KEY_ID).toBeUndefined();
    for (const [profile, arn] of [
      ['a', 'arn:aws:sts::123456789012:assumed-role/deploy/session-a'],
      ['b', 'arn:aws:sts::123456789012:assumed-role/audit/session-b'],
    ]) {
      const identity = await awsCli(['sts', 'get-caller-identity', '--endpoint-url', fakes.sts.url, '--output', 'json'], { ...job.env, AWS_PROFILE: profile });
      expect(identity.ok, identity.stderr).toBe(true);
      expect(JSON.parse(identity.stdout).Arn).toBe(arn);
    }
  });

  it('output-env-credentials true with a profile: the variables, and AWS_PROFILE too', async () => {
    const step = await job.step({ ...fakes.inputs, 'aws-profile': 'p', 'output-env-credentials': 'true' });
    expect(step.exitCode).toBe(0);
    expect(step.env).toMatchObject({ AWS_PROFILE: 'p', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: expect.stringMatching(/^ASIA/) });
  });
});

describe('use-existing-credentials', () => {
  it('keeps working credentials from an earlier step: one GetCallerIdentity, nothing requested or exported', async () => {
    const job = startJob(fakes.env);
    try {
      expect((await job.step(fakes.inputs)).exitCode).toBe(0);
      fakes.sts.calls.length = 0;
      fakes.issuer.requests.length = 0;
      const again = await job.step({ ...fakes.inputs, 'use-existing-credentials': 'true' });
      expect(again.exitCode, again.stdout).toBe(0);
      expect(fakes.sts.calls.map((c) => c.action)).toEqual(['GetCallerIdentity']);
      expect(fakes.issuer.requests).toEqual([]);
      expect(again.env).toEqual({});
      expect(again.outputs['authenticated-arn']).toBe('arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions-9876543210-1');
      expect(again.stdout).toMatch(/use-existing-credentials: the credentials in the job work/);
    } finally {
      job.close();
    }
  });
});

describe('unset-current-credentials', () => {
  it("blanks an earlier step's credentials also when an input is invalid, with no request", async () => {
    const job = startJob(fakes.env);
    try {
      expect((await job.step(fakes.inputs)).exitCode).toBe(0);
      const before = fakes.connections();
      const failed = await job.step({ ...fakes.inputs, 'unset-current-credentials': 'true', 'role-session-name': 'x' });
      expect(failed.exitCode).toBe(1);
      expect(failed.errors.join('\n')).toMatch(/input "role-session-name"/);
      expect(failed.env).toMatchObject({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '', AWS_REGION: '' });
      expect(fakes.connections() - before).toBe(0);
      // Without the input, an invalid step leaves the earlier credentials as they are.
      const untouched = await job.step({ ...fakes.inputs, 'role-session-name': 'x' });
      expect(untouched.env).toEqual({});
    } finally {
      job.close();
    }
  });
});
