/**
 * IAM `StringLike` matching: `*` matches any run of characters (including none),
 * `?` matches exactly one character, everything else matches itself, case-sensitively.
 *
 * A raw pattern string has no escape syntax: a `*` or `?` in it is always a wildcard. (In policies
 * with `"Version": "2012-10-17"`, IAM's predefined policy variables `${*}`, `${?}` and `${$}` stand for
 * the literal characters; `conditions.ts` resolves those into {@link PatternUnit}s before matching.)
 *
 * Characters are Unicode code points, so `?` matches one emoji as well as one ASCII letter.
 */
export function matchesStringLike(pattern: string, value: string): boolean {
  return matchUnits(compileStringLike(pattern), value);
}

/** True when the pattern contains an IAM wildcard character. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** `*`: any run of characters, including none. */
export const ANY_RUN = -1;
/** `?`: exactly one character. */
export const ANY_ONE = -2;

/**
 * One element of a compiled pattern: a Unicode code point that must match literally, or one of the
 * wildcards {@link ANY_RUN} and {@link ANY_ONE}.
 */
export type PatternUnit = number;

/** Compiles a raw StringLike pattern: every `*` and `?` is a wildcard. */
export function compileStringLike(pattern: string): PatternUnit[] {
  const units: PatternUnit[] = [];
  for (const ch of pattern) {
    if (ch === '*') units.push(ANY_RUN);
    else if (ch === '?') units.push(ANY_ONE);
    else units.push(ch.codePointAt(0)!);
  }
  return units;
}

/** Compiles text that must match literally (no wildcards). */
export function literalUnits(text: string): PatternUnit[] {
  const units: PatternUnit[] = [];
  for (const ch of text) units.push(ch.codePointAt(0)!);
  return units;
}

/**
 * Matches a compiled pattern against a value. Iterative, with backtracking only to the most recent
 * `*`: linear in practice, and immune to the catastrophic backtracking a RegExp built from user input
 * can hit. (Backtracking to the last `*` alone is enough: an earlier `*` could only absorb characters
 * the later one can absorb as well.)
 */
export function matchUnits(units: readonly PatternUnit[], value: string): boolean {
  const chars: number[] = [];
  for (const ch of value) chars.push(ch.codePointAt(0)!);
  let p = 0;
  let v = 0;
  let starAt = -1;
  let valueAtStar = 0;
  while (v < chars.length) {
    const unit = units[p];
    if (unit === ANY_RUN) {
      starAt = p++;
      valueAtStar = v;
    } else if (p < units.length && (unit === ANY_ONE || unit === chars[v])) {
      p++;
      v++;
    } else if (starAt >= 0) {
      p = starAt + 1;
      v = ++valueAtStar;
    } else {
      return false;
    }
  }
  while (units[p] === ANY_RUN) p++;
  return p === units.length;
}

/** True when a compiled pattern has a wildcard unit. */
export function unitsHaveWildcard(units: readonly PatternUnit[]): boolean {
  return units.some((u) => u === ANY_RUN || u === ANY_ONE);
}

/** The literal text before the first wildcard unit (the whole text when there is none). */
export function literalPrefix(units: readonly PatternUnit[]): string {
  let out = '';
  for (const u of units) {
    if (u === ANY_RUN || u === ANY_ONE) break;
    out += String.fromCodePoint(u);
  }
  return out;
}

/** Renders compiled units back to text, wildcards as `*` and `?`. */
export function unitsToText(units: readonly PatternUnit[]): string {
  let out = '';
  for (const u of units) out += u === ANY_RUN ? '*' : u === ANY_ONE ? '?' : String.fromCodePoint(u);
  return out;
}
