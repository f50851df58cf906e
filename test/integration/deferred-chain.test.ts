/**
 * The AWS SDK's default credential chain (environment, profiles, SSO, IMDS and the nested clients
 * they use) is bundled as a chunk of its own (scripts/bundle/credential-provider-node-deferred.js):
 * AssumeRoleWithWebIdentity is unsigned and never loads it; role chaining loads it when it needs
 * source credentials. Shown on a copy of dist/ with that chunk deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runAction } from '../helpers/runner.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';

let fakes: Fakes;
let copy: string;
let chainChunk: string;
beforeAll(async () => {
  fakes = await startFakes();
  copy = mkdtempSync(join(tmpdir(), 'keyless-dist-without-chain-'));
  cpSync(join(ROOT, 'dist'), copy, { recursive: true });
  // `sso_session` is read only by the chain's profile and SSO providers.
  const holders = readdirSync(copy).filter((file) => file.endsWith('.js') && readFileSync(join(copy, file), 'utf8').includes('sso_session'));
  expect(holders).toHaveLength(1);
  chainChunk = holders[0]!;
  expect(chainChunk).not.toBe('index.js');
  rmSync(join(copy, chainChunk));
});
afterAll(async () => {
  await fakes.close();
  rmSync(copy, { recursive: true, force: true });
});

describe('the default credential chain, loaded only when credentials are needed', () => {
  it('web identity succeeds without it; role chaining from those credentials needs it', async () => {
    const entry = join(copy, 'index.js');
    const first = await runAction({ entry, inputs: fakes.inputs, env: fakes.env });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/);

    const chained = await runAction({
      entry,
      inputs: { 'role-to-assume': 'arn:aws:iam::210987654321:role/cross-account-deploy', 'aws-region': 'us-east-1', 'role-chaining': 'true' },
      env: { ...fakes.env, ...first.env, ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(chained.exitCode).toBe(1);
    expect(chained.stdout + chained.stderr).toContain(chainChunk);
  });
});
