/** Any string in any input gives a valid setting or a clear error naming the input: never a crash. */
import { describe, expect, it } from 'vitest';
import { contextFromEnv } from '../helpers/context.js';
import fc from 'fast-check';
import { KeylessError } from '../../src/shared/errors.js';
import { parseSettings } from '../../src/inputs/settings.js';
import { parseClaimRules } from '../../src/verify/claim-rules.js';

const INPUTS = [
  'role-to-assume',
  'role-by-environment',
  'aws-region',
  'audience',
  'role-session-name',
  'role-duration-seconds',
  'inline-session-policy',
  'managed-session-policies',
  'web-identity-token-file',
  'oidc-issuer',
  'require-claims',
  'trust-policy',
  'mask-aws-account-id',
  'output-credentials',
  'output-env-credentials',
  'unset-current-credentials',
  'allowed-account-ids',
  'retry-max-attempts',
  'disable-retry',
  'action-timeout-s',
  'sts-endpoint',
  'http-proxy',
  'no-proxy',
  'job-summary',
  'aws-profile',
  'overwrite-aws-profile',
  'refresh-credentials',
  'role-chaining',
  'cleanup',
];
const VALID: Record<string, string> = { 'role-to-assume': 'arn:aws:iam::123456789012:role/deploy', 'aws-region': 'us-east-1' };

/** Strings that look like the real thing often, with hostile characters mixed in. */
const inputValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('true', 'false', 'TRUE', '3600', '0', '-1', '1e3', ' 900 ', '{}', '[]', 'null', 'arn:aws:iam::aws:policy/X', 'https://x', 'http://127.0.0.1:1', '\n', '::error::x', '%0A'),
  fc.array(fc.constantFrom('repository: a/*', 'x', ':', ',', '\n', 'arn:aws:iam::123456789012:role/r', 'prod: ', '#c'), { maxLength: 6 }).map((parts) => parts.join('')),
);

describe('every input parser, property-based', () => {
  it.each(INPUTS)('%s: any value is accepted or named in a clear error', (name) => {
    fc.assert(
      fc.property(inputValue, (value) => {
        const inputs: Record<string, string> = { ...VALID, [name]: value };
        try {
          parseSettings((input) => (inputs[input] ?? '').trim(), contextFromEnv());
        } catch (error) {
          if (!(error instanceof KeylessError)) throw error;
          expect(error.code).toBe('invalid-input');
          expect([error.message, ...error.details].join('\n')).toContain(`input "${name}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('require-claims: any text parses into rules or line-numbered problems', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const { rules, problems } = parseClaimRules(text);
        for (const problem of problems) expect(problem).toMatch(/^line \d+ /);
        for (const rule of rules) expect(rule.patterns.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
