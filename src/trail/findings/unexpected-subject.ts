/**
 * unexpected-subject (error): sessions whose subject is outside every --expect pattern (IAM
 * StringLike matching), or that the role's current trust policy no longer admits (--roles).
 */
import { matchesStringLike } from '../../trust/wildcard.js';
import type { Session } from '../types.js';
import { q, type TrailFinding } from './types.js';

/** Groups sessions by role and subject, so one finding stands for all the sessions of a pair. */
export function byRoleAndSubject(sessions: readonly Session[]): Map<string, Session[]> {
  const groups = new Map<string, Session[]>();
  for (const s of sessions) {
    const id = `${s.role}\u0000${s.subject}`;
    groups.set(id, [...(groups.get(id) ?? []), s]);
  }
  return groups;
}

export function outsideExpected(sessions: readonly Session[], patterns: readonly string[]): TrailFinding[] {
  if (patterns.length === 0) return [];
  const out: TrailFinding[] = [];
  for (const group of byRoleAndSubject(sessions).values()) {
    const s = group[0]!;
    if (patterns.some((p) => matchesStringLike(p, s.subject))) continue;
    out.push({
      rule: 'unexpected-subject',
      severity: 'error',
      role: s.role,
      subject: s.subject,
      message: `${group.length} session${group.length > 1 ? 's' : ''} of ${q(s.role)} by ${q(s.subject)}, outside --expect ${patterns.map(q).join(', ')}`,
      sessions: group.map((g) => g.accessKeyId),
    });
  }
  return out;
}

/** Verdicts of the current policy, from joins/roles.ts. */
export interface PolicyVerdict {
  readonly admitted: boolean | 'undecided';
  readonly why: string;
}

export function notAdmitted(sessions: readonly Session[], verdict: (s: Session) => PolicyVerdict | undefined): TrailFinding[] {
  const out: TrailFinding[] = [];
  for (const group of byRoleAndSubject(sessions).values()) {
    const s = group[0]!;
    const v = verdict(s);
    if (v === undefined || v.admitted !== false) continue;
    out.push({
      rule: 'unexpected-subject',
      severity: 'error',
      role: s.role,
      subject: s.subject,
      message: `${group.length} session${group.length > 1 ? 's' : ''} of ${q(s.role)} by ${q(s.subject)}, which the current trust policy no longer admits: ${v.why}`,
      sessions: group.map((g) => g.accessKeyId),
    });
  }
  return out;
}
