/**
 * Input patterns are linear (issue 21, item 10): a 92-character role-to-assume once took 85 s in
 * the role-ARN pattern, and action-timeout-s could not stop it (inputs are parsed, synchronously,
 * before any timer can fire). Parsing must stay bounded for any input, so these tests time nothing:
 * before the fix the first one ran past vitest's timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/inputs/settings.js';
import { parseRoleArn } from '../../src/inputs/aws-names.js';
import { KeylessError } from '../../src/shared/errors.js';
import { contextFromEnv } from '../helpers/context.js';
import { runAction } from '../helpers/runner.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';

/** Backtracking bait for `(?:[!-~]+/)*`: many ways to split the path, and a last character no name allows. */
const ROLE_BAIT = `arn:aws:iam::123456789012:role/${'a/'.repeat(60)} `;

describe('the built action with an adversarial role-to-assume', () => {
  let fakes: Fakes;
  beforeAll(async () => {
    fakes = await startFakes();
  });
  afterAll(() => fakes.close());

  it.each([
    ['role-to-assume', { 'role-to-assume': ROLE_BAIT }],
    ['role-by-environment', { 'role-to-assume': '', 'role-by-environment': `production: ${ROLE_BAIT}` }],
  ])('%s is refused as bad input, before any request', async (input, inputs) => {
    const before = fakes.connections();
    // Killed only after vitest's own timeout: a hang shows as a timed-out test.
    const result = await runAction({ inputs: { ...fakes.inputs, 'action-timeout-s': '5', ...inputs }, env: { ...fakes.env, GITHUB_ENVIRONMENT: 'production' }, killAfterMs: 125_000 });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(new RegExp(`input "${input}"`));
    expect(fakes.connections() - before).toBe(0);
  });
});

describe('every input pattern with long adversarial values', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/deploy';
  const long = (unit: string, tail = '!') => `${unit.repeat(Math.ceil(100_000 / unit.length))}${tail}`;

  it.each([
    ['role-to-assume', long('a/', ' ')],
    ['role-to-assume', `arn:aws:iam::123456789012:role/${long('/a', '/')}`],
    ['role-to-assume', `arn:aws:iam::123456789012:role/${long('a/')}`],
    ['role-by-environment', `prod: arn:aws:iam::123456789012:role/${long('ab/', ' ')}`],
    ['aws-region', `us${long('-a', '-x')}`],
    ['aws-region', long('a-')],
    ['role-session-name', long('a')],
    ['role-external-id', long('a:/')],
    ['managed-session-policies', `arn:aws:iam::aws:policy/${long('a/', ' ')}`],
    ['allowed-account-ids', long('1', 'x')],
    ['aws-profile', long('a.')],
    ['audience', long('a')],
    ['require-claims', long('sub: a*,', '\n')],
    ['sts-endpoint', `https://${long('a.')}`],
    ['http-proxy', `http://${long('a:@')}`],
    ['transitive-tag-keys', long('Repository,')],
  ])('%s: parsed (or refused) in bounded time', (input, value) => {
    try {
      parseSettings((name) => ({ 'role-to-assume': ROLE, 'aws-region': 'us-east-1', [input]: value })[name] ?? '', contextFromEnv({}));
    } catch (error) {
      expect(error).toBeInstanceOf(KeylessError);
      expect((error as KeylessError).code).toBe('invalid-input');
    }
  });

  it.each([
    ['arn:aws:iam::123456789012:role/deploy', 'deploy'],
    ['arn:aws:iam::123456789012:role/path/to/deploy', 'deploy'],
    ['arn:aws-cn:iam::123456789012:role/a//deploy', 'deploy'],
    ['arn:aws:iam::123456789012:role//deploy', undefined],
    ['arn:aws:iam::123456789012:role/path/', undefined],
    ['arn:aws:iam::123456789012:role/pa th/deploy', undefined],
    ['arn:aws:iam::123456789012:role/dé', undefined],
    [`arn:aws:iam::123456789012:role/${'n'.repeat(65)}`, undefined],
  ])('the role ARN %s has the name %s, as before', (arn, name) => {
    expect(parseRoleArn(arn)?.name).toBe(name);
  });
});
