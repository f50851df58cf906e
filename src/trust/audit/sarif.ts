/**
 * The audit as SARIF 2.1.0, the format GitHub code scanning accepts: one run, the rules with their
 * help text and default level, one result per finding located at its file and line (paths relative
 * to the working directory, which is the repository root in a workflow).
 */
import { RULES } from './rules.js';
import type { AuditReport, AuditSeverity } from './types.js';

export interface SarifOptions {
  readonly toolVersion: string;
  /** Turns a source file into the artifact URI (relative, forward slashes). */
  readonly uriOf: (file: string) => string;
  readonly informationUri?: string;
}

const LEVEL: Record<AuditSeverity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', note: 'note' };
/** GitHub ranks security alerts by this (0.0–10.0): errors high, warnings medium, notes low. */
const SECURITY_SEVERITY: Record<AuditSeverity, string> = { error: '8.0', warning: '5.0', note: '2.0' };

export function toSarif(report: AuditReport, options: SarifOptions): Record<string, unknown> {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const results = report.roles.flatMap((role) =>
    role.findings.map((finding, i) => {
      const line = role.findingLines[i];
      const file = role.source.file;
      return {
        ruleId: finding.rule,
        ...(ruleIndex.has(finding.rule) ? { ruleIndex: ruleIndex.get(finding.rule) } : {}),
        level: LEVEL[finding.severity],
        message: { text: `${role.role}: ${finding.message} (at ${finding.path})` },
        ...(file !== undefined
          ? {
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: options.uriOf(file) },
                    region: { startLine: line ?? 1 },
                  },
                  logicalLocations: [{ name: role.role, kind: 'resource' }],
                },
              ],
            }
          : { locations: [{ logicalLocations: [{ name: role.role, kind: 'resource' }] }] }),
        partialFingerprints: { keylessRoleFinding: `${role.role}|${finding.rule}|${finding.path}` },
      };
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keyless',
            fullName: 'keyless trust-policy audit',
            version: options.toolVersion,
            ...(/^\d+\.\d+\.\d+$/.test(options.toolVersion) ? { semanticVersion: options.toolVersion } : {}),
            ...(options.informationUri ? { informationUri: options.informationUri } : {}),
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/(^|-)([a-z])/g, (_, _dash: string, c: string) => c.toUpperCase()),
              shortDescription: { text: rule.summary.length > 120 ? `${rule.summary.slice(0, 117)}...` : rule.summary },
              fullDescription: { text: rule.summary },
              help: { text: rule.help.replace(/`/g, ''), markdown: rule.help },
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: { tags: ['security', 'iam', 'github-actions', 'oidc'], precision: 'very-high', 'security-severity': SECURITY_SEVERITY[rule.severity] },
            })),
          },
        },
        results,
      },
    ],
  };
}
