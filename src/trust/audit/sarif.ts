/**
 * The audit as SARIF 2.1.0, the format GitHub code scanning accepts: one run, the rules with their
 * help text and default level, one result per finding located at its file and line (paths relative
 * to the working directory, which is the repository root in a workflow).
 */
import { sarifLog, sarifRule } from '../../shared/sarif.js';
import { RULES } from './rules.js';
import type { AuditReport } from './types.js';

export interface SarifOptions {
  readonly toolVersion: string;
  /** Turns a source file into the artifact URI (relative, forward slashes). */
  readonly uriOf: (file: string) => string;
  readonly informationUri?: string;
}

export function toSarif(report: AuditReport, options: SarifOptions): Record<string, unknown> {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const results = report.roles.flatMap((role) =>
    role.findings.map((finding, i) => {
      const line = role.findingLines[i];
      const file = role.source.file;
      return {
        ruleId: finding.rule,
        ...(ruleIndex.has(finding.rule) ? { ruleIndex: ruleIndex.get(finding.rule) } : {}),
        level: finding.severity,
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
  return sarifLog(
    {
      fullName: 'keyless trust-policy audit',
      version: options.toolVersion,
      ...(/^\d+\.\d+\.\d+$/.test(options.toolVersion) ? { semanticVersion: options.toolVersion } : {}),
      ...(options.informationUri ? { informationUri: options.informationUri } : {}),
      rules: RULES.map((rule) =>
        sarifRule({
          id: rule.id,
          summary: rule.summary,
          help: rule.help,
          level: rule.severity,
          shortDescription: rule.summary.length > 120 ? `${rule.summary.slice(0, 117)}...` : rule.summary,
          precision: 'very-high',
        }),
      ),
    },
    results,
  );
}
