/**
 * The repository's settings read through the GitHub API (src/github): visibility and default
 * branch, the OIDC subject template (include_claim_keys and sub_claim_prefix as GitHub gives them),
 * environments with their protection rules and deployment branch policies, and the rules on each
 * branch a job runs on ("rules for a branch", read access; classic branch protection when the token
 * may read it). A 403/404 leaves that setting unknown, naming the endpoint and permission.
 */
import { GitHubApiError, type GitHubApi } from '../github/api.js';
import type { BranchRules, EnvironmentSettings, Known, RepositorySettings, SubjectTemplate } from './settings.js';

interface ApiEnvironment {
  readonly name: string;
  readonly protection_rules?: readonly { type: string; wait_timer?: number; prevent_self_review?: boolean; reviewers?: readonly { type: string; reviewer?: { login?: string; slug?: string; name?: string } }[] }[];
  readonly deployment_branch_policy?: { protected_branches: boolean; custom_branch_policies: boolean } | null;
}

export interface SettingsWanted {
  readonly repository: string;
  /** --default-branch, when given: it wins over the API's answer. */
  readonly defaultBranch?: string;
  readonly environments: readonly string[];
  readonly branches: readonly string[];
}

async function known<T>(read: () => Promise<T>): Promise<Known<T>> {
  try {
    return { known: true, value: await read() };
  } catch (error) {
    if (!(error instanceof GitHubApiError)) throw error;
    return { known: false, endpoint: error.endpoint, permission: error.permission, why: error.message };
  }
}

function reviewerName(r: { type: string; reviewer?: { login?: string; slug?: string; name?: string } }): string {
  return r.reviewer?.login ?? (r.reviewer?.slug !== undefined ? `team ${r.reviewer.slug}` : r.reviewer?.name ?? r.type);
}

async function environmentSettings(api: GitHubApi, owner: string, repo: string, env: ApiEnvironment): Promise<EnvironmentSettings> {
  const rules = env.protection_rules ?? [];
  const reviewers = rules.filter((r) => r.type === 'required_reviewers').flatMap((r) => (r.reviewers ?? []).map(reviewerName));
  const policy = env.deployment_branch_policy ?? null;
  let patterns: string[] = [];
  if (policy?.custom_branch_policies) {
    const list = await api.list<{ name: string }>('/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies', { owner, repo, environment_name: env.name }, (page) => (page as { branch_policies: { name: string }[] }).branch_policies);
    patterns = list.map((p) => p.name);
  }
  return {
    reviewers,
    preventSelfReview: rules.some((r) => r.type === 'required_reviewers' && r.prevent_self_review === true),
    waitTimerMinutes: rules.find((r) => r.type === 'wait_timer')?.wait_timer ?? 0,
    branchPolicy: policy === null ? null : { protectedBranches: policy.protected_branches, patterns },
  };
}

const PROTECTIVE_RULES = new Set(['pull_request', 'update', 'required_status_checks', 'merge_queue', 'required_deployments', 'workflows']);

async function branchRules(api: GitHubApi, owner: string, repo: string, branch: string): Promise<Known<BranchRules>> {
  const rules = await known(() => api.list<{ type: string }>('/repos/{owner}/{repo}/rules/branches/{branch}', { owner, repo, branch }));
  if (!rules.known) return rules;
  // Only rules that limit who can change the branch count as a gate (not commit message patterns).
  const types = [...new Set(rules.value.map((r) => r.type))].filter((t) => PROTECTIVE_RULES.has(t));
  if (types.length > 0) return { known: true, value: { rules: types } };
  // No ruleset: classic branch protection, which only a token with administration: read may see.
  try {
    const protection = await api.get<{ required_pull_request_reviews?: unknown }>('/repos/{owner}/{repo}/branches/{branch}/protection', { owner, repo, branch });
    return { known: true, value: { rules: [protection.required_pull_request_reviews ? 'branch protection (required reviews)' : 'branch protection'] } };
  } catch (error) {
    if (!(error instanceof GitHubApiError)) throw error;
    if (error.status === 404 && /Branch not protected/.test(error.message)) return { known: true, value: { rules: [] } };
    return { known: false, endpoint: error.endpoint, permission: error.permission, why: `no ruleset applies; classic branch protection unknown (${error.message})` };
  }
}

export async function readSettings(api: GitHubApi, wanted: SettingsWanted): Promise<RepositorySettings> {
  const [owner, repo] = wanted.repository.split('/') as [string, string];
  const repository = await known(() => api.get<{ visibility?: string; private?: boolean; default_branch?: string }>('/repos/{owner}/{repo}', { owner, repo }));
  const defaultBranch = wanted.defaultBranch ?? (repository.known ? repository.value.default_branch : undefined) ?? 'main';
  const subjectTemplate = await known<SubjectTemplate>(async () => {
    const t = await api.get<{ use_default: boolean; include_claim_keys?: string[]; sub_claim_prefix?: string }>('/repos/{owner}/{repo}/actions/oidc/customization/sub', { owner, repo });
    return { ...(!t.use_default && t.include_claim_keys ? { claimKeys: t.include_claim_keys } : {}), ...(t.sub_claim_prefix !== undefined ? { prefix: t.sub_claim_prefix } : {}) };
  });
  const environments = new Map<string, Known<EnvironmentSettings>>();
  if (wanted.environments.length > 0) {
    const listed = await known(() => api.list<ApiEnvironment>('/repos/{owner}/{repo}/environments', { owner, repo }, (page) => (page as { environments: ApiEnvironment[] }).environments));
    for (const name of wanted.environments) {
      if (!listed.known) {
        environments.set(name, listed);
        continue;
      }
      // Environment names are case-insensitive on GitHub.
      const env = listed.value.find((e) => e.name.toLowerCase() === name.toLowerCase());
      environments.set(name, env ? await known(() => environmentSettings(api, owner, repo, env)) : { known: true, value: { reviewers: [], preventSelfReview: false, waitTimerMinutes: 0, branchPolicy: null, missing: true } });
    }
  }
  const rules = new Map<string, Known<BranchRules>>();
  for (const branch of new Set([defaultBranch, ...wanted.branches])) rules.set(branch, await branchRules(api, owner, repo, branch));
  const visibility: Known<'public' | 'private' | 'internal'> = repository.known
    ? { known: true, value: (repository.value.visibility as 'public' | 'private' | 'internal' | undefined) ?? (repository.value.private ? 'private' : 'public') }
    : repository;
  const notRead = (what: string): Known<never> => ({ known: false, endpoint: `GET ${what}`, permission: 'actions: read', why: 'not asked for' });
  return {
    repository: wanted.repository,
    defaultBranch,
    visibility,
    subjectTemplate,
    environment: (name) => environments.get(name) ?? notRead('/repos/{owner}/{repo}/environments'),
    branchRules: (branch) => rules.get(branch) ?? notRead('/repos/{owner}/{repo}/rules/branches/{branch}'),
  };
}
