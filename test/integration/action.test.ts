/**
 * The built action (dist/index.js) run as the runner runs it, against the loopback issuer and
 * STS: inputs as INPUT_* variables, results read from the runner's files and stdout.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION_ENTRY, nodeBinaries, runAction, secretLeaks, type ActionRun } from '../helpers/runner.js';
import { handledSecrets, ROLE_ARN, startFakes, type Fakes } from '../helpers/fakes.js';
import { existsSync } from 'node:fs';

let fakes: Fakes;
/** Connections on both loopback listeners before each test: a test that promises no request compares. */
let connectionsBefore = 0;
beforeAll(async () => {
  expect(existsSync(ACTION_ENTRY), 'dist/index.js is missing: run npm run build').toBe(true);
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(() => {
  fakes.reset();
  connectionsBefore = fakes.connections();
});

function run(inputs: Record<string, string> = {}, env: Record<string, string | undefined> = {}, node?: string) {
  return runAction({ node, inputs: { ...fakes.inputs, ...inputs }, env: { ...fakes.env, ...env } });
}

function expectNoLeaks(result: ActionRun) {
  expect(secretLeaks(result, handledSecrets(fakes.sts))).toEqual([]);
}

function expectFailure(result: ActionRun, message: RegExp) {
  expect(result.exitCode, result.stdout + result.stderr).toBe(1);
  expect(result.errors.join('\n')).toMatch(message);
  expect(result.env.AWS_ACCESS_KEY_ID).toBeUndefined();
  expect(result.outputs['aws-account-id']).toBeUndefined();
  expectNoLeaks(result);
}

describe.each(nodeBinaries())('success on $label', ({ path }) => {
  it('exports working credentials, masked before anything else uses them', async () => {
    const result = await run({}, {}, path);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(fakes.sts.calls).toHaveLength(1);
    const call = fakes.sts.calls[0]!;
    expect(call.action).toBe('AssumeRoleWithWebIdentity');
    expect(call.params).toMatchObject({ RoleArn: ROLE_ARN, RoleSessionName: 'GitHubActions-9876543210-1', DurationSeconds: '3600' });

    const [issued] = [...fakes.sts.issued.values()];
    expect(result.env).toMatchObject({
      AWS_ACCESS_KEY_ID: issued!.accessKeyId,
      AWS_SECRET_ACCESS_KEY: issued!.secretAccessKey,
      AWS_SESSION_TOKEN: issued!.sessionToken,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CREDENTIAL_EXPIRATION: issued!.expiration.toISOString(),
    });
    expect(result.outputs).toEqual({
      'aws-account-id': '123456789012',
      'authenticated-arn': 'arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions-9876543210-1',
      'aws-expiration': issued!.expiration.toISOString(),
      // Every assumption leaves an audit record under RUNNER_TEMP (issue 4).
      'audit-file': expect.stringMatching(/\/keyless\/audit\.jsonl$/),
    });
    // The mask lines come first on stdout, the OIDC token's before the credentials'.
    const token = call.params.WebIdentityToken!;
    expect(result.masks.slice(0, 4)).toEqual([token, issued!.accessKeyId, issued!.secretAccessKey, issued!.sessionToken]);
    expect(result.stdout.split('\n')[0]).toBe(`::add-mask::${token}`);
    expectNoLeaks(result);
    expect(result.summary).toContain(ROLE_ARN);
    expect(result.summary).toContain('GitHubActions-9876543210-1');
    expect(result.summary).toContain('repo:octo-org/octo-repo:ref:refs/heads/main');
    expect(result.stdout).toMatch(/Assumed arn:aws:iam::123456789012:role\/deploy as session "GitHubActions-9876543210-1" \(account 123456789012\)/);
  });
});

describe('inputs that change what is exported', () => {
  it('output-credentials adds masked credential outputs', async () => {
    const result = await run({ 'output-credentials': 'true' });
    expect(result.exitCode).toBe(0);
    const [issued] = [...fakes.sts.issued.values()];
    expect(result.outputs['aws-secret-access-key']).toBe(issued!.secretAccessKey);
    expect(result.outputs['aws-session-token']).toBe(issued!.sessionToken);
    expectNoLeaks(result);
  });

  it('output-env-credentials false exports nothing (as configure-aws-credentials), and says unset-current-credentials has no effect', async () => {
    const result = await run({ 'output-env-credentials': 'false', 'unset-current-credentials': 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.env).toEqual({});
    expect(result.outputs['aws-account-id']).toBe('123456789012');
    expect(result.stdout).toMatch(/::warning::unset-current-credentials has no effect with output-env-credentials: false/);
  });

  it('unset-current-credentials blanks the credential and region variables before anything else, then exports the new ones', async () => {
    const result = await run({ 'unset-current-credentials': 'true' });
    expect(result.exitCode, result.stdout).toBe(0);
    const blanked = result.rawEnvFile.indexOf('AWS_ACCESS_KEY_ID<<');
    expect(result.rawEnvFile.match(/^AWS_ACCESS_KEY_ID<</gm)).toHaveLength(2);
    expect(result.rawEnvFile.match(/^AWS_REGION<</gm)).toHaveLength(2);
    expect(blanked).toBe(0);
    expect(result.env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/);
  });

  it('mask-aws-account-id masks the account and keeps it out of the log', async () => {
    const result = await run({ 'mask-aws-account-id': 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.masks).toContain('123456789012');
    expect(result.stdout).toContain('(account ***)');
    expect(result.summary).not.toContain('123456789012:assumed');
  });

  it('passes duration, session name and session policies to STS', async () => {
    const result = await run({
      'role-duration-seconds': '900',
      'role-session-name': 'deploy-42',
      'inline-session-policy': '{ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }] }',
      'managed-session-policies': 'arn:aws:iam::aws:policy/ReadOnlyAccess\narn:aws:iam::123456789012:policy/deploy-boundary',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(fakes.sts.calls[0]!.params).toMatchObject({
      DurationSeconds: '900',
      RoleSessionName: 'deploy-42',
      Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
      'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'PolicyArns.member.2.arn': 'arn:aws:iam::123456789012:policy/deploy-boundary',
    });
  });

  it('reads the token from web-identity-token-file without the runner endpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-token-'));
    const file = join(dir, 'token');
    writeFileSync(file, `${await fakes.issuer.mint({ claims: { aud: 'sts.amazonaws.com' } })}\n`);
    const result = await run({ 'web-identity-token-file': file }, { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(fakes.actionIssuerRequests()).not.toContain('/_apis/token');
  });

  it('allowed-account-ids refuses a role in another account before any request', async () => {
    const result = await run({ 'allowed-account-ids': '111111111111, 222222222222' });
    expectFailure(
      result,
      /Invalid input: input "role-to-assume" \(given "arn:aws:iam::123456789012:role\/deploy"\): expected a role in an account that allowed-account-ids lists \(111111111111, 222222222222\); this role is in account 123456789012/,
    );
    expect(fakes.connections() - connectionsBefore).toBe(0);
  });

  it('require-claims: a rule that holds lets the run through', async () => {
    const result = await run({ 'require-claims': 'repository: octo-org/*\nref: refs/heads/main, refs/tags/v*' });
    expect(result.exitCode, result.stdout).toBe(0);
  });

  it('require-claims: a failing rule stops the run before STS and names claim, patterns and value', async () => {
    const result = await run({ 'require-claims': 'repository: octo-org/*\nenvironment: prod' });
    expectFailure(result, /require-claims rule "environment: prod" does not hold: expected environment to match "prod", token has \(absent\)/);
    expect(fakes.sts.calls).toHaveLength(0);
  });
});

describe('tokens refused before anything is sent to STS', () => {
  it.each<[string, Parameters<Fakes['issuer']['setRunnerTokenOptions']>[0], RegExp]>([
    ['wrong aud', { claims: { aud: 'https://github.com/octo-org' } }, /audience mismatch: expected "sts.amazonaws.com" \(input audience\), token has aud "https:\/\/github.com\/octo-org"/],
    ['wrong iss', { claims: { iss: 'https://token.actions.githubusercontent.com' } }, /issuer mismatch: expected "http:\/\/127\.0\.0\.1:\d+" \(input oidc-issuer\), token has iss "https:\/\/token.actions.githubusercontent.com"/],
    ['expired', { issuedAtOffsetSeconds: -900 }, /token expired: exp .* is 60\d s before now/],
    ['not yet valid', { issuedAtOffsetSeconds: 900 }, /token not yet valid/],
    ['bad signature', { signWith: 'foreign-key' }, /bad signature: the token does not verify against the issuer's key kid/],
    ['alg none', { signWith: 'none' }, /signature algorithm "none" is not allowed; expected "RS256"/],
    ['HS256 keyed with the public key', { signWith: 'hs256-with-public-key' }, /signature algorithm "HS256" is not allowed/],
    ['unknown kid', { header: { kid: 'no-such-key' } }, /unknown signing key: kid "no-such-key" is not among the issuer's 1 published key\(s\)/],
  ])('%s', async (_name, tokenOptions, message) => {
    fakes.issuer.setRunnerTokenOptions(tokenOptions);
    const result = await run();
    expectFailure(result, new RegExp(`OIDC token rejected before calling STS: ${message.source}`));
    expect(fakes.sts.calls).toHaveLength(0);
    // The token was masked even though it was refused.
    expect(result.masks).toHaveLength(1);
  });
});

describe('the runner gives no token', () => {
  it('says which permission to add, and requests nothing', async () => {
    const result = await run({}, { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined });
    expectFailure(result, /ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set[\s\S]*permissions:\n    id-token: write/);
    expect(result.errors.join('\n')).not.toMatch(/fork/);
    expect(fakes.issuer.requests).toHaveLength(0);
  });

  it('explains that pull requests from forks never get a token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-event-'));
    const eventPath = join(dir, 'event.json');
    writeFileSync(
      eventPath,
      JSON.stringify({ pull_request: { head: { repo: { full_name: 'someone/octo-repo', fork: true } }, base: { repo: { full_name: 'octo-org/octo-repo' } } } }),
    );
    const result = await run({}, { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventPath });
    expectFailure(result, /pull request from a fork: GitHub never gives such runs an OIDC token/);
  });

  it('names the endpoint when the runner refuses the request', async () => {
    const result = await run({}, { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong-bearer' });
    expectFailure(result, /The runner's OIDC token endpoint \(http:\/\/127\.0\.0\.1:\d+\) did not issue a token: HTTP 401/);
  });
});

describe('invalid inputs fail before any request', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ['role-to-assume', { 'role-to-assume': 'deploy' }, /input "role-to-assume" \(given "deploy"\): expected an IAM role ARN/],
    ['aws-region', { 'aws-region': 'mars-1' }, /input "aws-region" \(given "mars-1"\)/],
    ['audience', { audience: 'two words' }, /input "audience" \(given "two words"\)/],
    ['role-session-name', { 'role-session-name': 'has space' }, /input "role-session-name" \(given "has space"\)/],
    ['role-duration-seconds', { 'role-duration-seconds': '60' }, /input "role-duration-seconds" \(given "60"\): expected a whole number from 900 to 43200 seconds/],
    ['inline-session-policy', { 'inline-session-policy': '{nope' }, /input "inline-session-policy": expected a JSON policy document object/],
    ['managed-session-policies', { 'managed-session-policies': 'arn:aws:s3:::bucket' }, /input "managed-session-policies" \(given "arn:aws:s3:::bucket"\)/],
    ['mask-aws-account-id', { 'mask-aws-account-id': 'yes' }, /input "mask-aws-account-id" \(given "yes"\): expected true or false/],
    ['output-credentials', { 'output-credentials': 'on' }, /input "output-credentials"/],
    ['output-env-credentials', { 'output-env-credentials': 'off' }, /input "output-env-credentials"/],
    ['unset-current-credentials', { 'unset-current-credentials': '2' }, /input "unset-current-credentials"/],
    ['allowed-account-ids', { 'allowed-account-ids': 'prod' }, /input "allowed-account-ids" \(given "prod"\)/],
    ['retry-max-attempts', { 'retry-max-attempts': 'many' }, /input "retry-max-attempts" \(given "many"\)/],
    ['disable-retry', { 'disable-retry': 'nope' }, /input "disable-retry"/],
    ['action-timeout-s', { 'action-timeout-s': '0' }, /input "action-timeout-s" \(given "0"\)/],
    ['sts-endpoint', { 'sts-endpoint': 'ftp://sts' }, /input "sts-endpoint" \(given "ftp:\/\/sts"\)/],
    ['oidc-issuer', { 'oidc-issuer': 'http://example.com' }, /input "oidc-issuer" \(given "http:\/\/example.com"\)/],
    ['require-claims', { 'require-claims': 'environment' }, /input "require-claims"/],
    ['job-summary', { 'job-summary': 'maybe' }, /input "job-summary"/],
    ['http-proxy', { 'http-proxy': 'not a url' }, /input "http-proxy"/],
  ])('%s', async (_name, inputs, message) => {
    const result = await run(inputs);
    expectFailure(result, new RegExp(`^Invalid input: ${message.source}`));
    expect(fakes.issuer.requests).toHaveLength(0);
    expect(fakes.sts.calls).toHaveLength(0);
  });

  it('a missing token file names the input', async () => {
    const result = await run({ 'web-identity-token-file': '/nonexistent/token' });
    expectFailure(result, /input "web-identity-token-file" \(given "\/nonexistent\/token"\): expected a readable file/);
    expect(fakes.sts.calls).toHaveLength(0);
  });
});

describe('STS failures', () => {
  it('AccessDenied: one call, then the claims and a Condition that would admit this run', async () => {
    fakes.sts.script({ kind: 'error', status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    const result = await run();
    expectFailure(result, /STS AssumeRoleWithWebIdentity for arn:aws:iam::123456789012:role\/deploy was denied: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity \(request id [\w-]+\)/);
    expect(fakes.sts.calls).toHaveLength(1);
    const text = result.errors.join('\n');
    expect(text).toContain('  sub: "repo:octo-org/octo-repo:ref:refs/heads/main"');
    expect(text).toContain('  repository: "octo-org/octo-repo"');
    expect(text).toContain('  job_workflow_ref: "octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main"');
    expect(text).toMatch(/"127\.0\.0\.1:\d+:sub": "repo:octo-org\/octo-repo:ref:refs\/heads\/main"/);
  });

  it('AccessDenied with an immutable subject says name-only policies no longer match', async () => {
    fakes.issuer.setRunnerTokenOptions({ claims: { sub: 'repo:octo-org@1001/octo-repo@2002:ref:refs/heads/main' } });
    fakes.sts.script({ kind: 'error', status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    const result = await run();
    expectFailure(result, /immutable form[\s\S]*"repo:octo-org\/octo-repo:ref:refs\/heads\/main" no longer match it/);
  });

  it('throttling twice, then success', async () => {
    fakes.sts.script(
      { kind: 'error', status: 400, code: 'Throttling', message: 'Rate exceeded' },
      { kind: 'error', status: 400, code: 'Throttling', message: 'Rate exceeded' },
    );
    const result = await run();
    expect(result.exitCode, result.stdout).toBe(0);
    expect(fakes.sts.calls).toHaveLength(3);
    expect(result.stdout).toMatch(/STS attempt 1 of 12 failed \(HTTP 400 Throttling: Rate exceeded\); retrying in \d+ ms/);
    expectNoLeaks(result);
  });

  it.each([
    ['InvalidIdentityToken', 400, 'No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com', /no IAM OIDC identity provider/],
    ['ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', /role-duration-seconds is 3600/],
  ])('%s is not retried and comes with a hint', async (code, status, message, hint) => {
    fakes.sts.script({ kind: 'error', status, code, message });
    const result = await run();
    expectFailure(result, new RegExp(`failed: HTTP ${status} ${code}: .*Not retried`));
    expect(result.errors.join('\n')).toMatch(hint);
    expect(fakes.sts.calls).toHaveLength(1);
  });

  it('5xx until attempts run out: a clear message', async () => {
    fakes.sts.setDefault({ kind: 'error', status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable' });
    const result = await run({ 'retry-max-attempts': '2' });
    expectFailure(result, /failed after 2 attempts: HTTP 503 ServiceUnavailable/);
    expect(fakes.sts.calls).toHaveLength(2);
  });

  it('malformed XML: no credentials, a clear message, no retry', async () => {
    fakes.sts.script({ kind: 'raw', status: 200, body: '<AssumeRoleWithWebIdentityResponse><oops', contentType: 'text/xml' });
    const result = await run();
    expectFailure(result, /got a response that is not valid STS XML|without complete credentials/);
    expect(fakes.sts.calls).toHaveLength(1);
  });

  it('credentials already expired are refused', async () => {
    fakes.sts.script({ kind: 'expired-credentials' });
    const result = await run();
    expectFailure(result, /without credentials that are still valid \(Expiration .* is in the past\)/);
  });

  it('connection refused, with retries', async () => {
    const result = await run({ 'retry-max-attempts': '2' }, { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1' });
    expectFailure(result, /failed after 2 attempts: ECONNREFUSED/);
  });

  it('an STS that never answers ends at action-timeout-s, not in a hang', async () => {
    fakes.sts.setDefault({ kind: 'hang' });
    const result = await run({ 'action-timeout-s': '3' });
    expectFailure(result, /STS AssumeRoleWithWebIdentity for .* got no answer before action-timeout-s ran out: 1 attempt, each with a timeout of up to 10 s\./);
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it('GITHUB_ENV not writable: nothing half-exported', async () => {
    const result = await runAction({ inputs: fakes.inputs, env: fakes.env, unwritableEnvFile: true });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/Could not write the runner's environment or output file GITHUB_ENV \(\/.*\/env\): EISDIR.*; nothing was requested or exported/);
    // Found before any request: no session was issued only to be thrown away.
    expect(fakes.connections() - connectionsBefore).toBe(0);
    expect(result.rawOutputFile).toBe('');
    expectNoLeaks(result);
  });
});
