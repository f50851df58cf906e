/**
 * The audit as text: one block per role (name or address, file and line), its findings grouped as
 * lint groups them (errors first, findings alike once with their count, lines and paths), a summary.
 */
import { countBySeverity } from '../trust/audit/audit.js';
import type { AuditReport, AuditedRole } from '../trust/audit/types.js';
import { formatGroups, groupFindings, GROUPED_FINDINGS_NOTE } from './group-findings.js';
import { quoteIfNeeded } from '../shared/outside-text.js';
import { plural } from '../shared/plural.js';

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
  let grouped = false;
  for (const role of report.roles) {
    const errors = role.findings.filter((f) => f.severity === 'error').length;
    const warnings = role.findings.filter((f) => f.severity === 'warning').length;
    const status = role.findings.length === 0 ? 'ok' : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
    lines.push(`${quoteIfNeeded(role.role)}  (${where(role, role.source.line)}, ${role.source.format})  ${status}`);
    const findings = role.findings.map((f, i) => {
      const line = role.findingLines[i];
      return line !== undefined ? { ...f, line } : f;
    });
    const groups = groupFindings(findings);
    grouped ||= groups.length < findings.length;
    lines.push(...formatGroups(groups));
  }
  const counts = countBySeverity(report);
  const withErrors = report.roles.filter((r) => r.findings.some((f) => f.severity === 'error')).length;
  if (lines.length > 0) lines.push('');
  if (grouped) lines.push(GROUPED_FINDINGS_NOTE);
  lines.push(
    `${plural(report.roles.length, 'role')} trusting GitHub audited: ${withErrors} with errors; ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}` +
      `; ${plural(report.skipped, 'other role')} skipped (not trusting a GitHub OIDC provider)`,
  );
  return `${lines.join('\n')}\n`;
}
