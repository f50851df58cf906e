/**
 * The audit: every role a source found that trusts a GitHub OIDC provider, linted (every variant of
 * its policy), with the source's own findings; the other roles are counted as skipped.
 */
import { lintTrustPolicy, type LintOptions } from '../lint.js';
import { parseRoleArn } from '../keys.js';
import { lineOf } from './located.js';
import { trustsGitHub } from './trusts-github.js';
import type { AuditedRole, AuditFinding, AuditReport, FoundRole } from './types.js';

function auditRole(found: FoundRole, options: LintOptions): AuditedRole {
  const findings: AuditFinding[] = [];
  const seen = new Set<string>();
  const add = (f: AuditFinding): void => {
    const key = `${f.rule}\u0000${f.path}\u0000${f.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(f);
  };
  // Where the source gives the role's ARN, lint also checks that the provider is in the role's account.
  const roleArn = found.roleArn ?? (parseRoleArn(found.role) ? found.role : undefined);
  const lintOptions = roleArn !== undefined ? { ...options, roleArn } : options;
  for (const policy of found.policies) {
    for (const f of lintTrustPolicy(policy, lintOptions)) add({ rule: f.ruleId, severity: f.severity, message: f.message, path: f.path });
  }
  for (const note of found.notes) add(note);
  const findingLines = findings.map((f) => (found.lines ? lineOf(found.lines, f.path) : undefined) ?? found.source.line);
  return { role: found.role, source: found.source, findings, findingLines };
}

export function auditRoles(found: readonly FoundRole[], options: LintOptions = {}): AuditReport {
  const roles: AuditedRole[] = [];
  let skipped = 0;
  for (const role of found) {
    // A role whose trust the source cannot show is reported (with the source's warning), never counted as safe.
    const trusts = role.trustsGitHub ?? role.policies.some((p) => trustsGitHub(p));
    if (trusts !== false) roles.push(auditRole(role, options));
    else skipped++;
  }
  return { roles, skipped };
}

export function countBySeverity(report: AuditReport): Record<'error' | 'warning' | 'note', number> {
  const counts = { error: 0, warning: 0, note: 0 };
  for (const role of report.roles) for (const f of role.findings) counts[f.severity]++;
  return counts;
}

/**
 * The `--json` document: exactly {roles: [{role, source, findings: [{rule, severity, message, path, line}]}], skipped},
 * with lint's field names (`line`: the finding's line in the file, null where the source has none).
 */
export function auditJson(report: AuditReport): { roles: unknown[]; skipped: number } {
  return {
    roles: report.roles.map((r) => ({
      role: r.role,
      source: { format: r.source.format, file: r.source.file ?? null, line: r.source.line ?? null },
      findings: r.findings.map((f, i) => ({ rule: f.rule, severity: f.severity, message: f.message, path: f.path, line: r.findingLines[i] ?? null })),
    })),
    skipped: report.skipped,
  };
}
