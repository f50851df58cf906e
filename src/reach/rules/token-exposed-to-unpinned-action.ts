/** `token-exposed-to-unpinned-action` (warning): a job with id-token: write runs a third-party action not pinned to a commit. */
import { q } from '../path-text.js';
import type { ReachFinding, ReachRule } from './rule.js';

/** GitHub's own actions are not third-party. */
const FIRST_PARTY = /^(actions|github)\//i;

export function unpinned(uses: string, repositoryOwner: string): boolean {
  if (uses.startsWith('./') || uses.startsWith('docker://')) return false;
  const [name, ref] = uses.split('@');
  if (!name || FIRST_PARTY.test(name) || name.toLowerCase().startsWith(`${repositoryOwner.toLowerCase()}/`)) return false;
  return !/^[0-9a-f]{40}$/.test(ref ?? '');
}

export const tokenExposedToUnpinnedAction: ReachRule = {
  id: 'token-exposed-to-unpinned-action',
  severity: 'warning',
  summary: 'A job with id-token: write runs a third-party action not pinned to a full commit SHA.',
  help:
    'Every step of a job with `id-token: write` can request the OIDC token and use the credentials, before or after they are ' +
    'exported. A tag or branch of a third-party action can be moved to other code. Fix: pin it to a full commit SHA ' +
    '(`uses: owner/action@<40 hex> # v1.2.3`).',
  check: ({ jobs }) => {
    const out: ReachFinding[] = [];
    const seen = new Set<string>();
    for (const job of jobs) {
      for (const step of job.steps) {
        if (!step.uses || !unpinned(step.uses, job.repository.split('/')[0]!)) continue;
        const key = `${step.file}\u0000${step.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          rule: 'token-exposed-to-unpinned-action',
          severity: 'warning',
          message: `${q(job.jobWorkflow.path)}:${q(job.job.id)} has id-token: write and runs ${q(step.uses)}, not pinned to a commit SHA`,
          workflow: job.workflow.path,
          job: job.job.id,
          file: step.file,
          line: step.line,
        });
      }
    }
    return out;
  },
};
