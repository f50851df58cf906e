/**
 * Generates the least-privilege trust policy for exactly the given runs of one or more repositories:
 * one StringEquals `sub` per repository and environment, branch, tag or pull request, `aud` pinned,
 * optionally the reusable workflows (`job_workflow_ref`) that may run, the GitHub OIDC provider as
 * the only principal.
 */
import { conditionKeyPrefix, DEFAULT_AUDIENCE, ENTERPRISE_REFERENCE_NOTE, GITHUB_ISSUER, isEnterpriseReferencePrefix, isGitHubProvider, PARTITIONS, WEB_IDENTITY_ACTION } from './keys.js';
import type { TrustPolicyDocument } from './policy.js';

/** Written in place of the account id when none is given; replace it before creating the role. */
export const ACCOUNT_PLACEHOLDER = 'ACCOUNT_ID';

export interface GenerateOptions {
  /** `OWNER/REPO`, or the immutable `OWNER@OWNER_ID/REPO@REPO_ID`. */
  readonly repository: string;
  /** More repositories admitted for the same runs, each `OWNER/REPO` or `OWNER@OWNER_ID/REPO@REPO_ID`. */
  readonly additionalRepositories?: readonly string[];
  readonly environments?: readonly string[];
  /** Branch names (`main`, or `refs/heads/main`). */
  readonly branches?: readonly string[];
  /** Tag names (`v1.2.3`, or `refs/tags/v1.2.3`). */
  readonly tags?: readonly string[];
  /** Admit `pull_request` runs (no environment). Forks never get an OIDC token, so these are the repository's own branches. */
  readonly pullRequests?: boolean;
  /**
   * Reusable workflows that must be the one running the job (`job_workflow_ref`), each
   * `OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH` (or `@refs/tags/TAG`, or `@` a 40-hex commit).
   */
  readonly workflows?: readonly string[];
  /** Numeric owner id; with `repositoryId`, subjects use the immutable `repo:OWNER@OWNER_ID/REPO@REPO_ID:…` form. */
  readonly ownerId?: string;
  readonly repositoryId?: string;
  /** Also list the name-only subjects next to the immutable ones (for a repository that still gets them). */
  readonly includeNameOnly?: boolean;
  /** 12-digit AWS account id of the OIDC provider; default the placeholder `ACCOUNT_ID`. */
  readonly account?: string;
  /** Default `aws`. */
  readonly partition?: string;
  /** Default `sts.amazonaws.com`. */
  readonly audience?: string;
  /** Default `https://token.actions.githubusercontent.com`; an enterprise issuer adds `/<slug>`. */
  readonly issuer?: string;
}

