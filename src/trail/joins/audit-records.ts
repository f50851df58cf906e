/**
 * The --audit-records join: Keyless's audit JSONL (src/job/audit.ts) against the sessions. A record
 * names no access key (by design), so a session matches a record with the same role, session name
 * and subject whose expiration is the session's (to the second) or, failing that, whose time is
 * within two minutes of the AssumeRoleWithWebIdentity event.
 */
import { q, type TrailFinding } from '../findings/types.js';
import type { Session } from '../types.js';

export interface AuditRecordLite {
  readonly role_arn: string;
  readonly session_name: string;
  readonly sub: string | null;
  readonly time: string;
  readonly expiration: string;
  readonly run_id: string | null;
  readonly token_jti: string | null;
}

const CLOSE_MS = 120_000;

/** Parses audit JSONL; bad lines are returned as problems (line numbers 1-based). */
export function parseAuditRecords(text: string, file: string): { records: AuditRecordLite[]; problems: string[] } {
  const records: AuditRecordLite[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const value = JSON.parse(line) as Partial<AuditRecordLite> & { operation?: string };
      if (typeof value.role_arn !== 'string' || typeof value.session_name !== 'string' || typeof value.time !== 'string') throw new Error('not a Keyless audit record');
      if (value.operation !== undefined && value.operation !== 'AssumeRoleWithWebIdentity') return;
      records.push({ role_arn: value.role_arn, session_name: value.session_name, sub: value.sub ?? null, time: value.time, expiration: String(value.expiration ?? ''), run_id: value.run_id ?? null, token_jti: value.token_jti ?? null });
    } catch (error) {
      problems.push(`${file}: line ${i + 1} skipped: ${JSON.stringify((error as Error).message)}`);
    }
  });
  return { records, problems };
}

const toSecond = (iso: string | null): number => (iso === null ? NaN : Math.floor(Date.parse(iso) / 1000));

export function matchRecord(s: Session, records: readonly AuditRecordLite[]): AuditRecordLite | undefined {
  const candidates = records.filter((r) => r.role_arn === s.role && r.session_name === s.sessionName && (r.sub === null || r.sub === s.subject));
  return candidates.find((r) => toSecond(r.expiration) === toSecond(s.expiration)) ?? candidates.find((r) => Math.abs(Date.parse(r.time) - Date.parse(s.time)) <= CLOSE_MS);
}

/** unmatched-session (warning): web-identity sessions no audit record accounts for. */
export function unmatchedSessions(sessions: readonly Session[], records: readonly AuditRecordLite[]): { findings: TrailFinding[]; matched: Map<string, AuditRecordLite> } {
  const findings: TrailFinding[] = [];
  const matched = new Map<string, AuditRecordLite>();
  for (const s of sessions) {
    const record = matchRecord(s, records);
    if (record) {
      matched.set(s.accessKeyId, record);
      continue;
    }
    findings.push({
      rule: 'unmatched-session',
      severity: 'warning',
      role: s.role,
      subject: s.subject,
      message: `session ${q(s.sessionName)} of ${q(s.role)} at ${s.time} (key ${q(s.accessKeyId)}) has no Keyless audit record: assumed by another client, or its record was not kept`,
      sessions: [s.accessKeyId],
    });
  }
  return { findings, matched };
}
