/**
 * Hostile tokens and hostile values: refused or handled as the JWT rules say, never sent to STS
 * when refused, and never able to inject a variable, an output or a workflow command.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAction, secretLeaks, type ActionRun } from '../helpers/runner.js';
import { handledSecrets, startFakes, type Fakes } from '../helpers/fakes.js';

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(() => {
  fakes.reset();
});

const run = (inputs: Record<string, string> = {}) => runAction({ inputs: { ...fakes.inputs, ...inputs }, env: fakes.env });

/** Workflow commands the action itself may print; anything else starting with :: is injected. */
const OWN_COMMANDS = /^::(add-mask|error|warning|debug)::/;

function expectNoInjection(result: ActionRun, expectedEnv: string[]) {
  for (const line of result.stdout.split('\n')) {
    if (line.trimStart().startsWith('::')) expect(line, 'an injected workflow command').toMatch(OWN_COMMANDS);
  }
  expect(result.errors.length).toBeLessThanOrEqual(1);
  expect(Object.keys(result.env).sort()).toEqual([...expectedEnv].sort());
  expect(secretLeaks(result, handledSecrets(fakes.sts))).toEqual([]);
}

const EXPORTED = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_REGION', 'AWS_DEFAULT_REGION'];

describe('hostile tokens', () => {
  it('a duplicated claim is refused: parsers disagree on which one counts', async () => {
    // Signed by the issuer's own key, so the duplicate is the only thing wrong with it.
    fakes.issuer.setRunnerTokenOptions({ extraPayloadJson: '"sub":"repo:attacker/repo:ref:refs/heads/main"' });
    const result = await run();
    expect(result.errors.join('\n')).toMatch(/OIDC token rejected before calling STS: claim "sub" appears more than once/);
    expect(fakes.sts.calls).toHaveLength(0);
  });

  it('an over-long token is refused before verification', async () => {
    fakes.issuer.setRunnerTokenOptions({ claims: { padding: 'x'.repeat(20_000) } });
    const result = await run();
    expect(result.errors.join('\n')).toMatch(/OIDC token rejected before calling STS: token is \d+ characters long, more than 16384/);
    expect(fakes.sts.calls).toHaveLength(0);
  });

  it('exp far in the future is accepted as the JWT rules say (STS applies its own limits)', async () => {
    fakes.issuer.setRunnerTokenOptions({ lifetimeSeconds: 10 * 365 * 24 * 3600 });
    const result = await run();
    expect(result.exitCode, result.stdout).toBe(0);
  });

  it('aud as an array that includes ours is accepted', async () => {
    fakes.issuer.setRunnerTokenOptions({ claims: { aud: ['https://github.com/octo-org', 'sts.amazonaws.com'] } });
    const result = await run();
    expect(result.exitCode, result.stdout).toBe(0);
  });
});

describe('output injection', () => {
  const hostile = 'main\n::set-env name=EVIL::1\n::error::fake\nAWS_EVIL<<EOF\nx\nEOF';

  it('claim values with newlines and workflow commands are printed inert', async () => {
    fakes.issuer.setRunnerTokenOptions({
      claims: { sub: `repo:octo-org/octo-repo:ref:refs/heads/${hostile}`, environment: hostile, ref: `refs/heads/${hostile}` },
    });
    const result = await run();
    expect(result.exitCode, result.stdout).toBe(0);
    expectNoInjection(result, EXPORTED);
    expect(result.summary).not.toContain('<script');
    expect(result.summary).not.toMatch(/\n::/);
  });

  it('the AccessDenied explanation, which prints every claim, stays one error annotation', async () => {
    fakes.issuer.setRunnerTokenOptions({ claims: { job_workflow_ref: hostile, environment: '<script>alert(1)</script>' } });
    fakes.sts.script({ kind: 'error', status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expectNoInjection(result, []);
    expect(result.errors[0]).toContain(JSON.stringify(hostile));
  });

  it('hostile input values are refused or escaped, never written raw', async () => {
    const result = await run({ 'role-session-name': 'a\n::set-output name=x::1', audience: 'sts.amazonaws.com\nAWS_EVIL=1' });
    expect(result.exitCode).toBe(1);
    expectNoInjection(result, []);
    expect(result.errors[0]).toMatch(/input "role-session-name" \(given "a\\n::set-output name=x::1"\)/);
  });
});

