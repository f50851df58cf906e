/** `subject-mismatch` (error): a job assumes a role whose trust policy refuses the job's claims. */
import { admits } from '../join.js';
import { candidateRuns } from '../claims.js';
import { q } from '../path-text.js';
import type { ReachFinding, ReachRule } from './rule.js';

const ASSUMING_ACTION = /(^|\/)(configure-aws-credentials|keyless)(@|$)/;

/** Does the role (name, ARN or resource address) match a literal role-to-assume? */
export function sameRole(found: string, wanted: string): boolean {
  // A bare policy file is named by its path: roles/deploy.json is the role "deploy".
  const name = (s: string) => s.replace(/^.*:role\//, '').replace(/^.*\//, '').replace(/\.json$/i, '');
  return found === wanted || name(found) === name(wanted);
}

export const subjectMismatch: ReachRule = {
  id: 'subject-mismatch',
  severity: 'error',
  summary: "A job assumes a role whose trust policy refuses the job's claims: the deploy fails with AccessDenied.",
  help:
    'The job names the role literally (`role-to-assume`, or Keyless\'s own inputs), but the role\'s trust policy does not admit ' +
    'the token this job gets (often: the job runs in an environment, so `sub` is `…:environment:NAME`, not `…:ref:…`). The message ' +
    'names the statement and condition that fail, as the action does. Fix the trust policy or the job.',
  check: ({ roles, jobs, settings }) => {
    const out: ReachFinding[] = [];
    for (const job of jobs) {
      for (const step of job.steps) {
        if (!ASSUMING_ACTION.test(step.uses ?? '')) continue;
        const wanted = step.with['role-to-assume'] ?? step.with['role'];
        if (wanted === undefined || wanted.includes('${{')) continue;
        const role = roles.find((r) => sameRole(r.role.role, wanted));
        if (!role || role.invalid) continue;
        for (const run of candidateRuns(job, settings.get(job.repository)!)) {
          const decision = admits(role.role, run.claims);
          if (decision.allowed) continue;
          out.push({
            rule: 'subject-mismatch',
            severity: 'error',
            message: `${q(job.workflow.path)}:${q(job.job.id)} assumes ${q(role.role.role)} on ${run.event} (sub ${q(run.claims.sub!)}), which its trust policy refuses: ${decision.summary}`,
            role: role.role.role,
            workflow: job.workflow.path,
            job: job.job.id,
            subject: run.claims.sub!,
            file: step.file,
            line: step.line,
          });
          break;
        }
      }
    }
    return out;
  },
};
