/**
 * --format markdown: an evidence report for an auditor: period, sources read, population,
 * sessions per role with run links and approvers, exceptions. Logged values go in code spans,
 * JSON-quoted, with `|` escaped for tables.
 */
import { allSessions, type TrailReport } from '../report.js';
import type { Session } from '../types.js';
import { summarise } from './summary.js';
import { quote } from '../../shared/outside-text.js';

const cell = (value: string | null): string => (value === null || value === '' ? '–' : `\`${quote(value).replace(/\|/g, '\\|').replace(/`/g, "'")}\``);

function runCell(s: Session, report: TrailReport): { run: string; approvers: string } {
  if (s.runId === null || s.repository === null) return { run: '–', approvers: report.runs ? '–' : 'not fetched' };
  const info = report.runs?.get(`${s.repository}#${s.runId}`);
  const url = info?.url ?? `https://github.com/${s.repository}/actions/runs/${s.runId}`;
  const run = `[${s.runId}/${s.runAttempt ?? '?'}](${encodeURI(url).replace(/[()]/g, (c) => encodeURIComponent(c))})`;
  if (!report.runs) return { run, approvers: 'not fetched (--github)' };
  if (!info) return { run, approvers: '–' };
  const approvers = info.approvals.filter((a) => a.state === 'approved').map((a) => `${cell(a.user)} (${a.environments.map(cell).join(', ')})`);
  return { run, approvers: approvers.length > 0 ? approvers.join('; ') : 'none' };
}

export function trailMarkdown(report: TrailReport, generatedAt: string): string {
  const c = report.trail.counts;
  const sessions = allSessions(report.trail.sessions);
  const out: string[] = ['# Keyless trail: sessions of GitHub Actions roles', ''];
  out.push(
    `- **Period:** ${report.period.since ?? 'from the first event'} to ${report.period.until ?? 'the last event'} (events read: ${report.trail.seen.first ?? '–'} to ${report.trail.seen.last ?? '–'})`,
    `- **Generated:** ${generatedAt}`,
    `- **Sources read (${report.sources.length}):** ${report.sources.map((s) => cell(s)).join(', ') || '–'}`,
    `- **Records:** ${c.records} read, ${c.skipped} skipped, ${c.outsidePeriod} outside the period`,
    `- **Population:** ${report.trail.sessions.length} web-identity sessions from GitHub providers, ${sessions.length - report.trail.sessions.length} chained sessions, ${report.trail.failed.reduce((n, f) => n + f.count, 0)} failed attempts`,
    '',
    '## Summary per role, repository and environment',
    '',
    '| Role | Repository | Environment | Sessions | Chained | Calls | Writes | Errors |',
    '|---|---|---|---:|---:|---:|---:|---:|',
  );
  for (const r of summarise(report.trail.sessions)) out.push(`| ${cell(r.role)} | ${cell(r.repository)} | ${cell(r.environment)} | ${r.sessions} | ${r.chained} | ${r.calls} | ${r.writes} | ${r.errors} |`);
  const byRole = new Map<string, Session[]>();
  for (const s of sessions) byRole.set(s.role, [...(byRole.get(s.role) ?? []), s]);
  out.push('', '## Sessions per role');
  for (const [role, list] of byRole) {
    out.push('', `### ${cell(role)}`, '', '| Time | Subject | Session | Run | Approvers | Source IP | Client | Calls |', '|---|---|---|---|---|---|---|---:|');
    for (const s of list) {
      const { run, approvers } = runCell(s, report);
      const calls = [...s.activity.calls.values()].reduce((n, v) => n + v, 0);
      out.push(`| ${s.time} | ${cell(s.subject)} | ${cell(s.sessionName)}${s.kind === 'chained' ? ' (chained)' : ''} | ${run} | ${approvers} | ${cell(s.sourceIp)} | ${s.client} | ${calls} |`);
    }
  }
  out.push('', '## Exceptions', '');
  if (report.findings.length === 0) out.push('None.');
  else {
    out.push('| Severity | Rule | Role | Subject | Message |', '|---|---|---|---|---|');
    for (const f of report.findings) out.push(`| ${f.severity} | ${f.rule} | ${cell(f.role)} | ${cell(f.subject)} | ${f.message.replace(/\|/g, '\\|').replace(/[\r\n]/g, ' ')} |`);
  }
  return `${out.join('\n')}\n`;
}