export class GenerateError extends Error {
  override readonly name = 'GenerateError';
  /** The option at fault, e.g. `repository` or `branches`. */
  readonly option: string;
  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

function checkRefName(option: string, kind: string, raw: string, prefix: string): string {
  const name = raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
  const problem =
    name === ''
      ? 'is empty'
      : /[\s~^:?*[\\\x00-\x1f\x7f]/.test(name)
        ? 'contains a character git does not allow in ref names (space ~ ^ : ? * [ \\ or a control character)'
        : name.includes('..') || name.includes('@{') || name.includes('//')
          ? 'contains "..", "@{" or "//"'
          : name.startsWith('/') || name.endsWith('/') || name.endsWith('.') || name.endsWith('.lock')
            ? 'starts or ends with "/", or ends with "." or ".lock"'
            : undefined;
  if (problem) throw new GenerateError(option, `${kind} ${JSON.stringify(raw)} ${problem}`);
  return name;
}

function checkEnvironment(raw: string): string {
  if (raw.trim() === '') throw new GenerateError('environments', 'an environment name is empty');
  if (/[*?]/.test(raw)) {
    throw new GenerateError('environments', `environment ${JSON.stringify(raw)} contains "*" or "?"; the generated policy uses exact matches (StringEquals)`);
  }
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new GenerateError('environments', `environment ${JSON.stringify(raw)} contains a control character`);
  if (raw.length > 255) throw new GenerateError('environments', `environment ${JSON.stringify(raw.slice(0, 20))}… is longer than 255 characters`);
  return raw;
}

interface RepositoryRef {
  readonly owner: string;
  readonly repo: string;
  readonly ownerId?: string;
  readonly repositoryId?: string;
}

const ID = /^[1-9]\d{0,19}$/;
const INLINE_IDS = /^([^@/]+)@([^@/]+)\/([^@/]+)@([^@/]+)$/;

function checkIds(ownerId: string | undefined, repositoryId: string | undefined, where: string): void {
  if ((ownerId === undefined) !== (repositoryId === undefined)) {
    throw new GenerateError(ownerId === undefined ? 'ownerId' : 'repositoryId', `give both the owner id and the repository id, or neither${where}`);
  }
  for (const [option, id] of [['ownerId', ownerId], ['repositoryId', repositoryId]] as const) {
    if (id !== undefined && !ID.test(id)) {
      throw new GenerateError(option, `${option === 'ownerId' ? 'owner id' : 'repository id'} ${JSON.stringify(id)} is not a number (GitHub's numeric id, e.g. from the token's repository_owner_id / repository_id claims)${where}`);
    }
  }
}

/** True for a repository written with its ids, `OWNER@OWNER_ID/REPO@REPO_ID`. */
export function carriesIds(repository: string): boolean {
  return INLINE_IDS.test(repository);
}

/** `OWNER@OWNER_ID/REPO@REPO_ID` as `OWNER/REPO` and its two ids; undefined for any other form. Unchecked. */
export function splitInlineIds(repository: string): { readonly repository: string; readonly ownerId: string; readonly repositoryId: string } | undefined {
  const inline = INLINE_IDS.exec(repository);
  return inline ? { repository: `${inline[1]}/${inline[3]}`, ownerId: inline[2]!, repositoryId: inline[4]! } : undefined;
}

/** `OWNER/REPO` or `OWNER@OWNER_ID/REPO@REPO_ID`; `option` names the option at fault. */
function parseRepository(raw: string, option: string): RepositoryRef {
  const inline = INLINE_IDS.exec(raw);
  const [owner, repo] = inline ? [inline[1]!, inline[3]!] : [raw.slice(0, Math.max(0, raw.indexOf('/'))), raw.slice(raw.indexOf('/') + 1)];
  if (!OWNER.test(owner) || !REPO.test(repo) || repo === '.' || repo === '..') {
    throw new GenerateError(option, `repository ${JSON.stringify(raw)} is not OWNER/REPO (e.g. octo-org/octo-repo) or OWNER@OWNER_ID/REPO@REPO_ID`);
  }
  if (!inline) return { owner, repo };
  if (!ID.test(inline[2]!) || !ID.test(inline[4]!)) {
    throw new GenerateError(option, `repository ${JSON.stringify(raw)}: the ids after "@" must be GitHub's numeric owner and repository ids`);
  }
  return { owner, repo, ownerId: inline[2]!, repositoryId: inline[4]! };
}

/** The repositories, with the ids each one is known by. */
function repositoryRefs(options: GenerateOptions): RepositoryRef[] {
  const main = parseRepository(options.repository, 'repository');
  const { ownerId, repositoryId } = options;
  checkIds(ownerId, repositoryId, '');
  if (ownerId !== undefined && main.ownerId !== undefined && (ownerId !== main.ownerId || repositoryId !== main.repositoryId)) {
    throw new GenerateError('ownerId', `repository ${JSON.stringify(options.repository)} already carries ids that differ from the owner id and repository id given`);
  }
  const refs: RepositoryRef[] = [ownerId !== undefined ? { ...main, ownerId, repositoryId: repositoryId! } : main];
  for (const raw of options.additionalRepositories ?? []) refs.push(parseRepository(raw, 'additionalRepositories'));
  return refs;
}

/** The job_workflow_ref values: `OWNER/REPO/.github/workflows/FILE.yml@REF`. */
export function checkedWorkflows(options: GenerateOptions): string[] {
  const out: string[] = [];
  for (const raw of options.workflows ?? []) {
    const m = /^([^/@\s]+)\/([^/@\s]+)\/\.github\/workflows\/([^/@\s]+\.ya?ml)@(.+)$/.exec(raw);
    if (!m || !OWNER.test(m[1]!) || !REPO.test(m[2]!)) {
      throw new GenerateError('workflows', `workflow ${JSON.stringify(raw)} is not OWNER/REPO/.github/workflows/FILE.yml@REF (e.g. octo-org/deploy/.github/workflows/deploy.yml@refs/heads/main)`);
    }
    const ref = m[4]!;
    if (ref.startsWith('refs/heads/')) checkRefName('workflows', 'workflow branch', ref, 'refs/heads/');
    else if (ref.startsWith('refs/tags/')) checkRefName('workflows', 'workflow tag', ref, 'refs/tags/');
    else if (!/^[0-9a-f]{40}$/.test(ref)) {
      throw new GenerateError('workflows', `workflow ${JSON.stringify(raw)}: the part after "@" must be refs/heads/BRANCH, refs/tags/TAG or a 40-character commit SHA, as GitHub writes it in job_workflow_ref`);
    }
    if (!out.includes(raw)) out.push(raw);
  }
  return out;
}

/** The `sub` values the generated policy admits, in order. */
export function generatedSubjects(options: GenerateOptions): string[] {
  const refs = repositoryRefs(options);
  const contexts = [
    ...(options.environments ?? []).map((e) => `environment:${checkEnvironment(e)}`),
    ...(options.branches ?? []).map((b) => `ref:refs/heads/${checkRefName('branches', 'branch', b, 'refs/heads/')}`),
    ...(options.tags ?? []).map((t) => `ref:refs/tags/${checkRefName('tags', 'tag', t, 'refs/tags/')}`),
    ...(options.pullRequests ? ['pull_request'] : []),
  ];
  if (contexts.length === 0) {
    throw new GenerateError('environments', 'give at least one environment, branch, tag or pull requests: the policy admits exactly those runs');
  }
  if (options.includeNameOnly && !refs.some((r) => r.ownerId !== undefined)) {
    throw new GenerateError('includeNameOnly', 'the name-only form is the default without ids; give the owner and repository ids to add the immutable form');
  }
  const bases: string[] = [];
  for (const ref of refs) {
    if (ref.ownerId !== undefined) {
      bases.push(`repo:${ref.owner}@${ref.ownerId}/${ref.repo}@${ref.repositoryId}`);
      if (options.includeNameOnly) bases.push(`repo:${ref.owner}/${ref.repo}`);
    } else {
      bases.push(`repo:${ref.owner}/${ref.repo}`);
    }
  }
  const subjects: string[] = [];
  for (const base of bases) {
    for (const context of contexts) {
      const sub = `${base}:${context}`;
      if (!subjects.includes(sub)) subjects.push(sub);
    }
  }
  return subjects;
}

/** The least-privilege trust policy for exactly the given runs. Throws {@link GenerateError} on bad options. */
export function generateTrustPolicy(options: GenerateOptions): TrustPolicyDocument {
  const subjects = generatedSubjects(options);
  const workflows = checkedWorkflows(options);
  const account = options.account ?? ACCOUNT_PLACEHOLDER;
  if (options.account !== undefined && !/^\d{12}$/.test(account)) {
    throw new GenerateError('account', `account ${JSON.stringify(account)} is not a 12-digit AWS account id`);
  }
  const partition = options.partition ?? 'aws';
  if (!(PARTITIONS as readonly string[]).includes(partition)) {
    throw new GenerateError('partition', `partition ${JSON.stringify(partition)} is not one of ${PARTITIONS.join(', ')}`);
  }
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  if (audience.trim() === '' || /[*?]/.test(audience)) {
    throw new GenerateError('audience', `audience ${JSON.stringify(audience)} must be a non-empty exact value (no "*" or "?")`);
  }
  const issuer = options.issuer ?? GITHUB_ISSUER;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new GenerateError('issuer', `issuer ${JSON.stringify(issuer)} is not a URL (e.g. https://token.actions.githubusercontent.com)`);
  }
  if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '') {
    throw new GenerateError('issuer', `issuer ${JSON.stringify(issuer)} must be an https URL without query or fragment`);
  }
  const prefix = conditionKeyPrefix(issuer);
  // Only GitHub issues the claims (sub, environment, job_workflow_ref) this policy pins.
  if (!isGitHubProvider(prefix)) {
    const note = isEnterpriseReferencePrefix(prefix) ? ` (${ENTERPRISE_REFERENCE_NOTE})` : '';
    throw new GenerateError(
      'issuer',
      `issuer ${JSON.stringify(issuer)} is not a GitHub Actions issuer; expected https://token.actions.githubusercontent.com, an enterprise issuer https://token.actions.githubusercontent.com/SLUG, GHE.com https://token.actions.SUBDOMAIN.ghe.com or GHES https://HOST/_services/token${note}`,
    );
  }
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GitHubActionsOIDC',
        Effect: 'Allow',
        Principal: { Federated: `arn:${partition}:iam::${account}:oidc-provider/${prefix}` },
        Action: WEB_IDENTITY_ACTION,
        Condition: {
          StringEquals: {
            [`${prefix}:aud`]: audience,
            [`${prefix}:sub`]: subjects.length === 1 ? subjects[0]! : subjects,
            ...(workflows.length > 0 ? { [`${prefix}:job_workflow_ref`]: workflows.length === 1 ? workflows[0]! : workflows } : {}),
          },
        },
      },
    ],
  };
}
