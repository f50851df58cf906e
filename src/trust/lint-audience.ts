/** Audience rules: aud-missing when no aud condition applies, aud-mismatch when one does not admit the action's audience. */
import type { OperatorSpec } from './operators.js';
import type { ParsedConditionEntry, ParsedStatement } from './policy.js';
import { viewValue } from './subject.js';
import { compileStringLike, literalUnits, matchUnits } from './wildcard.js';
import type { Findings } from './lint-findings.js';

/** An aud condition under a positive String operator. */
export interface AudienceCondition {
  readonly op: OperatorSpec;
  readonly entry: ParsedConditionEntry;
}

export function lintAudience(s: ParsedStatement, prefix: string, audience: string, audValues: readonly AudienceCondition[], out: Findings): void {
  if (audValues.length === 0) {
    out.add(
      'aud-missing',
      s.conditions.length > 0 ? s.conditionPath : s.path,
      `no condition on "${prefix}:aud": tokens minted for any audience are accepted. Add "StringEquals": {"${prefix}:aud": "${audience}"}`,
    );
  } else {
    for (const { op, entry } of audValues) {
      const admits = entry.values.some((v) => {
        if (op.wildcards) return matchUnits(compileStringLike(v), audience);
        if (op.ignoreCase) return v.toLowerCase() === audience.toLowerCase();
        return matchUnits(literalUnits(v), audience);
      });
      const templated = entry.values.some((v) => viewValue(v).templates.length > 0);
      if (!admits && !templated && entry.values.length > 0) {
        out.add(
          'aud-mismatch',
          entry.path,
          `"${entry.key}" admits ${entry.values.map((v) => JSON.stringify(v)).join(', ')}, but the action requests the audience "${audience}" (its "audience" input): its tokens will be denied`,
        );
      }
    }
  }
}
