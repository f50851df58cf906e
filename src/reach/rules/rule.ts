/** What a reach rule is and what it reports (field names as in `trust-policy audit` and `lint`). */
import type { Unresolved } from '../jobs.js';
import type { TokenJob } from '../jobs.js';
import type { ReachPath, RoleReach } from '../join.js';
import type { RepositorySettings } from '../settings.js';

export type ReachSeverity = 'error' | 'warning' | 'note';

export interface ReachFinding {
  readonly rule: string;
  readonly severity: ReachSeverity;
  readonly message: string;
  readonly role?: string;
  readonly workflow?: string;
  readonly job?: string;
  readonly subject?: string;
  /** The file and line the finding sits on (a workflow's job or step, or a role's source). */
  readonly file?: string;
  readonly line?: number;
  /** `who → trigger → workflow:job → subject → gates → role`, where the finding is a path (not `path`: in audit that is a JSON path). */
  readonly route?: string;
}

/** Where a finding about one path sits: the role, workflow, job and subject, on the job's line. */
export function pathPlace(p: ReachPath, role: string): Required<Pick<ReachFinding, 'role' | 'workflow' | 'job' | 'subject' | 'file' | 'line'>> {
  return { role, workflow: p.job.workflow.path, job: p.job.job.id, subject: p.run.claims.sub!, file: p.job.jobWorkflow.file, line: p.job.job.line };
}

export interface ReachContext {
  readonly roles: readonly RoleReach[];
  readonly jobs: readonly TokenJob[];
  readonly settings: ReadonlyMap<string, RepositorySettings>;
  readonly unresolved: readonly Unresolved[];
}

export interface ReachRule {
  readonly id: string;
  readonly severity: ReachSeverity;
  /** One line. */
  readonly summary: string;
  /** What it means and how to fix it (Markdown, for SARIF help and --help). */
  readonly help: string;
  check(context: ReachContext): ReachFinding[];
}
