/** The default output: a summary per role, repository and environment, the findings, and what was read. Logged text is JSON-quoted. */
import type { TrailReport } from '../report.js';
import { summarise } from './summary.js';

const q = (value: string | null): string => (value === null ? '-' : JSON.stringify(value));

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
    `Read ${n(c.records, 'record')} from ${n(c.files, 'source')} (${c.skipped} skipped, ${c.outsidePeriod} outside the period); ` +
      `${n(report.trail.sessions.length, 'GitHub web-identity session')}, ${n(failed, 'failed attempt')}, ${n(c.otherProviders, 'web-identity session')} of other providers.`,
  );
  if (report.unattributedKeys > 0) out.push(`${n(report.unattributedKeys, 'call')} of unknown keys were not kept (more than 100000 keys waited for their session).`);
  return `${out.join('\n')}\n`;
}

/** A count in words: "1 record", "2 records". */
function n(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
