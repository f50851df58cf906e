/**
 * The claims GitHub puts in a run's OIDC token, from a short description of the run (repository,
 * ref, environment, event…). The subject follows GitHub's default template: `repo:OWNER/REPO:` +
 * `environment:NAME` when the job uses an environment, else `pull_request` for pull_request runs,
 * else `ref:REF`; the immutable form `repo:OWNER@OWNER_ID/REPO@REPO_ID:…` and customised templates
 * (`include_claim_keys`, claims joined by ":") on request. Pure.
 */
import { GITHUB_ISSUER } from './keys.js';

export interface RunDescription {
  /** OWNER/REPO */
  readonly repository: string;
  /** A full ref (refs/heads/main, refs/tags/v1, refs/pull/7/merge) or a branch name. Default refs/heads/main. */
  readonly ref?: string;
  readonly environment?: string;
  /** The event_name claim; default push. */
  readonly event?: string;
  /** The workflow's name (the `workflow` claim); default "deploy". */
  readonly workflow?: string;
  /** The workflow_ref claim, or just the file path (.github/workflows/x.yml); default .github/workflows/deploy.yml. */
  readonly workflowRef?: string;
  /** The job_workflow_ref claim (a reusable workflow), or a path in this repository; default the workflow_ref. */
  readonly jobWorkflowRef?: string;
  readonly actor?: string;
  readonly actorId?: string;
  readonly ownerId?: string;
  readonly repositoryId?: string;
  readonly audience?: string;
  readonly issuer?: string;
  readonly enterprise?: string;
  readonly enterpriseId?: string;
  /** name-only (default) or immutable (needs ownerId and repositoryId). */
  readonly subjectForm?: 'name-only' | 'immutable';
  /** A customised subject template, e.g. ["repo", "context", "job_workflow_ref"]. */
  readonly subjectClaims?: readonly string[];
  readonly visibility?: string;
  readonly runnerEnvironment?: string;
  /** The pull request's branches, for pull_request events. */
  readonly headRef?: string;
  readonly baseRef?: string;
}

/** A run description that GitHub could not issue a token for; names the field. */
export class RunError extends Error {
  override readonly name = 'RunError';
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

/** A branch or tag name as its full ref (`main` → `refs/heads/main`); a full one stays as it is. */
export function refOf(kind: 'branch' | 'tag', name: string): string {
  const prefix = kind === 'branch' ? 'refs/heads/' : 'refs/tags/';
  return name.startsWith(prefix) ? name : `${prefix}${name}`;
}

function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/heads/${ref}`;
}

/** The part of the default subject after `repo:OWNER/REPO:`. */
export function subjectContext(claims: { environment?: string; event_name: string; ref: string }): string {
  if (claims.environment !== undefined) return `environment:${claims.environment}`;
  if (PULL_REQUEST_EVENTS.has(claims.event_name)) return 'pull_request';
  return `ref:${claims.ref}`;
}

function subject(run: RunDescription, claims: Record<string, string>): string {
  const immutable = run.subjectForm === 'immutable';
  if (immutable && (run.ownerId === undefined || run.repositoryId === undefined)) {
    throw new RunError('subject', 'the immutable form repo:OWNER@OWNER_ID/REPO@REPO_ID needs owner_id and repository_id');
  }
  const repo = immutable ? `${claims.repository_owner}@${run.ownerId}/${claims.repository!.split('/')[1]}@${run.repositoryId}` : claims.repository!;
  const context = subjectContext(claims as { environment?: string; event_name: string; ref: string });
  const template = run.subjectClaims ?? ['repo', 'context'];
  return template
    .map((claim) => {
      if (claim === 'repo') return `repo:${repo}`;
      if (claim === 'context') return context;
      const value = claims[claim];
      if (value === undefined) throw new RunError('subject_claims', `the run has no "${claim}" claim to put in its subject`);
      return `${claim}:${value}`;
    })
    .join(':');
}

/** The token claims of the run (all strings, as GitHub issues them). */
export function runClaims(run: RunDescription): Record<string, string> {
  const m = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(run.repository);
  if (!m) throw new RunError('repository', `${JSON.stringify(run.repository)} is not OWNER/REPO`);
  const owner = m[1]!;
  const event = run.event ?? 'push';
  const pullRequest = event === 'pull_request';
  const ref = run.ref !== undefined ? fullRef(run.ref) : pullRequest ? 'refs/pull/1/merge' : event === 'pull_request_target' ? `refs/heads/${run.baseRef ?? 'main'}` : 'refs/heads/main';
  const qualified = (value: string | undefined, fallback: string): string => {
    const v = value ?? fallback;
    return v.startsWith('.github/') ? `${run.repository}/${v}@${ref}` : v;
  };
  const workflowRef = qualified(run.workflowRef, '.github/workflows/deploy.yml');
  const claims: Record<string, string> = {
    iss: run.issuer ?? GITHUB_ISSUER,
    aud: run.audience ?? 'sts.amazonaws.com',
    ref,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    repository: run.repository,
    repository_owner: owner,
    ...(run.ownerId !== undefined ? { repository_owner_id: run.ownerId } : {}),
    ...(run.repositoryId !== undefined ? { repository_id: run.repositoryId } : {}),
    repository_visibility: run.visibility ?? 'private',
    actor: run.actor ?? 'octocat',
    ...(run.actorId !== undefined ? { actor_id: run.actorId } : {}),
    workflow: run.workflow ?? 'deploy',
    workflow_ref: workflowRef,
    job_workflow_ref: run.jobWorkflowRef !== undefined ? qualified(run.jobWorkflowRef, '') : workflowRef,
    event_name: event,
    head_ref: PULL_REQUEST_EVENTS.has(event) ? (run.headRef ?? 'feature') : '',
    base_ref: PULL_REQUEST_EVENTS.has(event) ? (run.baseRef ?? 'main') : '',
    runner_environment: run.runnerEnvironment ?? 'github-hosted',
    ...(run.environment !== undefined ? { environment: run.environment } : {}),
    ...(run.enterprise !== undefined ? { enterprise: run.enterprise } : {}),
    ...(run.enterpriseId !== undefined ? { enterprise_id: run.enterpriseId } : {}),
  };
  if (run.environment === '') throw new RunError('environment', 'an environment name is never empty');
  claims.sub = subject(run, claims);
  return claims;
}
