/**
 * --format csv: one row per session (chained ones included), the population an auditor samples
 * from. Fields are RFC 4180 quoted; control characters are escaped and a leading = + - @ is
 * prefixed with ' so that a spreadsheet never runs a logged value as a formula.
 */
import { allSessions, type TrailReport } from '../report.js';
import type { Session } from '../types.js';

const COLUMNS = ['time', 'kind', 'account', 'role', 'subject', 'repository', 'environment', 'session_name', 'run_id', 'run_attempt', 'run_url', 'approvers', 'source_ip', 'client', 'access_key_id', 'expiration', 'calls', 'writes', 'errors', 'other_ips', 'audit_record'] as const;

export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (/^[=+\-@]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function row(s: Session, report: TrailReport): (string | number | null)[] {
  const run = s.runId !== null && s.repository !== null ? report.runs?.get(`${s.repository}#${s.runId}`) : undefined;
  const calls = [...s.activity.calls.values()].reduce((n, c) => n + c, 0);
  return [
    s.time, s.kind, s.account, s.role, s.subject, s.repository, s.environment, s.sessionName, s.runId, s.runAttempt,
    run?.url ?? (s.runId !== null && s.repository !== null ? `https://github.com/${s.repository}/actions/runs/${s.runId}` : null),
    run ? run.approvals.map((a) => `${a.user} (${a.environments.join(' ')})`).join('; ') : null,
    s.sourceIp, s.client, s.accessKeyId, s.expiration, calls, s.activity.writes, s.activity.errors,
    [...s.activity.ips].filter((ip) => ip !== s.sourceIp).join(' '),
    report.auditMatches ? (report.auditMatches.has(s.accessKeyId) ? 'matched' : 'unmatched') : null,
  ];
}

export function trailCsv(report: TrailReport): string {
  const lines = [COLUMNS.join(',')];
  for (const s of allSessions(report.trail.sessions)) lines.push(row(s, report).map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
