/**
 * Case folding for the IgnoreCase operators (and Bool), one code point at a time, as Java's
 * String.equalsIgnoreCase compares characters: two code points are equal ignoring case when they are
 * equal or their simple upper-case-then-lower-case mappings are. Only one-to-one mappings count, so
 * `ß` never equals `SS` and a string keeps its length. README, "Undecided cases": non-ASCII folding.
 */

function simpleCase(cp: number, upper: boolean): number {
  const ch = String.fromCodePoint(cp);
  const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
  const first = mapped.codePointAt(0)!;
  // A letter whose full mapping is longer than one code point (ß → SS) keeps itself.
  return mapped.length === String.fromCodePoint(first).length ? first : cp;
}

const cache = new Map<number, number>();

/** The code point a case-insensitive comparison sees: simple lower case of the simple upper case. */
export function foldCase(cp: number): number {
  let folded = cache.get(cp);
  if (folded === undefined) {
    folded = simpleCase(simpleCase(cp, true), false);
    cache.set(cp, folded);
  }
  return folded;
}

/** True when the two strings are equal ignoring case, code point by code point. */
export function equalsIgnoreCase(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  if (x.length !== y.length) return false;
  return x.every((ch, i) => {
    const p = ch.codePointAt(0)!;
    const q = y[i]!.codePointAt(0)!;
    return p === q || foldCase(p) === foldCase(q);
  });
}
