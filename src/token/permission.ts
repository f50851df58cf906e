/** Why the runner gives this job no OIDC token, and what to change. Pure. */
import { KeylessError } from '../shared/errors.js';
import type { RunContext } from '../inputs/context.js';

/** Events on which a fork's pull request runs with a read-only token and no OIDC token at all. */
const FORK_RESTRICTED_EVENTS = new Set(['pull_request', 'pull_request_review', 'pull_request_review_comment']);

/** Forks never get a token on pull_request; say so instead of leaving the user to guess at permissions. */
export function missingPermissionError(run: RunContext['run']): KeylessError {
  const details = [
    'The job needs permission to request an OIDC token. Add to the workflow (or the job):',
    '  permissions:',
    '    id-token: write',
    '    contents: read',
  ];
  if (run.headIsFork === true && FORK_RESTRICTED_EVENTS.has(run.eventName ?? '')) {
    details.push(
      `This run is a pull request from a fork: GitHub never gives such runs an OIDC token (nor secrets) on ${run.eventName}, whatever the permissions say.`,
      'Deploy from the base repository (e.g. on push to a branch), or use a workflow_run / pull_request_target design that never runs untrusted code with credentials.',
    );
  } else if (run.headIsFork === true && run.eventName === 'pull_request_target') {
    details.push(
      "This run is pull_request_target for a fork's pull request: it runs the base repository's workflow, so GitHub does issue it an OIDC token once the workflow grants id-token: write.",
      "Grant it only if no step runs the fork's code: checking out and building the pull request's head in a job that holds credentials hands them to the fork's author.",
    );
  }
  return new KeylessError(
    'token-permission-missing',
    'The runner did not provide an OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set.',
    details,
  );
}
