/** The trail report: the sessions read, the joins' verdicts and every finding, ready to format. Pure. */
import type { FoundRole } from '../trust/audit/types.js';
import { deniedAttempts } from './findings/denied-attempts.js';
import { sessionIpChanged } from './findings/session-ip-changed.js';
import type { TrailFinding } from './findings/types.js';
import { notAdmitted, outsideExpected } from './findings/unexpected-subject.js';
import type { RunInfo } from './github-runs.js';
import { unmatchedSessions, type AuditRecordLite } from './joins/audit-records.js';
import { policyVerdict, unusedTrust } from './joins/roles.js';
import type { ReadTrailResult } from './read/trail.js';
import type { Session, TrailPeriod, TrailResult } from './types.js';

export interface TrailJoins {
  readonly roles?: readonly FoundRole[];
  readonly expect: readonly string[];
  readonly auditRecords?: readonly AuditRecordLite[];
  /** Runs by run id (--github). */
  readonly runs?: ReadonlyMap<string, RunInfo>;
}

export interface TrailReport {
  readonly period: TrailPeriod;
  readonly sources: readonly string[];
  readonly trail: TrailResult;
  readonly unattributedKeys: number;
  readonly findings: readonly TrailFinding[];
  /** Access key id → audit record's token jti (or ''), with --audit-records. */
  readonly auditMatches?: ReadonlyMap<string, string>;
  readonly runs?: ReadonlyMap<string, RunInfo>;
}

const SEVERITY_ORDER = { error: 0, warning: 1, note: 2 } as const;

export function buildReport(read: ReadTrailResult, period: TrailPeriod, joins: TrailJoins): TrailReport {
  const { sessions, failed } = read.result;
  const findings: TrailFinding[] = [...outsideExpected(sessions, joins.expect)];
  if (joins.roles) {
    const roles = joins.roles;
    findings.push(...notAdmitted(sessions, (s: Session) => policyVerdict(roles, s)), ...unusedTrust(roles, sessions));
  }
  findings.push(...deniedAttempts(failed), ...sessionIpChanged(sessions));
  let auditMatches: Map<string, string> | undefined;
  if (joins.auditRecords) {
    const { findings: unmatched, matched } = unmatchedSessions(sessions, joins.auditRecords);
    findings.push(...unmatched);
    auditMatches = new Map([...matched].map(([key, record]) => [key, record.token_jti ?? '']));
  }
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return {
    period,
    sources: read.files,
    trail: read.result,
    unattributedKeys: read.unattributedKeys,
    findings,
    ...(auditMatches ? { auditMatches } : {}),
    ...(joins.runs ? { runs: joins.runs } : {}),
  };
}

/** Every session, chained ones after their parent. */
export function allSessions(sessions: readonly Session[]): Session[] {
  return sessions.flatMap((s) => [s, ...allSessions(s.chained)]);
}

export function hasErrors(report: TrailReport): boolean {
  return report.findings.some((f) => f.severity === 'error');
}
