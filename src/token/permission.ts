/** Why the runner gives this job no OIDC token, and what to change. Pure. */
import { KeylessError } from '../shared/errors.js';
import type { RunContext } from '../inputs/context.js';

/** Forks never get a token on pull_request; say so instead of leaving the user to guess at permissions. */
export function missingPermissionError(run: RunContext['run']): KeylessError {
  const details = [
    'The job needs permission to request an OIDC token. Add to the workflow (or the job):',
    '  permissions:',
    '    id-token: write',
    '    contents: read',
  ];
  if (run.eventName?.startsWith('pull_request') && run.headIsFork === true) {
    details.push(
      'This run is a pull request from a fork: GitHub never gives such runs an OIDC token (nor secrets), whatever the permissions say.',
      'Deploy from the base repository (e.g. on push to a branch), or use a workflow_run / pull_request_target design that never runs untrusted code with credentials.',
    );
  }
  return new KeylessError(
    'token-permission-missing',
    'The runner did not provide an OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set.',
    details,
  );
}
