/** Reach as SARIF 2.1.0 for code scanning: results on the workflow lines (the job, or the step). */
import type { ReachReport } from '../analyse.js';
import { REACH_RULES } from '../rules/index.js';
import type { ReachSeverity } from '../rules/rule.js';

const SECURITY_SEVERITY: Record<ReachSeverity, string> = { error: '8.0', warning: '5.0', note: '2.0' };

export function reachSarif(report: ReachReport, options: { toolVersion: string; uriOf: (file: string) => string }): Record<string, unknown> {
  const index = new Map(REACH_RULES.map((r, i) => [r.id, i]));
  const results = report.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: index.get(f.rule),
    level: f.severity,
    message: { text: f.message },
    locations: [
      {
        ...(f.file !== undefined ? { physicalLocation: { artifactLocation: { uri: options.uriOf(f.file) }, region: { startLine: f.line ?? 1 } } } : {}),
        logicalLocations: [{ name: f.role ?? `${f.workflow}:${f.job}`, kind: f.role ? 'resource' : 'function' }],
      },
    ],
    partialFingerprints: { keylessReachFinding: [f.rule, f.role ?? '', f.workflow ?? '', f.job ?? '', f.subject ?? ''].join('|') },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keyless',
            fullName: 'keyless reach',
            version: options.toolVersion,
            rules: REACH_RULES.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: r.summary },
              fullDescription: { text: r.summary },
              help: { text: r.help.replace(/`/g, ''), markdown: r.help },
              defaultConfiguration: { level: r.severity },
              properties: { tags: ['security', 'iam', 'github-actions', 'oidc'], 'security-severity': SECURITY_SEVERITY[r.severity] },
            })),
          },
        },
        results,
      },
    ],
  };
}
