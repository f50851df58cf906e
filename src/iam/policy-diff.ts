/** Comparing two trust policies as IAM reads them: a canonical form (equal meaning, equal text) and a readable line diff. Pure. */

const ELEMENT_ORDER = ['Version', 'Id', 'Statement', 'Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

function keyOrder(a: string, b: string): number {
  const ia = ELEMENT_ORDER.indexOf(a);
  const ib = ELEMENT_ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

function canonicalValue(value: unknown, key: string | undefined): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonicalValue(v, undefined));
    if (key === 'Statement') return items;
    // A list of strings is a set to IAM (any of them), and one string is the same as a list of one.
    if (items.every((v) => typeof v === 'string')) {
      const set = [...new Set(items as string[])].sort();
      return set.length === 1 ? set[0] : set;
    }
    return items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort(keyOrder)) {
      // A statement id changes nothing IAM decides.
      if (k === 'Sid' && key === undefined) continue;
      const v = (value as Record<string, unknown>)[k];
      out[k] = k === 'Statement' && !Array.isArray(v) ? [canonicalValue(v, undefined)] : canonicalValue(v, k);
    }
    return out;
  }
  return value;
}

/** The policy with elements in a fixed order, string lists sorted and de-duplicated, one-item lists as strings, no Sid. */
export function canonicalPolicy(policy: unknown): unknown {
  return canonicalValue(policy, undefined);
}

export function canonicalText(policy: unknown): string {
  return JSON.stringify(canonicalPolicy(policy), null, 2);
}

/** True when IAM would read both the same way. */
export function samePolicy(a: unknown, b: unknown): boolean {
  return canonicalText(a) === canonicalText(b);
}

export type DiffLine = { readonly op: ' ' | '-' | '+'; readonly text: string };

/** A line diff (longest common subsequence; trust policies are short). */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ op: ' ', text: a[i]! });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push({ op: '-', text: a[i++]! });
    } else {
      out.push({ op: '+', text: b[j++]! });
    }
  }
  return out;
}

/** The diff of the canonical forms, as unified-diff-like text lines (`- `, `+ `, `  `). */
export function policyDiff(current: unknown, intended: unknown): string[] {
  return lineDiff(canonicalText(current), canonicalText(intended)).map((line) => `${line.op} ${line.text}`);
}
