/** Reach as SARIF 2.1.0 for code scanning: results on the workflow lines (the job, or the step). */
import { sarifLog, sarifRule } from '../../shared/sarif.js';
import type { ReachReport } from '../analyse.js';
import { REACH_RULES } from '../rules/index.js';

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
  return sarifLog(
    {
      fullName: 'keyless reach',
      version: options.toolVersion,
      rules: REACH_RULES.map((r) => sarifRule({ id: r.id, summary: r.summary, help: r.help, level: r.severity })),
    },
    results,
  );
}
