/** Every reach rule, in report order. */
import { environmentUnprotected } from './environment-unprotected.js';
import { outsiderReachable } from './outsider-reachable.js';
import type { ReachContext, ReachFinding, ReachRule } from './rule.js';
import { subjectMismatch } from './subject-mismatch.js';
import { tokenExposedToUnpinnedAction } from './token-exposed-to-unpinned-action.js';
import { unreachableRole } from './unreachable-role.js';
import { unreviewedPath } from './unreviewed-path.js';

export const REACH_RULES: readonly ReachRule[] = [outsiderReachable, subjectMismatch, unreviewedPath, environmentUnprotected, tokenExposedToUnpinnedAction, unreachableRole];

export function reachFindings(context: ReachContext): ReachFinding[] {
  return REACH_RULES.flatMap((rule) => rule.check(context));
}

export type { ReachContext, ReachFinding, ReachRule, ReachSeverity } from './rule.js';
