/**
 * Who can start a run: from the trigger, the ref and what is known of the repository. Outsiders
 * (no write access) through pull_request_target, comment/issue/review events on a public
 * repository, and workflow_run after a run they started; any writer through pushes, dispatch,
 * releases and pull requests from a branch (fork pull requests get no token); only those a branch
 * rule lets through, where one is known; the scheduler. Pure.
 */
import type { CandidateRun } from './claims.js';
import type { Workflow } from './model.js';
import type { RepositorySettings } from './settings.js';

export type StarterKind = 'outsider' | 'writer' | 'rule-passer' | 'scheduler';

export interface Starter {
  readonly kind: StarterKind;
  /** Who, in words, for the path. */
  readonly who: string;
}

/** Events anyone who can read a public repository can cause. */
const COMMENT_EVENTS = new Set(['issue_comment', 'issues', 'discussion', 'discussion_comment', 'pull_request_review', 'pull_request_review_comment', 'watch', 'fork']);

/** Does some workflow named by a workflow_run trigger have a start an outsider controls? */
function upstreamOutsider(names: readonly string[] | undefined, workflows: readonly Workflow[], public_: boolean, depth: number): string | undefined {
  if (depth > 5) return undefined;
  for (const w of workflows) {
    if (names && !names.includes(w.name ?? '') && !names.includes(w.path.split('/').pop()!.replace(/\.ya?ml$/, ''))) continue;
    for (const t of w.triggers) {
      // A fork pull request runs the pull_request workflow without a token, then workflow_run runs with one.
      if (t.event === 'pull_request' || t.event === 'pull_request_target') return `a fork pull request (via ${JSON.stringify(w.name ?? w.path)})`;
      if (COMMENT_EVENTS.has(t.event) && public_) return `a comment or issue (via ${JSON.stringify(w.name ?? w.path)})`;
      if (t.event === 'workflow_run') {
        const inner = upstreamOutsider(t.workflows, workflows, public_, depth + 1);
        if (inner) return inner;
      }
    }
  }
  return undefined;
}

export function starterOf(run: CandidateRun, workflows: readonly Workflow[], settings: RepositorySettings): Starter {
  // Unknown visibility counts as public: the model never assumes a repository is private.
  const public_ = !settings.visibility.known || settings.visibility.value === 'public';
  const event = run.event;
  if (event === 'pull_request_target') return { kind: 'outsider', who: 'anyone who can open a pull request from a fork' };
  if (COMMENT_EVENTS.has(event)) {
    return public_
      ? { kind: 'outsider', who: `anyone who can ${event.startsWith('pull_request_review') ? 'review a pull request' : 'comment or open an issue'} on a public repository` }
      : { kind: 'writer', who: `anyone with read access to the ${settings.visibility.known ? settings.visibility.value : ''} repository` };
  }
  if (event === 'workflow_run') {
    const via = upstreamOutsider(run.trigger.workflows, workflows, public_, 0);
    return via ? { kind: 'outsider', who: `anyone who can start ${via}, through workflow_run` } : { kind: 'writer', who: 'any writer, through the workflow_run chain' };
  }
  if (event === 'schedule') return { kind: 'scheduler', who: "the scheduler (the default branch's workflow)" };
  if (event === 'merge_group') return { kind: 'rule-passer', who: 'those who can merge through the merge queue' };
  if (event === 'pull_request') return { kind: 'writer', who: 'any writer, with a pull request from a branch (fork pull requests get no token)' };
  if (event === 'push' && run.ref.startsWith('refs/heads/') && !run.ref.includes('*')) {
    const rules = settings.branchRules(run.ref.slice('refs/heads/'.length));
    if (rules.known && rules.value.rules.length > 0) return { kind: 'rule-passer', who: `those who pass the rules on ${run.ref.slice(11)} (${rules.value.rules.join(', ')})` };
  }
  if (event === 'push') return { kind: 'writer', who: run.ref.includes('*') ? 'any writer, by pushing a matching branch or tag' : 'any writer, by pushing' };
  return { kind: 'writer', who: `any writer, through ${event}` };
}
