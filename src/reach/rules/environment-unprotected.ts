/** `environment-unprotected` (warning): an environment a role admits has no reviewers and no branch policy. */
import { q } from '../path-text.js';
import { settleBy } from '../settings.js';
import { pathPlace, type ReachFinding, type ReachRule } from './rule.js';

export const environmentUnprotected: ReachRule = {
  id: 'environment-unprotected',
  severity: 'warning',
  summary: 'An environment the role admits has no required reviewers and no deployment branch policy.',
  help:
    'The trust policy relies on a GitHub environment, but the environment lets any branch deploy without review: any writer ' +
    'can name it in a job. Fix: add required reviewers (with prevent-self-review) or a deployment branch policy to the environment. ' +
    'Reading environments needs `--github` and a token with `actions: read`; without it, a note says the setting is unknown.',
  check: ({ roles, settings }) => {
    const out: ReachFinding[] = [];
    for (const r of roles) {
      const seen = new Set<string>();
      for (const p of r.paths) {
        const name = p.run.environment;
        if (name === undefined || p.run.environmentUnresolved || seen.has(`${p.job.repository}\u0000${name}`)) continue;
        seen.add(`${p.job.repository}\u0000${name}`);
        const env = settings.get(p.job.repository)!.environment(name);
        const base = { rule: 'environment-unprotected', ...pathPlace(p, r.role.role) };
        if (!env.known) {
          out.push({ ...base, severity: 'note', message: `environment ${q(name)} of ${q(p.job.repository)}, which ${q(r.role.role)} admits: protection unknown; read it with ${settleBy(env)}` });
        } else if (env.value.missing || (env.value.reviewers.length === 0 && env.value.branchPolicy === null)) {
          out.push({
            ...base,
            severity: 'warning',
            message: `environment ${q(name)} of ${q(p.job.repository)}, which ${q(r.role.role)} admits, ${env.value.missing ? 'does not exist (GitHub creates it unprotected on first use)' : 'has no required reviewers and no deployment branch policy'}`,
          });
        }
      }
    }
    return out;
  },
};
