/**
 * Grouping lint findings for the text report: the same rule with the same message shape (the
 * message with its quoted values blanked) is one line with a count and the paths, so fifty
 * statements with the same name-only sub do not print fifty times. Pure.
 */
import type { LintFinding, LintRuleId, LintSeverity } from '../trust/index.js';

export interface FindingGroup {
  readonly ruleId: LintRuleId;
  readonly severity: LintSeverity;
  readonly count: number;
  /** Every finding's path, in order. */
  readonly paths: string[];
  /** The first finding's message: the others differ from it only in quoted values. */
  readonly message: string;
}

/** The message with every "quoted value" and bare number replaced: what findings alike share. */
export function messageShape(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\b\d+\b/g, '#');
}

/** Groups in the order of their first finding. */
export function groupFindings(findings: readonly LintFinding[]): FindingGroup[] {
  const groups = new Map<string, { ruleId: LintRuleId; severity: LintSeverity; paths: string[]; message: string }>();
  for (const f of findings) {
    const key = `${f.ruleId}\u0000${messageShape(f.message)}`;
    const group = groups.get(key);
    if (group) group.paths.push(f.path);
    else groups.set(key, { ruleId: f.ruleId, severity: f.severity, paths: [f.path], message: f.message });
  }
  return [...groups.values()].map((g) => ({ ...g, count: g.paths.length }));
}

/** `[0, 1, 2, 5, 7, 8]` → `0-2,5,7-8`. */
function ranges(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j;
  }
  return parts.join(',');
}

/**
 * The paths of a group, short: paths that differ only in one array index are written once,
 * `$.Statement[0-49].Condition…`; the rest are listed, comma-separated.
 */
export function compactPaths(paths: readonly string[]): string {
  const bySkeleton = new Map<string, string[]>();
  for (const path of paths) {
    const skeleton = path.replace(/\[\d+\]/g, '[#]');
    bySkeleton.set(skeleton, [...(bySkeleton.get(skeleton) ?? []), path]);
  }
  const out: string[] = [];
  for (const [skeleton, members] of bySkeleton) {
    const indexes = members.map((p) => [...p.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
    const varying = indexes[0]!.map((_, slot) => new Set(indexes.map((ix) => ix[slot])).size > 1);
    if (members.length === 1 || varying.filter(Boolean).length !== 1) {
      out.push(...new Set(members));
      continue;
    }
    let slot = -1;
    out.push(
      skeleton.replace(/\[#\]/g, () => {
        slot++;
        return varying[slot] ? `[${ranges(indexes.map((ix) => ix[slot]!))}]` : `[${indexes[0]![slot]}]`;
      }),
    );
  }
  return out.join(', ');
}
