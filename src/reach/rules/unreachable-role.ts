/** `unreachable-role` (note): no workflow given obtains the role. */
import { q } from '../path-text.js';
import type { ReachRule } from './rule.js';

export const unreachableRole: ReachRule = {
  id: 'unreachable-role',
  severity: 'note',
  summary: 'No workflow given obtains the role: a stale trust to remove.',
  help:
    'None of the token-requesting jobs in the workflows given produces a run the role admits. If no other repository uses it, ' +
    'remove the trust (or the role); a trust nobody uses is only a door left open. Check the unresolved reusable workflows first.',
  check: ({ roles }) =>
    roles
      .filter((r) => r.paths.length === 0)
      .map((r) => ({
        rule: 'unreachable-role',
        severity: 'note' as const,
        message: r.invalid ? `${q(r.role.role)}: the trust policy cannot be evaluated (${r.invalid})` : `no workflow given obtains ${q(r.role.role)}`,
        role: r.role.role,
        ...(r.role.source.file !== undefined ? { file: r.role.source.file } : {}),
        ...(r.role.source.line !== undefined ? { line: r.role.source.line } : {}),
      })),
};
