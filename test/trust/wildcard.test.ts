/** The StringLike matcher against references built directly from the definition. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasWildcard, matchesStringLike } from '../../src/trust/wildcard.js';

/**
 * Reference 1, from the definition by dynamic programming over code points: `m[i][j]` is whether the
 * first i pattern characters match the first j value characters. `*` matches any run (extend the run
 * by one value character, or end it); `?` exactly one character; anything else itself.
 */
function referenceDp(pattern: string, value: string): boolean {
  const p = Array.from(pattern);
  const v = Array.from(value);
  const m: boolean[][] = Array.from({ length: p.length + 1 }, () => new Array<boolean>(v.length + 1).fill(false));
  m[0]![0] = true;
  for (let i = 1; i <= p.length; i++) {
    for (let j = 0; j <= v.length; j++) {
      const c = p[i - 1];
      if (c === '*') m[i]![j] = m[i - 1]![j]! || (j > 0 && m[i]![j - 1]!);
      else if (j > 0) m[i]![j] = m[i - 1]![j - 1]! && (c === '?' || c === v[j - 1]);
    }
  }
  return m[p.length]![v.length]!;
}

/** Reference 2: a regular expression built with escaping (`*` → any run, `?` → one code point). */
function referenceRegex(pattern: string, value: string): boolean {
  const source = Array.from(pattern)
    .map((c) => (c === '*' ? '[^]*' : c === '?' ? '[^]' : c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'u').test(value);
}

const ALPHABET = ['a', 'b', 'c', '/', ':', '*', '?'];
const small = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 12 });
const literal = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '/', ':', '@', '😀'), maxLength: 12 });

describe('matchesStringLike (properties)', () => {
  it('agrees with the dynamic-programming reference', () => {
    fc.assert(
      fc.property(small, small, (pattern, value) => matchesStringLike(pattern, value) === referenceDp(pattern, value)),
      { numRuns: 5000 },
    );
  });

  it('agrees with the escaped-RegExp reference', () => {
    fc.assert(
      fc.property(small, small, (pattern, value) => matchesStringLike(pattern, value) === referenceRegex(pattern, value)),
      { numRuns: 5000 },
    );
  });

  it('agrees on values biased towards matching (patterns instantiated into values)', () => {
    // Build a value from the pattern by replacing each * with a run and each ? with one character:
    // the pattern must match it.
    const instantiated = fc
      .array(fc.tuple(fc.constantFrom(...ALPHABET), literal, fc.constantFrom('a', 'b', '😀')), { maxLength: 10 })
      .map((parts) => ({
        pattern: parts.map(([c]) => c).join(''),
        value: parts.map(([c, run, one]) => (c === '*' ? run : c === '?' ? one : c)).join(''),
      }));
    fc.assert(
      fc.property(instantiated, ({ pattern, value }) => matchesStringLike(pattern, value) && referenceDp(pattern, value)),
      { numRuns: 3000 },
    );
  });

  it('a pattern without wildcards matches exactly itself', () => {
    fc.assert(
      fc.property(literal, literal, (a, b) => {
        expect(hasWildcard(a)).toBe(false);
        return matchesStringLike(a, b) === (a === b);
      }),
    );
  });

  it('"*" matches everything, "" only the empty string', () => {
    fc.assert(fc.property(small, (v) => matchesStringLike('*', v) && matchesStringLike('', v) === (v === '')));
  });
});

describe('matchesStringLike (examples)', () => {
  it.each([
    ['repo:octo-org/*', 'repo:octo-org/octo-repo:environment:prod', true],
    ['repo:octo-org*', 'repo:octo-org-evil/x:ref:refs/heads/main', true],
    ['repo:octo-org/app?:ref:refs/heads/main', 'repo:octo-org/app1:ref:refs/heads/main', true],
    ['repo:octo-org/app?:ref:refs/heads/main', 'repo:octo-org/app:ref:refs/heads/main', false],
    ['repo:octo-org/octo-repo:ref:refs/heads/main*', 'repo:octo-org/octo-repo:ref:refs/heads/main', true],
    ['repo:jarvisprestidge/repo-name:*', 'repo:JarvisPrestidge/repo-name:ref:refs/heads/main', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['*a*a*a*a*a*a*a*a*b', 'a'.repeat(200), false],
    ['?', '😀', true],
    ['??', '😀', false],
  ])('%s vs %s → %s', (pattern, value, expected) => {
    expect(matchesStringLike(pattern, value)).toBe(expected);
    expect(referenceDp(pattern, value)).toBe(expected);
  });

  it('stays fast on adversarial patterns', () => {
    const started = Date.now();
    expect(matchesStringLike(`${'*a'.repeat(50)}b`, 'a'.repeat(5000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('hasWildcard', () => {
    expect(hasWildcard('repo:o/r:*')).toBe(true);
    expect(hasWildcard('repo:o/r:ref:refs/heads/ma?n')).toBe(true);
    expect(hasWildcard('repo:o/r:ref:refs/heads/main')).toBe(false);
  });
});
