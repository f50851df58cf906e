/** `outsider-reachable` (error): a person without write access can obtain the role. */
import { pathText, q } from '../path-text.js';
import { pathPlace, type ReachRule } from './rule.js';

export const outsiderReachable: ReachRule = {
  id: 'outsider-reachable',
  severity: 'error',
  summary: 'A person without write access to the repository can obtain the role.',
  help:
    'A job the role admits runs on an event an outsider can cause: a pull request from a fork through `pull_request_target`, ' +
    'a comment, issue or review on a public repository, or a `workflow_run` after a run an outsider started. No environment with ' +
    'required reviewers stands between them and the token (in-workflow `if:` guards do not count: a writer can change them, and ' +
    'they are often wrong). Fix: put the job in an environment with required reviewers, or narrow the trust policy so that it ' +
    'does not admit this run (e.g. refuse `…:pull_request` subjects), or trigger on `pull_request` (fork pull requests get no token).',
  check: ({ roles }) =>
    roles.flatMap((r) =>
      r.paths
        .filter((p) => p.starter.kind === 'outsider' && !p.gates.reviewed)
        .map((p) => {
          const route = pathText(p, r.role.role);
          return { rule: 'outsider-reachable', severity: 'error' as const, message: `${p.starter.who} can obtain ${q(r.role.role)}: ${route}`, ...pathPlace(p, r.role.role), route };
        }),
    ),
};
