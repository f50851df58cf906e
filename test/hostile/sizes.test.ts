/**
 * Sizes (issue 21 item 11): every read has a limit (READ_LIMITS), and a file over it is bad input
 * naming the file, refused from its size before it is read. The files here are sparse: they cost
 * no disk and no time to make.
 */
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoundedReadError, READ_LIMITS, readStreamBounded } from '../../src/shared/bounded-read.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';
import { runAction } from '../helpers/runner.js';
import { keyless, scratch } from './helpers.js';

let work: ReturnType<typeof scratch>;
let fakes: Fakes;
const sparse = (name: string, bytes: number) => {
  writeFileSync(join(work.dir, name), '');
  truncateSync(join(work.dir, name), bytes);
};
beforeAll(async () => {
  work = scratch('sizes');
  sparse('plan.json', READ_LIMITS.iacFile + 1);
  sparse('policy.json', READ_LIMITS.policyFile + 1);
  sparse('token', READ_LIMITS.tokenFile + 1);
  // A trust policy of 1.2 MB in a file the audit reads: IAM stores at most 8,192 characters.
  const statement = (i: number) => ({ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': `repo:octo-org/app-${i}:ref:refs/heads/main` } } });
  writeFileSync(join(work.dir, 'huge-policy.json'), JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 5000 }, (_, i) => statement(i)) }));
  fakes = await startFakes();
});
afterAll(async () => {
  await fakes.close();
  work.remove();
});

describe('readStreamBounded', () => {
  it('stops pulling from an endless stream one chunk past the limit, and destroys it', async () => {
    let pulled = 0;
    let destroyed = false;
    const endless = {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          pulled += 1024;
          yield Buffer.alloc(1024, 0x61);
        }
      },
      destroy: () => {
        destroyed = true;
      },
    };
    const error = await readStreamBounded(endless, { maxBytes: 10 * 1024, name: 'the answer' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BoundedReadError);
    expect((error as Error).message).toBe('"the answer": is larger than the 10 KiB Keyless reads; expected at most 10 KiB');
    expect(pulled).toBe(11 * 1024);
    expect(destroyed).toBe(true);
  });
});

describe('the CLI', () => {
  it.each([
    [['trust-policy', 'audit', 'plan.json'], /PATH "plan\.json": cannot read the file \(is 67108865 bytes, larger than the 64 MiB Keyless reads/],
    [['trust-policy', 'lint', '--policy', 'policy.json'], /--policy "policy\.json": cannot read the file \(is 1048577 bytes, larger than the 1 MiB Keyless reads/],
    [['trust-policy', 'audit', 'huge-policy.json'], /"huge-policy\.json" holds a trust policy of \d+ characters for role "huge-policy\.json", larger than the 1 MiB Keyless reads of one policy/],
    [['trust-policy', 'prove', '--disjoint', 'huge-policy.json', 'huge-policy.json'], /"huge-policy\.json" holds a trust policy of \d+ characters/],
  ])('%j: bad input naming the file, exit 2', async (args, message) => {
    const run = await keyless(args, { cwd: work.dir });
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });
});

describe('the action', () => {
  it('a token file over 64 KiB: an input error naming it, before any request', async () => {
    const before = fakes.connections();
    const run = await runAction({ inputs: { ...fakes.inputs, 'web-identity-token-file': 'token' }, env: { GITHUB_WORKSPACE: work.dir, AWS_ENDPOINT_URL_STS: fakes.sts.url } });
    expect(run.errors.join('\n')).toMatch(/input "web-identity-token-file" \(given "token"\): expected a readable file holding the OIDC token.*it is 65537 bytes, larger than the 64 KiB Keyless reads/);
    expect(run.exitCode).toBe(1);
    expect(fakes.connections()).toBe(before);
  });

  it('a trust-policy input over 1 MiB: an input error naming it, before any request', async () => {
    const before = fakes.connections();
    const run = await runAction({ inputs: { ...fakes.inputs, 'trust-policy': join(work.dir, 'policy.json') }, env: fakes.env });
    expect(run.errors.join('\n')).toMatch(/input "trust-policy" .*it is 1048577 bytes, larger than the 1 MiB Keyless reads/);
    expect(run.exitCode).toBe(1);
    expect(fakes.connections()).toBe(before);
  });
});
