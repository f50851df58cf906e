/** The text report: paths grouped by role, then the findings, then what could not be followed. */
import type { ReachReport } from '../analyse.js';
import { pathText, q } from '../path-text.js';
import { plural } from '../../shared/plural.js';

export function formatReachTable(report: ReachReport): string {
  const lines: string[] = [];
  for (const r of report.roles) {
    lines.push(`${q(r.role.role)}${r.role.source.file !== undefined ? ` (${q(r.role.source.file)}${r.role.source.line ? `:${r.role.source.line}` : ''})` : ''}`);
    if (r.paths.length === 0 && r.beyond.length === 0) lines.push('  no workflow given obtains it');
    const seen = new Set<string>();
    for (const p of r.paths) {
      const text = pathText(p, r.role.role);
      if (seen.has(text)) continue;
      seen.add(text);
      lines.push(`  [${p.starter.kind}] ${text}`);
    }
    for (const b of r.beyond) lines.push(`  [writer] also admits ${b.what} in ${q(b.repository)} (sub ${q(b.sub)})`);
  }
  if (report.roles.length === 0) lines.push('no role that trusts GitHub found');
  lines.push('');
  for (const f of report.findings) {
    const where = f.file !== undefined ? ` (${q(f.file)}${f.line !== undefined ? `:${f.line}` : ''})` : '';
    lines.push(`${f.severity}: ${f.rule}: ${f.message}${where}`);
  }
  for (const u of report.unresolved) lines.push(`note: unresolved: ${q(u.uses)} (${q(u.file)}:${u.line}): ${u.why}`);
  for (const p of report.problems) lines.push(`warning: ${q(p.file)}:${p.line}: ${p.message.replace(/[\u0000-\u001f\u007f]/g, ' ')}`);
  const count = (s: string) => plural(report.findings.filter((f) => f.severity === s).length, s);
  const skipped = report.skipped ? `; ${plural(report.skipped, 'role')} that do${report.skipped === 1 ? 'es' : ''} not trust GitHub skipped` : '';
  lines.push(`${plural(report.roles.length, 'role')}, ${plural(report.jobs.length, 'token-requesting job')}: ${count('error')}, ${count('warning')}, ${count('note')}${skipped}`);
  return `${lines.join('\n')}\n`;
}
