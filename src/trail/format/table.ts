/** The default output: a summary per role, repository and environment, the findings, and what was read. Logged text is JSON-quoted. */
import type { TrailReport } from '../report.js';
import { summarise } from './summary.js';
import { quote } from '../../shared/outside-text.js';
import { plural } from '../../shared/plural.js';

const q = (value: string | null): string => (value === null ? '-' : quote(value));

function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function trailTable(report: TrailReport): string {
  const out: string[] = [];
  const rows = summarise(report.trail.sessions);
  if (rows.length === 0) out.push('No web-identity sessions from a GitHub provider in the period.');
  else {
    const table = [['ROLE', 'REPOSITORY', 'ENVIRONMENT', 'SESSIONS', 'CHAINED', 'CALLS', 'WRITES', 'ERRORS', 'FIRST', 'LAST']];
    for (const r of rows) table.push([q(r.role), q(r.repository), q(r.environment), String(r.sessions), String(r.chained), String(r.calls), String(r.writes), String(r.errors), r.first, r.last]);
    out.push(columns(table));
  }
  const failed = report.trail.failed.reduce((n, f) => n + f.count, 0);
  if (report.findings.length > 0) {
    out.push('', 'Findings:');
    for (const f of report.findings) out.push(`  ${f.severity.padEnd(7)}  ${f.rule}  ${f.message}`);
  }
  const c = report.trail.counts;
  out.push(
    '',
    `Read ${plural(c.records, 'record')} from ${plural(c.files, 'source')} (${c.skipped} skipped, ${c.outsidePeriod} outside the period); ` +
      `${plural(report.trail.sessions.length, 'GitHub web-identity session')}, ${plural(failed, 'failed attempt')}, ${plural(c.otherProviders, 'web-identity session')} of other providers.`,
  );
  if (report.unattributedKeys > 0) out.push(`${plural(report.unattributedKeys, 'call')} of unknown keys were not kept (more than 100000 keys waited for their session).`);
  return `${out.join('\n')}\n`;
}
