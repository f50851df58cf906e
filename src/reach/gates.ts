/**
 * The gates between a starter and the token: what GitHub enforces (environment required reviewers,
 * prevent-self-review, deployment branch policies, wait timers, rules on the ref) and the
 * in-workflow guards (`if:` on the actor, author association, labels…), which are weaker because
 * a writer can change the workflow on a branch. Pure.
 */
import type { CandidateRun } from './claims.js';
import type { TokenJob } from './jobs.js';
import { settleBy, type RepositorySettings } from './settings.js';

export interface Gates {
  /** Enforced by GitHub and known to hold a reviewer: the path needs a person's approval. */
  readonly reviewed: boolean;
  /** A rule GitHub enforces on the ref (only some can push), known. */
  readonly ruled: boolean;
  /** Descriptions for the path. */
  readonly enforced: readonly string[];
  readonly guards: readonly string[];
  /** Settings that would change the answer, with how to read them. */
  readonly unknown: readonly string[];
}

const GUARD = /github\.actor|author_association|user\.login|github\.triggering_actor|labels|github\.repository\b|github\.event\.sender/;

function guardText(condition: string): string {
  const flat = condition.replace(/\s+/g, ' ').replace(/^\$\{\{\s*|\s*\}\}$/g, '').trim();
  return flat.length > 100 ? `${flat.slice(0, 97)}...` : flat;
}

export function gatesOf(job: TokenJob, run: CandidateRun, settings: RepositorySettings): Gates {
  const enforced: string[] = [];
  const unknown: string[] = [];
  let reviewed = false;
  let ruled = false;
  if (run.environment !== undefined && !run.environmentUnresolved) {
    const env = settings.environment(run.environment);
    if (!env.known) unknown.push(`environment ${JSON.stringify(run.environment)}: ${settleBy(env)}`);
    else if (env.value.missing) enforced.push(`environment ${JSON.stringify(run.environment)} (does not exist: created unprotected on first use)`);
    else {
      const e = env.value;
      const parts: string[] = [];
      if (e.reviewers.length > 0) {
        reviewed = true;
        parts.push(`required reviewers ${e.reviewers.join(', ')}${e.preventSelfReview ? ' (no self-review)' : ''}`);
      }
      if (e.branchPolicy) parts.push(e.branchPolicy.protectedBranches ? 'protected branches only' : `branches ${e.branchPolicy.patterns.join(', ') || '(none)'}`);
      if (e.waitTimerMinutes > 0) parts.push(`wait ${e.waitTimerMinutes} min`);
      enforced.push(`environment ${JSON.stringify(run.environment)}: ${parts.length > 0 ? parts.join('; ') : 'no protection rules'}`);
    }
  } else if (run.environmentUnresolved) {
    unknown.push(`environment ${JSON.stringify(run.environment)} is an expression the model cannot resolve`);
  }
  // Rules on a branch gate who can push to it, not who can dispatch or comment on it.
  if (run.event === 'push' && run.ref.startsWith('refs/heads/') && !run.ref.includes('*')) {
    const branch = run.ref.slice('refs/heads/'.length);
    const rules = settings.branchRules(branch);
    if (!rules.known) unknown.push(`rules on ${branch}: ${settleBy(rules)}`);
    else if (rules.value.rules.length > 0) {
      ruled = true;
      enforced.push(`rules on ${branch}: ${rules.value.rules.join(', ')}`);
    }
  }
  const guards = job.conditions.filter((c) => GUARD.test(c)).map(guardText);
  return { reviewed, ruled, enforced, guards, unknown };
}
