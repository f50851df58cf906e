/** The `--json` document: roles with their paths, findings (rule, severity, message, role, workflow, job, subject, file, line), unresolved calls and read problems. */
import type { ReachReport } from '../analyse.js';
import { gatesText } from '../path-text.js';

export function reachJson(report: ReachReport): Record<string, unknown> {
  return {
    roles: report.roles.map((r) => ({
      role: r.role.role,
      source: { format: r.role.source.format, file: r.role.source.file ?? null, line: r.role.source.line ?? null },
      paths: r.paths.map((p) => ({
        who: p.starter.who,
        starter: p.starter.kind,
        trigger: p.run.event,
        ref: p.run.ref,
        workflow: p.job.workflow.path,
        job: p.job.job.id,
        jobWorkflow: p.job.jobWorkflow.path,
        environment: p.run.environment ?? null,
        subject: p.run.claims.sub,
        gates: { reviewed: p.gates.reviewed, ruled: p.gates.ruled, enforced: p.gates.enforced, guards: p.gates.guards, unknown: p.gates.unknown },
        text: gatesText(p),
      })),
      beyond: r.beyond,
    })),
    findings: report.findings.map((f) => ({ ...f })),
    unresolved: report.unresolved,
    problems: report.problems,
    skipped: report.skipped,
  };
}
