/** Reach from its read inputs: checkouts, their settings, and the roles. Pure. */
import type { FoundRole } from '../trust/audit/types.js';
import { trustsGitHub } from '../trust/audit/trusts-github.js';
import { tokenJobs, type TokenJob, type Unresolved } from './jobs.js';
import { joinRoles, type RoleReach } from './join.js';
import type { ReadProblem } from './model.js';
import type { Checkout } from './read-checkout.js';
import { reachFindings, type ReachFinding } from './rules/index.js';
import type { RepositorySettings } from './settings.js';

export interface ReachReport {
  readonly roles: readonly RoleReach[];
  readonly jobs: readonly TokenJob[];
  readonly findings: readonly ReachFinding[];
  readonly unresolved: readonly Unresolved[];
  readonly problems: readonly ReadProblem[];
  /** Roles that do not trust a GitHub OIDC provider. */
  readonly skipped: number;
}

export function analyseReach(checkouts: readonly { checkout: Checkout; settings: RepositorySettings }[], found: readonly FoundRole[]): ReachReport {
  const repositories = checkouts.map(({ checkout, settings }) => ({ settings, workflows: checkout.workflows, ...tokenJobs(checkout) }));
  const roles = found.filter((r) => (r.trustsGitHub ?? r.policies.some((p) => trustsGitHub(p))) !== false);
  const joined = joinRoles(roles, repositories);
  const jobs = repositories.flatMap((r) => r.jobs);
  const unresolved = repositories.flatMap((r) => r.unresolved);
  const settings = new Map(checkouts.map((c) => [c.settings.repository, c.settings]));
  return {
    roles: joined,
    jobs,
    findings: reachFindings({ roles: joined, jobs, settings, unresolved }),
    unresolved,
    problems: checkouts.flatMap((c) => c.checkout.problems),
    skipped: found.length - roles.length,
  };
}

export function hasErrors(report: ReachReport): boolean {
  return report.findings.some((f) => f.severity === 'error');
}
