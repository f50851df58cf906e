/**
 * Grouping findings for the text reports of lint and audit: the same rule with the same message
 * shape (the message with its quoted values blanked) is one line with a count and the paths, so
 * fifty statements with the same name-only sub do not print fifty times. Errors come first. Pure.
 */

/** A finding as lint and audit both have it, under the CLI's field names. */
export interface GroupableFinding {
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'note';
  readonly message: string;
  readonly path: string;
  /** The line in the source file, where known (audit). */
  readonly line?: number;
}

export interface FindingGroup {
  readonly rule: string;
  readonly severity: GroupableFinding['severity'];
  readonly count: number;
  /** Every finding's path, in order. */
  readonly paths: string[];
  /** The lines of the findings, where known, in order and once each. */
  readonly lines: number[];
  /** The first finding's message: the others differ from it only in quoted values. */
  readonly message: string;
}

const SEVERITY_ORDER = { error: 0, warning: 1, note: 2 } as const;

/** The message with every "quoted value" and bare number replaced: what findings alike share. */
export function messageShape(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\b\d+\b/g, '#');
}

/** Groups, errors before warnings before notes, each severity in the order of its first finding. */
export function groupFindings(findings: readonly GroupableFinding[]): FindingGroup[] {
  const groups = new Map<string, { rule: string; severity: GroupableFinding['severity']; paths: string[]; lines: number[]; message: string }>();
  for (const f of findings) {
    const key = `${f.rule}\u0000${f.severity}\u0000${messageShape(f.message)}`;
    const group = groups.get(key) ?? { rule: f.rule, severity: f.severity, paths: [], lines: [], message: f.message };
    groups.set(key, group);
    group.paths.push(f.path);
    if (f.line !== undefined && !group.lines.includes(f.line)) group.lines.push(f.line);
  }
  return [...groups.values()]
    .map((g) => ({ rule: g.rule, severity: g.severity, count: g.paths.length, paths: g.paths, lines: g.lines, message: g.message }))
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** The group lines of a text report, as lint and audit print them. */
export function formatGroups(groups: readonly FindingGroup[]): string[] {
  const width = Math.max(0, ...groups.map((g) => g.rule.length));
  const out: string[] = [];
  for (const g of groups) {
    const lines = g.lines.length === 0 ? '' : `line${g.lines.length > 1 ? 's' : ''} ${g.lines.join(', ')}  `;
    out.push(`  ${g.severity.padEnd(7)} ${g.rule.padEnd(width)}  ${g.count > 1 ? `×${g.count}  ` : ''}${lines}${compactPaths(g.paths)}`);
    out.push(`          ${g.message}`);
  }
  return out;
}

/** Said once under a report whose groups hide findings. */
export const GROUPED_FINDINGS_NOTE = '×N: N findings of one rule whose messages differ only in quoted values, shown once with every path; --json lists each.';

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
