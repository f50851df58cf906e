/**
 * YAML alias bombs (issue 21 item 3): billion laughs and an alias inside the node it names, in a
 * CloudFormation template. The audit walks aliases itself, so the yaml package's own alias limit
 * never applied; the shared alias budget (src/shared/bounded-parse.ts) must, in the CLI (exit 2,
 * naming the file) and in the audit action (an error annotation, not a hang).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BoundedParseError, parseYamlBounded, PARSE_LIMITS } from '../../src/shared/bounded-parse.js';
import { toPlain } from '../../src/trust/audit/located.js';
import { parseYamlLocated } from '../../src/trust/audit/yaml.js';
import { runAction } from '../helpers/runner.js';
import { AUDIT_ACTION, billionLaughsTemplate, keyless, RECURSIVE_ALIAS_TEMPLATE, scratch } from './helpers.js';

let work: ReturnType<typeof scratch>;
beforeAll(() => {
  work = scratch('yaml');
  writeFileSync(join(work.dir, 'laughs.yaml'), billionLaughsTemplate());
  writeFileSync(join(work.dir, 'recursive.yaml'), RECURSIVE_ALIAS_TEMPLATE);
  mkdirSync(join(work.dir, 'infra'));
  writeFileSync(join(work.dir, 'infra', 'stack.yaml'), billionLaughsTemplate());
});
afterAll(() => work.remove());

const reasonOf = async (parsing: Promise<unknown>) => {
  try {
    await parsing;
    return 'parsed';
  } catch (error) {
    return error instanceof BoundedParseError ? error.reason : String(error);
  }
};

describe('the alias budget, in both YAML readers', () => {
  // 790 bytes took 28 s and 1 GiB; 9^9 nodes never finished; the recursive one overflowed the stack.
  const cases: [string, string, string][] = [
    ['billion laughs, 9 levels of 9', billionLaughsTemplate(), 'alias-budget'],
    ['a wide bomb: 4 levels of 40', billionLaughsTemplate(4, 40), 'alias-budget'],
    ['an alias inside the node it names', RECURSIVE_ALIAS_TEMPLATE, 'alias-cycle'],
    ['a cycle through a second anchor', 'a: &a {b: &b [1, *a]}\n', 'alias-cycle'],
    ['flow nesting 300 deep', `a: ${'['.repeat(300)}${']'.repeat(300)}\n`, 'too-deep'],
    ['a few anchors, merge keys', 'base: &b {x: 1, y: [1, 2]}\nthing:\n  <<: *b\n  again: *b\n', 'parsed'],
    ['as many aliases as the budget allows', `a: &a 1\nb: [${Array.from({ length: PARSE_LIMITS.maxAliases }, () => '*a').join(',')}]\n`, 'parsed'],
    ['one alias more', `a: &a 1\nb: [${Array.from({ length: PARSE_LIMITS.maxAliases + 1 }, () => '*a').join(',')}]\n`, 'alias-budget'],
    ['as many anchors as the budget allows', `[${Array.from({ length: PARSE_LIMITS.maxAnchors }, (_, i) => `&a${i} ${i}`).join(',')}]\n`, 'parsed'],
    ['one anchor more', `[${Array.from({ length: PARSE_LIMITS.maxAnchors + 1 }, (_, i) => `&a${i} ${i}`).join(',')}]\n`, 'alias-budget'],
  ];
  it.each(cases)('%s', async (_name, text, expected) => {
    expect(await reasonOf(parseYamlLocated(text, 'f.yaml'))).toBe(expected);
    expect(await reasonOf(parseYamlBounded(text, { name: 'f.yaml' }))).toBe(expected);
  });

  it('within the budget, both read what the yaml package reads; an anchor redefined counts from where it is written', async () => {
    const text = 'base: &b {x: 1}\nthing:\n  <<: *b\n  y: *b\nlater: &b 2\nlast: *b\n';
    expect(await parseYamlBounded(text, { name: 'f.yaml' }, { merge: true })).toEqual([parse(text, { merge: true })]);
    expect((await parseYamlLocated(text, 'f.yaml')).map(toPlain)).toEqual([{ base: { x: 1 }, thing: { x: 1, y: { x: 1 } }, later: 2, last: 2 }]);
  });

  it('the error names the document and says what was expected', async () => {
    await expect(parseYamlLocated(billionLaughsTemplate(), 'infra/laughs.yaml')).rejects.toThrow(/^"infra\/laughs\.yaml": (aliases expand to more than 100000 nodes|follows more than 1000 aliases).*expected at most/);
    await expect(parseYamlLocated(RECURSIVE_ALIAS_TEMPLATE, 'r.yaml')).rejects.toThrow(/^"r\.yaml": alias \*policy \(at line 6\) is inside the node it names/);
  });
});

describe('keyless trust-policy audit', () => {
  it.each([
    ['laughs.yaml', /keyless: error: "laughs\.yaml" (aliases expand|follows more than)/],
    ['recursive.yaml', /keyless: error: "recursive\.yaml" alias \*policy .* is inside the node it names/],
    // Found in a directory: still bad input, never skipped quietly.
    ['infra', /keyless: error: "infra\/stack\.yaml" (aliases expand|follows more than)/],
  ])('%s: bad input naming the file, exit 2', async (path, message) => {
    const run = await keyless(['trust-policy', 'audit', path], { cwd: work.dir });
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });

  it('trust-policy prove reads the same way', async () => {
    const run = await keyless(['trust-policy', 'prove', '--disjoint', 'laughs.yaml', 'laughs.yaml'], { cwd: work.dir });
    expect(run.stderr).toMatch(/"laughs\.yaml" (aliases expand|follows more than)/);
    expect(run.code).toBe(2);
  });
});

describe('the audit action', () => {
  it('a bomb in the workspace is one error annotation naming the file, not a hang', async () => {
    const run = await runAction({ entry: AUDIT_ACTION, inputs: { paths: 'infra' }, env: { GITHUB_WORKSPACE: work.dir } });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/"infra\/stack\.yaml" (aliases expand|follows more than)/);
  });
});
