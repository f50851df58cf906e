/**
 * The runs a token job can produce and the claims of each run's token: per trigger, the refs it
 * runs on (a branch pattern stands for every branch it matches, evaluated with a sample name), and
 * the subject by GitHub's rules: environment beats pull request beats ref; pull_request and
 * pull_request_target both give `pull_request`; default-branch-only events run on the default
 * branch. The custom template and sub_claim_prefix come from the settings, never computed. Pure.
 */
import { runClaims } from '../trust/run-claims.js';
import type { TokenJob } from './jobs.js';
import type { Trigger } from './model.js';
import type { RepositorySettings } from './settings.js';

export interface CandidateRun {
  readonly event: string;
  readonly trigger: Trigger;
  /** The ref as shown: may be a pattern (`refs/heads/*`). */
  readonly ref: string;
  readonly environment?: string;
  /** The environment is still an expression the model cannot resolve. */
  readonly environmentUnresolved: boolean;
  readonly claims: Record<string, string>;
}

const PULL_REQUEST_SUBJECT = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']);
const SAMPLE = 'keyless-any';

/** A concrete ref for a pattern: each glob stands for a sample name the pattern matches. */
export function sampleRef(pattern: string): string {
  return pattern.replace(/\*\*|\*|\?/g, SAMPLE);
}

function branchRefs(patterns: readonly string[] | undefined, fallback: readonly string[]): string[] {
  if (!patterns || patterns.length === 0) return [...fallback];
  return patterns.filter((p) => !p.startsWith('!')).map((p) => `refs/heads/${p}`);
}

/** The refs a trigger runs on; patterns kept. */
export function triggerRefs(trigger: Trigger, defaultBranch: string): string[] {
  const main = `refs/heads/${defaultBranch}`;
  switch (trigger.event) {
    case 'push': {
      if (!trigger.branches && !trigger.tags) return [main, 'refs/heads/*', 'refs/tags/*'];
      return [...(trigger.branches ? branchRefs(trigger.branches, []) : []), ...(trigger.tags ?? []).filter((t) => !t.startsWith('!')).map((t) => `refs/tags/${t}`)];
    }
    case 'pull_request':
    case 'pull_request_review':
    case 'pull_request_review_comment':
      return ['refs/pull/*/merge'];
    case 'pull_request_target':
      return branchRefs(trigger.branches, [main]);
    case 'workflow_dispatch':
    case 'create':
    case 'deployment':
    case 'deployment_status':
      return [main, 'refs/heads/*', 'refs/tags/*'];
    case 'release':
      return ['refs/tags/*'];
    case 'merge_group':
      return [`refs/heads/gh-readonly-queue/${defaultBranch}/*`];
    default:
      // issue_comment, issues, schedule, workflow_run, milestone, …: the default branch.
      return [main];
  }
}

export function candidateRuns(job: TokenJob, settings: RepositorySettings): CandidateRun[] {
  const template = settings.subjectTemplate.known ? settings.subjectTemplate.value : undefined;
  const environment = job.environment;
  const environmentUnresolved = environment !== undefined && environment.includes('${{');
  const runs: CandidateRun[] = [];
  for (const trigger of job.triggers) {
    for (const ref of triggerRefs(trigger, settings.defaultBranch)) {
      const concrete = sampleRef(ref).replace('refs/pull/keyless-any/', 'refs/pull/1/');
      const event = trigger.event;
      const claims = runClaims({
        repository: job.repository,
        ref: concrete,
        event,
        workflow: job.workflow.name ?? job.workflow.path,
        workflowRef: job.workflow.path,
        jobWorkflowRef: job.jobWorkflow.path,
        ...(environment !== undefined ? { environment } : {}),
        ...(template?.claimKeys ? { subjectClaims: template.claimKeys } : {}),
        ...(event === 'pull_request_target' ? { baseRef: concrete.replace('refs/heads/', '') } : {}),
      });
      // pull_request_review(_comment) runs carry the pull request subject too.
      if (PULL_REQUEST_SUBJECT.has(event) && environment === undefined && !template?.claimKeys) {
        claims.sub = `repo:${job.repository}:pull_request`;
      }
      if (template?.prefix !== undefined) claims.sub = withPrefix(claims.sub!, job.repository, template.prefix);
      runs.push({ event, trigger, ref, ...(environment !== undefined ? { environment } : {}), environmentUnresolved, claims });
    }
  }
  return runs;
}

/** The subject with its `repo:OWNER/REPO` part replaced by the repository's sub_claim_prefix. */
function withPrefix(sub: string, repository: string, prefix: string): string {
  const plain = `repo:${repository}`;
  const bare = prefix.replace(/:$/, '');
  return sub.startsWith(plain) ? bare + sub.slice(plain.length) : sub;
}
