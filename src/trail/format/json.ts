/** The --json document: one object with period, sources, counts, sessions, failed attempts and findings. */
import { allSessions, type TrailReport } from '../report.js';
import type { Session } from '../types.js';

export function sessionJson(s: Session, report: TrailReport): Record<string, unknown> {
  const run = s.runId !== null && s.repository !== null ? report.runs?.get(`${s.repository}#${s.runId}`) : undefined;
  return {
    kind: s.kind,
    time: s.time,
    account: s.account,
    region: s.region,
    role: s.role,
    subject: s.subject,
    repository: s.repository,
    environment: s.environment,
    audience: s.audience,
    provider: s.provider,
    session_name: s.sessionName,
    run_id: s.runId,
    run_attempt: s.runAttempt,
    source_ip: s.sourceIp,
    user_agent: s.userAgent,
    client: s.client,
    access_key_id: s.accessKeyId,
    expiration: s.expiration,
    event_id: s.eventId,
    parent_access_key_id: s.parentKey,
    calls: Object.fromEntries([...s.activity.calls].sort((a, b) => b[1] - a[1])),
    reads: s.activity.reads,
    writes: s.activity.writes,
    errors: s.activity.errors,
    source_ips: [...s.activity.ips],
    ...(report.auditMatches ? { audit_record: report.auditMatches.has(s.accessKeyId) ? { token_jti: report.auditMatches.get(s.accessKeyId) || null } : null } : {}),
    ...(run ? { run } : {}),
  };
}

export function trailJson(report: TrailReport): string {
  const { counts, seen, failed } = report.trail;
  const doc = {
    period: { since: report.period.since ?? null, until: report.period.until ?? null, first_event: seen.first ?? null, last_event: seen.last ?? null },
    sources: report.sources,
    counts: { records: counts.records, skipped: counts.skipped, files: counts.files, outside_period: counts.outsidePeriod, other_providers: counts.otherProviders, unattributed_keys: report.unattributedKeys },
    sessions: allSessions(report.trail.sessions).map((s) => sessionJson(s, report)),
    failed_attempts: failed.map((f) => ({ role: f.role, subject: f.subject, provider: f.provider, error_code: f.errorCode, count: f.count, first: f.first, last: f.last, source_ips: [...f.sourceIps] })),
    findings: report.findings.map((f) => ({ rule: f.rule, severity: f.severity, role: f.role, subject: f.subject, message: f.message, ...(f.sessions ? { sessions: f.sessions } : {}) })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
