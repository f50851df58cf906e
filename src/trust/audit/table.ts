/** The audit as text: one block per role (name or address, file and line), its findings, a summary. */
import { countBySeverity } from './audit.js';
import type { AuditReport, AuditedRole } from './types.js';
import { quoteIfNeeded } from '../../shared/outside-text.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function where(role: AuditedRole, line: number | undefined): string {
  // File names and logical ids come from the repository: quoted unless plain (git allows line breaks).
  const file = role.source.file === undefined ? undefined : quoteIfNeeded(role.source.file);
  if (file === undefined) return role.source.format === 'live' ? 'IAM' : 'standard input';
  // A bare policy is named by its file: the file need not be repeated.
  const shown = role.role === role.source.file ? 'line' : file;
  return line !== undefined ? (shown === 'line' ? `line ${line}` : `${file}:${line}`) : file;
}

export function formatAuditTable(report: AuditReport): string {
  const lines: string[] = [];
  for (const role of report.roles) {
    const errors = role.findings.filter((f) => f.severity === 'error').length;
    const warnings = role.findings.filter((f) => f.severity === 'warning').length;
    const status = role.findings.length === 0 ? 'ok' : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
    lines.push(`${quoteIfNeeded(role.role)}  (${where(role, role.source.line)}, ${role.source.format})  ${status}`);
    const width = Math.max(0, ...role.findings.map((f) => f.rule.length));
    role.findings.forEach((f, i) => {
      const line = role.findingLines[i];
      lines.push(`  ${f.severity.padEnd(7)} ${f.rule.padEnd(width)}  ${line !== undefined ? `line ${line}  ` : ''}${f.path}`);
      lines.push(`          ${f.message}`);
    });
  }
  const counts = countBySeverity(report);
  const withErrors = report.roles.filter((r) => r.findings.some((f) => f.severity === 'error')).length;
  if (lines.length > 0) lines.push('');
  lines.push(
    `${plural(report.roles.length, 'role')} trusting GitHub audited: ${withErrors} with errors; ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}` +
      `; ${plural(report.skipped, 'other role')} skipped (not trusting a GitHub OIDC provider)`,
  );
  return `${lines.join('\n')}\n`;
}
