import { matchesStringLike } from '../trust/wildcard.js';

/** One `require-claims` line: the claim holds when any pattern matches (IAM StringLike). */
export interface ClaimRule {
  readonly claim: string;
  readonly patterns: readonly string[];
  /** The line as written, for messages. */
  readonly source: string;
}

export interface ClaimRuleFailure {
  readonly rule: ClaimRule;
  readonly actual: unknown;
}

const CLAIM_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parses the `require-claims` input. Returns the rules, or the problems found (each naming the line).
 * Blank lines and lines starting with `#` are ignored.
 */
export function parseClaimRules(text: string): { rules: ClaimRule[]; problems: string[] } {
  const rules: ClaimRule[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `line ${index + 1} ${JSON.stringify(line)}`;
    const colon = line.indexOf(':');
    if (colon < 0) {
      problems.push(`${where} has no ":"; expected "claim: pattern[, pattern…]", e.g. "repository: octo-org/*"`);
      return;
    }
    const claim = line.slice(0, colon).trim();
    if (!CLAIM_NAME.test(claim)) {
      problems.push(`${where}: ${JSON.stringify(claim)} is not a claim name (letters, digits, "_", "-", ".")`);
      return;
    }
    const patterns = line
      .slice(colon + 1)
      .split(',')
      .map((p) => p.trim());
    if (patterns.some((p) => p === '')) {
      problems.push(`${where}: empty pattern; expected one or more comma-separated patterns after "${claim}:"`);
      return;
    }
    rules.push({ claim, patterns, source: line });
  });
  return { rules, problems };
}

/** Claims that are not strings are compared by their JSON-free string form (numbers, booleans). */
function claimAsString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The first rule the claims do not satisfy, or undefined when all hold. */
export function findFailedClaimRule(
  rules: readonly ClaimRule[],
  claims: Readonly<Record<string, unknown>>,
): ClaimRuleFailure | undefined {
  for (const rule of rules) {
    const actual = claims[rule.claim];
    const values = Array.isArray(actual) ? actual.map(claimAsString) : [claimAsString(actual)];
    const holds = values.some(
      (value) => value !== undefined && rule.patterns.some((pattern) => matchesStringLike(pattern, value)),
    );
    if (!holds) return { rule, actual };
  }
  return undefined;
}
