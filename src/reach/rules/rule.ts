/** What a reach rule is and what it reports (field names as in `trust-policy audit` and `lint`). */
import type { Unresolved } from '../jobs.js';
import type { TokenJob } from '../jobs.js';
import type { RoleReach } from '../join.js';
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
