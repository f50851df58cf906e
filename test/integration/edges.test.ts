/**
 * The promises at the edges, at the runner level (dist/index.js as a process, loopback issuer and
 * STS): transient refusals and Retry-After, local checks that send nothing, all-or-nothing export,
 * credentials that expire too soon, and messages that say what happened.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeBinaries, runAction, type ActionRun } from '../helpers/runner.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';

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
const errorsOf = (result: ActionRun) => result.errors.join('\n');
const scratch = () => mkdtempSync(join(tmpdir(), 'keyless-edges-'));

describe('transient refusals are retried, as the server asks', () => {
  it("honours the token endpoint's Retry-After: 429 with Retry-After: 3, then a token", async () => {
    fakes.issuer.scriptTokenEndpoint({ status: 429, body: '{"message":"rate limited"}', headers: { 'Retry-After': '3' } });
    const result = await run();
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.durationMs).toBeGreaterThanOrEqual(3000);
    expect(result.stdout).toMatch(/OIDC token request attempt 1 failed \(HTTP 429: .*\); retrying in 3\d{3} ms/);
  });

  it('a Retry-After beyond action-timeout-s fails at once, saying so', async () => {
    fakes.issuer.scriptTokenEndpoint({ status: 429, body: '{}', headers: { 'Retry-After': '120' } });
    const result = await run({ 'action-timeout-s': '20' });
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result)).toMatch(/did not issue a token after 1 attempt: HTTP 429: \{\}\. It asked to be retried after 120 s, past action-timeout-s\./);
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it("retries the token service's refusal while the job is still starting ('Pending' state)", async () => {
    const pending = { status: 400, body: `{"message":"Can't issue ID_TOKEN for job in 'Pending' state."}` };
    fakes.issuer.scriptTokenEndpoint(pending, pending);
    const result = await run();
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout.match(/OIDC token request attempt \d failed \(HTTP 400: .*Pending.*\)/g)).toHaveLength(2);
  });

  it('a 4xx that cannot succeed later is not retried', async () => {
    fakes.issuer.scriptTokenEndpoint({ status: 400, body: '{"message":"audience is not allowed"}' }, { status: 400, body: '{}' });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(fakes.issuer.requests.filter((r) => r.path === '/_apis/token')).toHaveLength(1);
  });

  it.each([
    ['AccessDenied', { status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' }],
    ['ValidationError', { status: 400, code: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' }],
    ['no provider', { status: 400, code: 'InvalidIdentityToken', message: 'No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com' }],
  ])('%s fails after exactly one STS call', async (_name, error) => {
    fakes.sts.setDefault({ kind: 'error', ...error });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(fakes.sts.calls).toHaveLength(1);
  });

  it('discovery and JWKS retries are logged like the others', async () => {
    fakes.issuer.setFault('down-once');
    const result = await run();
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/OIDC discovery document request attempt 1 failed \(http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration: HTTP 503\); retrying in \d+ ms/);
  });
});

describe('local first: nothing leaves the runner that a local check could have stopped', () => {
  const noTokenRequest = { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined };
  it.each<[string, () => { inputs?: Record<string, string>; env?: Record<string, string | undefined> }, RegExp]>([
    ['a missing web-identity-token-file', () => ({ inputs: { 'web-identity-token-file': join(scratch(), 'nope') }, env: noTokenRequest }), /input "web-identity-token-file" .*ENOENT/],
    ['a web-identity-token-file that is a directory', () => ({ inputs: { 'web-identity-token-file': scratch() }, env: noTokenRequest }), /input "web-identity-token-file" .*it is a directory; expected a regular file/],
    ['GITHUB_ENV unset', () => ({ env: { GITHUB_ENV: undefined } }), /file GITHUB_ENV: it is not set/],
    ['GITHUB_ENV a directory', () => ({ env: { GITHUB_ENV: scratch() } }), /file GITHUB_ENV \(.*\): EISDIR/],
    ['GITHUB_OUTPUT in a missing directory', () => ({ env: { GITHUB_OUTPUT: join(scratch(), 'gone', 'output') } }), /file GITHUB_OUTPUT \(.*\): ENOENT/],
    ['RUNNER_TEMP missing with aws-profile', () => ({ inputs: { 'aws-profile': 'deploy' }, env: { RUNNER_TEMP: undefined } }), /aws-profile needs RUNNER_TEMP/],
    ['a role outside allowed-account-ids', () => ({ inputs: { 'allowed-account-ids': '111111111111' } }), /this role is in account 123456789012/],
    [
      'role-by-environment with a role outside allowed-account-ids',
      () => ({ inputs: { 'role-to-assume': '', 'role-by-environment': 'production: arn:aws:iam::222222222222:role/prod', 'allowed-account-ids': '111111111111' } }),
      /input "role-by-environment" \(given "arn:aws:iam::222222222222:role\/prod"\)/,
    ],
    ['a missing trust-policy file', () => ({ inputs: { 'trust-policy': join(scratch(), 'trust.json') } }), /input "trust-policy" .*ENOENT/],
    ['an invalid region from AWS_DEFAULT_REGION alone', () => ({ inputs: { 'aws-region': '' }, env: { AWS_DEFAULT_REGION: 'mars-1' } }), /input "aws-region \(from AWS_DEFAULT_REGION\)" \(given "mars-1"\)/],
  ])('%s: a clear error and no connection to any service', async (_name, setup, message) => {
    const { inputs = {}, env = {} } = setup();
    const result = await run(inputs, env);
    expect(result.exitCode, result.stdout).toBe(1);
    expect(errorsOf(result)).toMatch(message);
    expect(connectionsSince()).toBe(0);
    expect(result.env).toEqual({});
  });
});

describe('all or nothing: a runner file that fills up part way', () => {
  const CREDENTIALS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];

  it('GITHUB_OUTPUT full after GITHUB_ENV took the credentials: the variables are undone, the error says what', async () => {
    const result = await run({}, { GITHUB_OUTPUT: '/dev/full' });
    expect(result.exitCode).toBe(1);
    const errors = errorsOf(result);
    expect(errors).toMatch(/Could not write the runner's output file GITHUB_OUTPUT \(\/dev\/full\) \(writing aws-account-id\): ENOSPC/);
    expect(errors).toMatch(/Already written: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_REGION, AWS_DEFAULT_REGION\./);
    expect(errors).toMatch(/Undone in GITHUB_ENV: .*AWS_ACCESS_KEY_ID.* set back to what they were before this step/);
    // The runner applies GITHUB_ENV entries in order: the last one for a name wins.
    for (const name of CREDENTIALS) expect(result.env[name], name).toBe('');
    expect(result.rawEnvFile.match(/^AWS_ACCESS_KEY_ID<</gm)).toHaveLength(2);
  });

  it('GITHUB_OUTPUT full with aws-profile: the profile written is taken back too', async () => {
    const result = await run({ 'aws-profile': 'deploy', 'output-env-credentials': 'true' }, { GITHUB_OUTPUT: '/dev/full' });
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result)).toMatch(/Undone: .*\/keyless\/aws\/(config|credentials)/);
    for (const name of CREDENTIALS) expect(result.env[name] ?? '', name).toBe('');
  });

  it('GITHUB_ENV full: nothing was exported, and it says so', async () => {
    const result = await run({}, { GITHUB_ENV: '/dev/full' });
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result)).toMatch(/Could not write the runner's environment file GITHUB_ENV \(\/dev\/full\) \(writing AWS_ACCESS_KEY_ID\): ENOSPC[^\n]*\nNothing was exported\./);
    expect(result.outputs).toEqual({});
  });

  it.each(['GITHUB_STATE', 'GITHUB_STEP_SUMMARY'])('%s full: the credentials still work, with a warning', async (file) => {
    const result = await run({}, { [file]: '/dev/full' });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/::warning::(The post step will not be able to clean up|Could not write the job summary).*ENOSPC/);
    expect(result.env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/);
  });
});

describe('credentials that are about to expire', () => {
  it('an Expiration 10 s ahead is an error: nothing is exported', async () => {
    fakes.sts.setDefault({ kind: 'short-lived-credentials', expiresInSeconds: 10 });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result)).toMatch(/STS issued credentials that expire at \S+, in \d+ s, though role-duration-seconds asked for 3600 s; nothing was exported\. Likely cause: /);
    expect(result.env).toEqual({});
  });

  it('a session far shorter than asked for is exported with a warning naming the expiry', async () => {
    fakes.sts.setDefault({ kind: 'short-lived-credentials', expiresInSeconds: 1800 });
    const result = await run();
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/::warning::The credentials expire at \S+, in 30 min, though role-duration-seconds asked for 3600 s\. Likely cause: /);
  });
});

describe('messages that say what happened', () => {
  it('the token endpoint answering 200 without a token: status, content type, first bytes, never a token', async () => {
    const jwtLike = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    fakes.issuer.scriptTokenEndpoint({ status: 200, body: `<html>proxy login ${jwtLike}</html>`, headers: { 'Content-Type': 'text/html' } });
    const result = await run();
    expect(result.exitCode).toBe(1);
    const errors = errorsOf(result);
    expect(errors).toMatch(/answered without a token: HTTP 200, content-type "text\/html", body starts "<html>proxy login <redacted JWT><\/html>"/);
    expect(errors).not.toContain(jwtLike);
  });

  it('pull_request_target from a fork: the hint does not claim forks never get a token', async () => {
    const eventPath = join(scratch(), 'event.json');
    writeFileSync(eventPath, JSON.stringify({ pull_request: { head: { repo: { full_name: 'someone/octo-repo', fork: true } }, base: { repo: { full_name: 'octo-org/octo-repo' } } } }));
    const result = await run({}, { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined, GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: eventPath });
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result)).not.toMatch(/never gives/);
    expect(errorsOf(result)).toMatch(/pull_request_target .*does issue it an OIDC token once the workflow grants id-token: write/);
  });

  it('a proxy that cannot be reached is named as the problem', async () => {
    // Node's own proxy support: the runner's Node 24 has it (the machine's Node 20 refuses proxies).
    const node24 = nodeBinaries().find((binary) => binary.label.startsWith('node v24'));
    const result = await runAction({
      node: node24?.path,
      inputs: { ...fakes.inputs, 'http-proxy': 'http://user:secret@127.0.0.1:9', 'retry-max-attempts': '1' },
      env: fakes.env,
    });
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result)).toMatch(/could not reach the proxy http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
    expect(result.stdout).not.toContain('secret');
  });
});
