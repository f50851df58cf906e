/**
 * The GitHub settings reach needs, each either known (read through the API) or unknown with the
 * endpoint and permission that would settle it. Without `--github` everything is unknown.
 */

export type Known<T> =
  | { readonly known: true; readonly value: T }
  | { readonly known: false; readonly endpoint: string; readonly permission: string; readonly why?: string };

export interface EnvironmentSettings {
  /** Required reviewers (users and teams), empty when none. */
  readonly reviewers: readonly string[];
  readonly preventSelfReview: boolean;
  readonly waitTimerMinutes: number;
  /** null: any branch may deploy; else protected branches and/or named patterns. */
  readonly branchPolicy: null | { readonly protectedBranches: boolean; readonly patterns: readonly string[] };
  /** The environment does not exist in the repository (GitHub creates it, unprotected, on first use). */
  readonly missing?: boolean;
}

export interface SubjectTemplate {
  /** include_claim_keys, or undefined for the default template (repo, context). */
  readonly claimKeys?: readonly string[];
  /** sub_claim_prefix as the API gives it (e.g. the immutable `repo:OWNER@ID/REPO@ID`). */
  readonly prefix?: string;
}

/** Rules GitHub enforces on a branch: rule types from "rules for a branch" (rulesets) or branch protection. */
export interface BranchRules {
  readonly rules: readonly string[];
}

export interface RepositorySettings {
  readonly repository: string;
  readonly defaultBranch: string;
  readonly visibility: Known<'public' | 'private' | 'internal'>;
  readonly subjectTemplate: Known<SubjectTemplate>;
  environment(name: string): Known<EnvironmentSettings>;
  branchRules(branch: string): Known<BranchRules>;
}

export const ENDPOINTS = {
  repository: { endpoint: 'GET /repos/{owner}/{repo}', permission: 'metadata: read' },
  subjectTemplate: { endpoint: 'GET /repos/{owner}/{repo}/actions/oidc/customization/sub', permission: 'actions: read' },
  environment: { endpoint: 'GET /repos/{owner}/{repo}/environments/{environment_name}', permission: 'actions: read' },
  branchPolicies: { endpoint: 'GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies', permission: 'actions: read' },
  branchRules: { endpoint: 'GET /repos/{owner}/{repo}/rules/branches/{branch}', permission: 'metadata: read (read access to the repository)' },
} as const;

function unknown(which: keyof typeof ENDPOINTS) {
  return { known: false as const, ...ENDPOINTS[which], why: 'not read (run with --github)' };
}

/** Every setting unknown: what reach assumes without --github. */
export function unknownSettings(repository: string, defaultBranch: string): RepositorySettings {
  return {
    repository,
    defaultBranch,
    visibility: unknown('repository'),
    subjectTemplate: unknown('subjectTemplate'),
    environment: () => unknown('environment'),
    branchRules: () => unknown('branchRules'),
  };
}

/** "GET /repos/o/r/environments/prod (needs actions: read)": how to settle an unknown. */
export function settleBy(setting: Known<unknown>): string {
  return setting.known ? '' : `${setting.endpoint} (needs ${setting.permission})${setting.why ? `: ${setting.why}` : ''}`;
}
