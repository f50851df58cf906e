/**
 * Deep nesting (issue 21 item 11): JSON.parse itself copes with a million brackets, but the
 * located parser, lint and evaluate all recurse, and overflowed the stack. Every JSON and YAML
 * reader refuses nesting deeper than PARSE_LIMITS.maxDepth as bad input naming the file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoundedParseError, jsonTooDeepAt, parseJsonBounded, PARSE_LIMITS } from '../../src/shared/bounded-parse.js';
import { parseJsonLocated } from '../../src/trust/audit/located.js';
import { deepPolicyJson, keyless, scratch } from './helpers.js';

const MAX = PARSE_LIMITS.maxDepth;

describe('jsonTooDeepAt', () => {
  const cases: [string, string, number | undefined][] = [
    ['flat', '{"a":1}', undefined],
    ['exactly the limit', `${'['.repeat(MAX)}${']'.repeat(MAX)}`, undefined],
    ['one past the limit', `${'['.repeat(MAX + 1)}${']'.repeat(MAX + 1)}`, MAX],
    ['objects count as arrays do', `${'{"a":'.repeat(MAX + 1)}1${'}'.repeat(MAX + 1)}`, MAX * 5],
    ['brackets inside strings do not count', `["${'['.repeat(MAX * 2)}"]`, undefined],
    ['an escaped quote does not end a string', `["\\"${'['.repeat(MAX * 2)}"]`, undefined],
    ['siblings do not add up', `[${Array.from({ length: MAX * 2 }, () => '[1]').join(',')}]`, undefined],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(jsonTooDeepAt(text, MAX)).toBe(expected);
  });

  it('parseJsonBounded and the located parser refuse a million brackets, naming the document, without overflowing', () => {
    const text = deepPolicyJson(1_000_000);
    expect(() => parseJsonBounded(text, { name: 'deep.json' })).toThrow(BoundedParseError);
    expect(() => parseJsonLocated(text, 'deep.json')).toThrow(/^"deep\.json": nests deeper than 256 levels \(at line 1\); expected at most 256$/);
  });
});

let work: ReturnType<typeof scratch>;
beforeAll(() => {
  work = scratch('deep');
  writeFileSync(join(work.dir, 'deep.json'), deepPolicyJson(100_000));
  writeFileSync(join(work.dir, 'deep.yaml'), `Statement: ${'['.repeat(300)}${']'.repeat(300)}\n`);
  writeFileSync(join(work.dir, 'policy.json'), deepPolicyJson(1));
  writeFileSync(join(work.dir, 'claims.json'), '{"aud":"sts.amazonaws.com","sub":"repo:octo-org/app:ref:refs/heads/main"}');
  writeFileSync(join(work.dir, 'deep-claims.json'), `{"sub":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
});
afterAll(() => work.remove());

describe('the CLI', () => {
  it.each([
    [['trust-policy', 'audit', 'deep.json'], /keyless: error: "deep\.json" nests deeper than 256 levels/],
    [['trust-policy', 'audit', 'deep.yaml'], /keyless: error: "deep\.yaml" nests deeper than 256 levels/],
    [['trust-policy', 'lint', '--policy', 'deep.json'], /keyless: error: --policy "deep\.json" nests deeper than 256 levels/],
    [['trust-policy', 'evaluate', '--policy', 'deep.json', '--claims', 'claims.json'], /keyless: error: --policy "deep\.json" nests deeper than 256 levels/],
    [['trust-policy', 'evaluate', '--policy', 'policy.json', '--claims', 'deep-claims.json'], /keyless: error: --claims "deep-claims\.json" nests deeper than 256 levels/],
    [['trust-policy', 'prove', '--disjoint', 'deep.json', 'deep.json'], /keyless: error: policy "deep\.json" nests deeper than 256 levels/],
  ])('%j: bad input naming the file, exit 2', async (args, message) => {
    const run = await keyless(args, { cwd: work.dir });
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });
});
