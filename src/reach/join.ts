/**
 * The join: every candidate run of every token job against every role, through the exact trust
 * engine (src/trust). A path is a run a role admits, with who can start it and the gates on the way.
 * Probes ask whether a role also admits runs no workflow given produces (any branch, any
 * environment of a repository). Pure.
 */
import { evaluateTrustPolicy, missingClaims, TrustPolicyError, type TrustDecision } from '../trust/index.js';
import { runClaims } from '../trust/run-claims.js';
import type { FoundRole } from '../trust/audit/types.js';
import { candidateRuns, type CandidateRun } from './claims.js';
import { gatesOf, type Gates } from './gates.js';
import type { TokenJob } from './jobs.js';
import type { Workflow } from './model.js';
import type { RepositorySettings } from './settings.js';
import { starterOf, type Starter } from './starters.js';

export interface ReachPath {
  readonly job: TokenJob;
  readonly run: CandidateRun;
  readonly starter: Starter;
  readonly gates: Gates;
}

export interface RoleReach {
  readonly role: FoundRole;
  readonly paths: readonly ReachPath[];
  /** Runs no workflow given produces that the role admits: what a writer gets with a new workflow. */
  readonly beyond: readonly { readonly repository: string; readonly what: string; readonly sub: string }[];
  /** The policy could not be evaluated. */
  readonly invalid?: string;
}

export interface RepositoryInput {
  readonly settings: RepositorySettings;
  readonly workflows: readonly Workflow[];
  readonly jobs: readonly TokenJob[];
}

export interface PreparedRun extends ReachPath {
  readonly repository: string;
}

/** Every job's runs with starter and gates, computed once for all roles. */
export function prepareRuns(repositories: readonly RepositoryInput[]): PreparedRun[] {
  return repositories.flatMap((r) =>
    r.jobs.flatMap((job) =>
      candidateRuns(job, r.settings).map((run) => ({
        repository: r.settings.repository,
        job,
        run,
        starter: starterOf(run, r.workflows, r.settings),
        gates: gatesOf(job, run, r.settings),
      })),
    ),
  );
}

/** Allowed by some variant of the policy (a template may branch); throws TrustPolicyError when none parses. */
export function admits(role: FoundRole, claims: Record<string, unknown>): TrustDecision {
  let last: TrustDecision | undefined;
  let error: unknown;
  for (const policy of role.policies) {
    try {
      // With the role's ARN known, a provider in another account or partition never matches, as in IAM.
      last = evaluateTrustPolicy(policy, claims, role.roleArn !== undefined ? { roleArn: role.roleArn } : {});
      if (last.allowed) return last;
    } catch (e) {
      error = e;
    }
  }
  if (last) return last;
  throw error;
}

function probes(repository: string, settings: RepositorySettings) {
  const base = { repository, workflowRef: '.github/workflows/keyless-probe.yml', ...(settings.subjectTemplate.known && settings.subjectTemplate.value.claimKeys ? { subjectClaims: settings.subjectTemplate.value.claimKeys } : {}) };
  return [
    { what: 'a push to any new branch (any writer, with a workflow of their own)', claims: runClaims({ ...base, ref: 'refs/heads/keyless-probe-branch', event: 'push' }) },
    { what: 'any environment (any writer names it in a workflow of their own)', claims: runClaims({ ...base, ref: 'refs/heads/keyless-probe-branch', event: 'push', environment: 'keyless-probe-environment' }) },
  ];
}

/**
 * admits() for one role, remembered by the claims its conditions look at: the decision depends on
 * nothing else (all runs share the issuer), so runs that differ only elsewhere are evaluated once.
 */
function memoisedAdmits(role: FoundRole): (claims: Record<string, string>) => boolean {
  const used = [...new Set(role.policies.flatMap((p) => missingClaims(p, {}).map((m) => m.claim)))].sort();
  const memo = new Map<string, boolean>();
  return (claims) => {
    const key = JSON.stringify(used.map((c) => claims[c] ?? null));
    let allowed = memo.get(key);
    if (allowed === undefined) {
      allowed = admits(role, claims).allowed;
      memo.set(key, allowed);
    }
    return allowed;
  };
}

export function joinRoles(roles: readonly FoundRole[], repositories: readonly RepositoryInput[]): RoleReach[] {
  const runs = prepareRuns(repositories);
  const probeRuns = repositories.flatMap((r) => probes(r.settings.repository, r.settings).map((p) => ({ ...p, repository: r.settings.repository })));
  return roles.map((role) => {
    try {
      const allowed = memoisedAdmits(role);
      const paths = runs.filter((p) => allowed(p.run.claims));
      const beyond = probeRuns.filter((p) => allowed(p.claims)).map((p) => ({ repository: p.repository, what: p.what, sub: p.claims.sub! }));
      return { role, paths, beyond };
    } catch (error) {
      if (!(error instanceof TrustPolicyError)) throw error;
      return { role, paths: [], beyond: [], invalid: error.message };
    }
  });
}
