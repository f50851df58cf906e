/**
 * The `--format aws-cli` script run by bash with the real AWS CLI (Debian's awscli) against the
 * loopback IAM: it sets everything up from nothing, a second run changes nothing, and the role's
 * trust policy is exact. The only change to the script's commands is the endpoint (an `aws` wrapper on PATH).
 */
import { runProcess, type ProcessResult } from '../helpers/child.js';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_IAM_KEY, startLocalIam, type LocalIam } from '../../src/local/iam.js';
import { evaluateTrustPolicy, lintTrustPolicy } from '../../src/trust/index.js';
import { CASES } from './helpers/cases.js';
import { AWS_CLI, cleanEnv, keyless, runClaims } from './helpers/setup.js';

let work: string;
let iam: LocalIam;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'keyless-aws-cli-'));
  // The script calls `aws`; this one adds only the endpoint of the loopback IAM (and the region
  // IAM signs in, which the CLI asks for once it is given an endpoint).
  writeFileSync(join(work, 'aws'), `#!/bin/sh\nexec ${AWS_CLI ?? '/usr/bin/aws'} --endpoint-url "$KEYLESS_TEST_IAM_URL" --region us-east-1 "$@"\n`);
  chmodSync(join(work, 'aws'), 0o755);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeEach(async () => {
  iam = await startLocalIam();
});
afterEach(() => iam.close());

function bash(script: string): Promise<ProcessResult> {
  const file = join(work, 'setup-aws.sh');
  writeFileSync(file, script);
  return runProcess('bash', [file], {
    env: cleanEnv({
      PATH: `${work}:${process.env.PATH ?? ''}`,
      HOME: work,
      KEYLESS_TEST_IAM_URL: iam.url,
      AWS_ACCESS_KEY_ID: DEFAULT_IAM_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEFAULT_IAM_KEY.secretAccessKey,
      AWS_PAGER: '',
    }),
  });
}

describe.runIf(AWS_CLI)('the aws-cli script with the real AWS CLI', () => {
  // The richest case (two repositories, a reusable workflow, a managed policy): each CLI call takes
  // most of a second, and the other cases' policies are checked through bash in formats.test.ts.
  const github = CASES.filter((c) => c.name === 'two repositories through a reusable workflow');

  it.each(github)('$name: sets up from nothing; a second run changes nothing', async (c) => {
    expect(c).toBeDefined();
    const script = keyless(['setup', 'aws', ...c.args, '--format', 'aws-cli']).stdout;
    const first = await bash(script);
    expect(first.code, first.stderr).toBe(0);
    const roleName = c.args.includes('--role-name') ? c.args[c.args.indexOf('--role-name') + 1]! : 'github-actions-octo-repo';
    expect(first.stdout.trim().split('\n').pop()).toBe(`arn:aws:iam::123456789012:role/${roleName}`);
    expect(iam.calls.filter((call) => call.status !== 200 && call.action !== 'GetRole')).toEqual([]);
    expect(iam.writeCalls().map((call) => call.action).filter((a) => a.startsWith('Create'))).toEqual(['CreateOpenIDConnectProvider', 'CreateRole']);

    const role = iam.roles.get(roleName.toLowerCase())!;
    const policy = JSON.parse(role.assumeRolePolicyDocument) as unknown;
    expect(lintTrustPolicy(policy, { issuer: c.issuer }).filter((f) => f.severity === 'error')).toEqual([]);
    for (const run of c.admitted) expect(evaluateTrustPolicy(policy, runClaims(run)).allowed).toBe(true);
    for (const { why, run } of c.denied) expect(evaluateTrustPolicy(policy, runClaims(run)).allowed, why).toBe(false);

    const state = JSON.stringify([[...iam.providers.values()].map((p) => [p.arn, p.clientIds]), [...iam.roles.values()].map((r) => [r.arn, r.assumeRolePolicyDocument, r.maxSessionDuration, r.attachedPolicies])]);
    const before = iam.calls.length;
    const second = await bash(script);
    expect(second.code, second.stderr).toBe(0);
    const secondCalls = iam.calls.slice(before).map((call) => call.action);
    expect(secondCalls.filter((a) => a.startsWith('Create'))).toEqual([]);
    expect(JSON.stringify([[...iam.providers.values()].map((p) => [p.arn, p.clientIds]), [...iam.roles.values()].map((r) => [r.arn, r.assumeRolePolicyDocument, r.maxSessionDuration, r.attachedPolicies])])).toBe(state);
  });

  it('stops before the role when the credentials are for another account than --account', async () => {
    const script = keyless(['setup', 'aws', '--repository', 'octo-org/octo-repo', '--environment', 'prod', '--account', '999999999999', '--format', 'aws-cli']).stdout;
    const r = await bash(script);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('these credentials are not for account 999999999999: the provider is arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
    expect(iam.roles.size).toBe(0);
  });
});
