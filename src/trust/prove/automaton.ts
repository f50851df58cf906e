/**
 * Automata for IAM string conditions. A StringLike pattern (`*` any run, `?` one character) and a
 * StringEquals value are regular languages over code points; a {@link PatternSetDfa} reads one
 * string against several patterns at once, determinised lazily (subset construction), so that one
 * state says which of the patterns the text read so far can still match and which it matches now.
 */
import { foldCase } from '../case-fold.js';
import { ANY_ONE, ANY_RUN, type PatternUnit } from '../wildcard.js';

export interface Pattern {
  readonly units: readonly PatternUnit[];
  /** StringEqualsIgnoreCase, Bool: a literal matches every code point with the same case fold (case-fold.ts). */
  readonly ignoreCase: boolean;
}

let foldTable: Map<number, number[]> | undefined;
/** Every code point of the Basic Multilingual Plane with this case fold (k, K and the Kelvin sign). */
function codePointsFolding(folded: number): readonly number[] {
  if (!foldTable) {
    foldTable = new Map();
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const f = foldCase(cp);
      const list = foldTable.get(f);
      if (list) list.push(cp);
      else foldTable.set(f, [cp]);
    }
  }
  return foldTable.get(folded) ?? [];
}

/** Several patterns read in parallel. State 0.. are interned sets of NFA positions. */
export class PatternSetDfa {
  private readonly patterns: readonly Pattern[];
  /** NFA state g = offsets[p] + i: pattern p has matched its first i units. */
  private readonly offsets: number[] = [];
  private readonly patternOf: number[] = [];
  private readonly positionOf: number[] = [];
  private readonly sets: number[][] = [];
  private readonly ids = new Map<string, number>();
  private readonly transitions: Map<number, number>[] = [];
  readonly start: number;

  constructor(patterns: readonly Pattern[]) {
    this.patterns = patterns;
    let next = 0;
    patterns.forEach((pattern, p) => {
      this.offsets.push(next);
      for (let i = 0; i <= pattern.units.length; i++) {
        this.patternOf.push(p);
        this.positionOf.push(i);
      }
      next += pattern.units.length + 1;
    });
    this.start = this.intern(this.closure(patterns.map((_, p) => this.offsets[p]!)));
  }

  get patternCount(): number {
    return this.patterns.length;
  }

  /** Adds the positions a `*` can skip to (a `*` also matches the empty string). */
  private closure(states: number[]): number[] {
    const out = new Set<number>();
    for (let g of states) {
      out.add(g);
      let p = this.patternOf[g]!;
      let i = this.positionOf[g]!;
      while (i < this.patterns[p]!.units.length && this.patterns[p]!.units[i] === ANY_RUN) {
        g++;
        i++;
        out.add(g);
        p = this.patternOf[g]!;
      }
    }
    return [...out].sort((a, b) => a - b);
  }

  private intern(set: number[]): number {
    const key = set.join(',');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(set);
      this.ids.set(key, id);
      this.transitions.push(new Map());
    }
    return id;
  }

  /** The state after reading one code point. */
  step(state: number, cp: number): number {
    const cached = this.transitions[state]!.get(cp);
    if (cached !== undefined) return cached;
    const next: number[] = [];
    for (const g of this.sets[state]!) {
      const pattern = this.patterns[this.patternOf[g]!]!;
      const i = this.positionOf[g]!;
      if (i >= pattern.units.length) continue;
      const unit = pattern.units[i]!;
      if (unit === ANY_RUN) next.push(g);
      else if (unit === ANY_ONE) next.push(g + 1);
      else if (unit === cp || (pattern.ignoreCase && foldCase(unit) === foldCase(cp))) next.push(g + 1);
    }
    const id = this.intern(this.closure(next));
    this.transitions[state]!.set(cp, id);
    return id;
  }

  /** The state after reading a string. */
  read(state: number, text: string): number {
    let s = state;
    for (const ch of text) s = this.step(s, ch.codePointAt(0)!);
    return s;
  }

  /** True when the text read so far matches pattern `p` completely. */
  matches(state: number, p: number): boolean {
    return this.sets[state]!.includes(this.offsets[p]! + this.patterns[p]!.units.length);
  }

  /**
   * The code points some pattern treats specially: every literal, with all its case variants for
   * case-insensitive patterns. Any other code point behaves like any other (only wildcards take it).
   */
  literals(): Set<number> {
    const out = new Set<number>();
    for (const pattern of this.patterns) {
      for (const unit of pattern.units) {
        if (unit === ANY_RUN || unit === ANY_ONE) continue;
        out.add(unit);
        if (!pattern.ignoreCase) continue;
        for (const cp of codePointsFolding(foldCase(unit))) out.add(cp);
        for (const variant of [String.fromCodePoint(unit).toLowerCase(), String.fromCodePoint(unit).toUpperCase()]) {
          const cps = [...variant];
          if (cps.length === 1 && foldCase(cps[0]!.codePointAt(0)!) === foldCase(unit)) out.add(cps[0]!.codePointAt(0)!);
        }
      }
    }
    return out;
  }
}
