/** `unreviewed-path` (warning): any writer can obtain the role with no review GitHub enforces. */
import { pathText, q } from '../path-text.js';
import { pathPlace, type ReachFinding, type ReachRule } from './rule.js';

export const unreviewedPath: ReachRule = {
  id: 'unreviewed-path',
  severity: 'warning',
  summary: 'Any writer can obtain the role with no review GitHub enforces.',
  help:
    'A job the role admits can be started by anyone with write access (a push, `workflow_dispatch`, a pull request from a branch, ' +
    'or a workflow of their own on a new branch) with no environment with required reviewers and no rule GitHub enforces on the ' +
    'admitted ref. Fix: use an environment with required reviewers and admit only `…:environment:NAME`, or admit only a ref that ' +
    'a branch rule or ruleset protects.',
  check: ({ roles }) => {
    const out: ReachFinding[] = [];
    for (const r of roles) {
      const seen = new Set<string>();
      for (const p of r.paths) {
        if (p.starter.kind !== 'writer' || p.gates.reviewed || p.gates.ruled) continue;
        const key = `${p.job.workflow.path}\u0000${p.job.job.id}\u0000${p.run.claims.sub}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const text = pathText(p, r.role.role);
        out.push({
          rule: 'unreviewed-path',
          severity: 'warning',
          message: `${p.starter.who} can obtain ${q(r.role.role)} with no enforced review: ${text}`,
          ...pathPlace(p, r.role.role),
          route: text,
        });
      }
      for (const b of r.beyond) {
        out.push({
          rule: 'unreviewed-path',
          severity: 'warning',
          message: `${q(r.role.role)} also admits ${b.what} in ${q(b.repository)} (sub ${q(b.sub)}): no workflow given produces that run, and nothing GitHub enforces stops it`,
          role: r.role.role,
          subject: b.sub,
          ...(r.role.source.file !== undefined ? { file: r.role.source.file } : {}),
          ...(r.role.source.line !== undefined ? { line: r.role.source.line } : {}),
        });
      }
    }
    return out;
  },
};
