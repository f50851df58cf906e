/** What "matches" means for each evaluated operator: String equality (optionally ignoring case), StringLike wildcards, Bool, ARNs. */
import type { OperatorSpec } from './operators.js';
import { equalsIgnoreCase } from './case-fold.js';
import { literalUnits, matchUnits, type PatternUnit } from './wildcard.js';

export { equalsIgnoreCase } from './case-fold.js';

const COLON = 58;

function splitArn(units: readonly PatternUnit[]): PatternUnit[][] {
  const parts: PatternUnit[][] = [[]];
  for (const u of units) {
    if (u === COLON && parts.length < 6) parts.push([]);
    else parts[parts.length - 1]!.push(u);
  }
  return parts;
}

/** ArnLike/ArnEquals: each of the six colon-separated components matched separately, wildcards allowed. */
function arnMatches(units: readonly PatternUnit[], value: string): boolean {
  const patternParts = splitArn(units);
  const valueParts = splitArn(literalUnits(value));
  if (patternParts.length !== valueParts.length) return false;
  return patternParts.every((part, i) =>
    matchUnits(part, valueParts[i]!.map((u) => String.fromCodePoint(u)).join('')),
  );
}

const isBoolean = (text: string): boolean => /^(true|false)$/i.test(text);

/** The positive form of the operator: does this context value match this (resolved) policy value? */
export function positiveMatch(op: OperatorSpec, policy: { text: string; units: PatternUnit[] }, contextValue: string): boolean {
  switch (op.base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return policy.text === contextValue;
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return equalsIgnoreCase(policy.text, contextValue);
    case 'StringLike':
    case 'StringNotLike':
      return matchUnits(policy.units, contextValue);
    case 'Bool':
      // Boolean matching: both sides must be "true" or "false" (any case); anything else matches nothing.
      return isBoolean(policy.text) && isBoolean(contextValue) && policy.text.toLowerCase() === contextValue.toLowerCase();
    case 'ArnEquals':
    case 'ArnLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return arnMatches(policy.units, contextValue);
    default:
      return false;
  }
}
