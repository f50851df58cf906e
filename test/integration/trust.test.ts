/** The action's trust-policy and role-by-environment inputs, at the runner level. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandValues, runAction, secretLeaks } from '../helpers/runner.js';
import { handledSecrets, startFakes, type Fakes } from '../helpers/fakes.js';

let fakes: Fakes;
let dir: string;
beforeAll(async () => {
  fakes = await startFakes();
  dir = mkdtempSync(join(tmpdir(), 'keyless-trust-'));
});
afterAll(() => fakes.close());
beforeEach(() => {
  fakes.sts.calls.length = 0;
  fakes.sts.script();
  fakes.issuer.setRunnerTokenOptions({});
  fakes.issuer.requests.length = 0;
});

function policyFile(name: string, sub: string | string[], extra: Record<string, unknown> = {}): string {
  const provider = fakes.issuer.url.replace('http://', '');
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${provider}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${provider}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${provider}:sub`]: sub }, ...extra },
        },
      ],
    }),
  );
  return file;
}

const run = (inputs: Record<string, string>) => runAction({ inputs: { ...fakes.inputs, ...inputs }, env: fakes.env });

describe('input trust-policy', () => {
  it('a policy that admits the run lets it through', async () => {
    const result = await run({ 'trust-policy': policyFile('admits', 'repo:octo-org/octo-repo:ref:refs/heads/main') });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/Trust policy .*admits\.json admits this token/);
    expect(fakes.sts.calls).toHaveLength(1);
  });

  it('a policy that denies the run fails before STS, naming key, operator, policy values and token value', async () => {
    const result = await run({ 'trust-policy': policyFile('denies', 'repo:octo-org/octo-repo:environment:production') });
    expect(result.exitCode).toBe(1);
    const error = result.errors.join('\n');
    expect(error).toMatch(/Trust policy .*denies\.json denies this token for arn:aws:iam::123456789012:role\/deploy; STS was not called/);
    expect(error).toMatch(/StringLike "127\.0\.0\.1:\d+:sub"/);
    expect(error).toContain('repo:octo-org/octo-repo:environment:production');
    expect(error).toContain('repo:octo-org/octo-repo:ref:refs/heads/main');
    expect(fakes.sts.calls).toHaveLength(0);
    expect(secretLeaks(result, handledSecrets(fakes.sts))).toEqual([]);
  });

  it('a provider in another account than role-to-assume never matches: denied before STS, naming both accounts', async () => {
    const provider = fakes.issuer.url.replace('http://', '');
    const file = join(dir, 'other-account.json');
    const statement = {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::210987654321:oidc-provider/${provider}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${provider}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${provider}:sub`]: 'repo:octo-org/octo-repo:*' } },
    };
    writeFileSync(file, JSON.stringify({ Version: '2012-10-17', Statement: [statement] }));
    const result = await run({ 'trust-policy': file });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toContain('is in account 210987654321, the role "arn:aws:iam::123456789012:role/deploy" in account 123456789012');
    expect(fakes.sts.calls).toHaveLength(0);
  });

  it('a file that is not JSON is an input error, before any request', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"Version": "2012-10-17", "Statement": [');
    const result = await run({ 'trust-policy': file });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/^Invalid input: input "trust-policy" \(given ".*broken\.json"\): expected a JSON trust policy document/);
    expect(fakes.issuer.requests).toHaveLength(0);
  });

  it('a missing file is an input error', async () => {
    const result = await run({ 'trust-policy': join(dir, 'missing.json') });
    expect(result.errors.join('\n')).toMatch(/input "trust-policy" .*expected a readable JSON trust policy file/);
    expect(fakes.issuer.requests).toHaveLength(0);
  });

  it('lint errors in the policy are warned about', async () => {
    const result = await run({ 'trust-policy': policyFile('broad', 'repo:*') });
    expect(result.exitCode).toBe(0);
    expect(commandValues(result.stdout, 'warning').join('\n')).toMatch(/trust-policy .*broad\.json: sub-wildcard-owner/);
  });

  it('after an STS AccessDenied, says that the local policy admits the claims', async () => {
    fakes.sts.script({ kind: 'error', status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    const result = await run({ 'trust-policy': policyFile('admits-but-denied', 'repo:octo-org/octo-repo:*') });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/admits-but-denied\.json admits these claims, yet STS refused/);
    expect(fakes.sts.calls).toHaveLength(1);
  });
});

describe('input role-by-environment', () => {
  const table = 'production: arn:aws:iam::111111111111:role/deploy-prod\nstaging: arn:aws:iam::222222222222:role/deploy-staging';
  const inputs = () => ({ 'role-to-assume': '', 'role-by-environment': table });

  it('picks the role of the token environment', async () => {
    fakes.issuer.setRunnerTokenOptions({ claims: { environment: 'staging', sub: 'repo:octo-org/octo-repo:environment:staging' } });
    const result = await run(inputs());
    expect(result.exitCode, result.stdout).toBe(0);
    expect(fakes.sts.calls[0]!.params.RoleArn).toBe('arn:aws:iam::222222222222:role/deploy-staging');
    expect(result.outputs['aws-account-id']).toBe('222222222222');
  });

  it('a token without an environment never reaches STS', async () => {
    const result = await run(inputs());
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/role-by-environment: the token has no environment claim, so no role is chosen \(listed: "production", "staging"\); STS was not called/);
    expect(fakes.sts.calls).toHaveLength(0);
  });

  it('an environment that is not listed never reaches STS', async () => {
    fakes.issuer.setRunnerTokenOptions({ claims: { environment: 'dev' } });
    const result = await run(inputs());
    expect(result.errors.join('\n')).toMatch(/role-by-environment: the token's environment "dev" is not listed/);
    expect(fakes.sts.calls).toHaveLength(0);
  });
});
