/**
 * IAM condition evaluation: the String operators, Null, Bool and the Arn operators, each with the
 * `IfExists` suffix and the `ForAnyValue:`/`ForAllValues:` qualifiers; policy variables in
 * `"Version": "2012-10-17"` documents (`${key}`, `${key, 'default'}`, and `${*}`, `${?}`, `${$}` for the
 * literal characters).
 *
 * Rules (IAM User Guide, "Condition operators" and "Multivalued context keys"):
 * - condition key names are case-insensitive, values case-sensitive (except the IgnoreCase operators);
 * - several values for one key are ORed; for a negated operator the key must match none of them;
 * - several keys in one operator, and several operators, are ANDed;
 * - an absent key makes a positive operator false and a negated one true; `…IfExists` is true on an
 *   absent key (with a set qualifier too); `ForAllValues:` is true and `ForAnyValue:` false on an absent
 *   key; these hold for the operators not evaluated here (Numeric…, Date…) as well;
 * - a key with several values in the request (an `aud` array) used with an operator without a set
 *   qualifier matches nothing, negated or not (a multivalued key needs a set qualifier);
 * - a value whose policy variable cannot be resolved compares false (for a negated operator, that
 *   makes the condition false); the other values still count.
 * The README's "Undecided cases" table gives the source of each choice the documentation leaves open.
 *
 * This module owns those rules; what one value matching means is in condition-match.ts, policy
 * variables in policy-variables.ts, the wording in condition-messages.ts.
 */
import { contextFromKeys, type RequestContext } from './keys.js';
import { parseConditionElement, type ParsedConditionBlock, type ParsedConditionEntry } from './policy.js';
import type { OperatorSpec } from './operators.js';
import type { PatternUnit } from './wildcard.js';
import { positiveMatch } from './condition-match.js';
import { absentMessage, mismatchHint, show, verb } from './condition-messages.js';
import { resolvePolicyValue } from './policy-variables.js';

export { mismatchHint } from './condition-messages.js';
export { resolvePolicyValue } from './policy-variables.js';

/** Why a condition did not hold. */
export interface ConditionFailure {
  /** The condition key as written in the policy. */
  readonly key: string;
  /** The operator as written in the policy. */
  readonly operator: string;
  readonly policyValues: string[];
  /** The token's value for the key: null when the key is not in the request context. */
  readonly tokenValue: string | string[] | null;
  readonly message: string;
  /** JSON path of the condition key in the policy. */
  readonly path: string;
  /** True when the operator is valid IAM but not evaluated locally (Numeric…, Date…, IpAddress…). */
  readonly notEvaluated?: boolean;
}

export interface ConditionOutcome {
  readonly holds: boolean;
  /** The first condition that did not hold (when `holds` is false). */
  readonly failure?: ConditionFailure;
  /** Conditions that could not be evaluated locally and were assumed to hold (Deny statements). */
  readonly assumed?: ConditionFailure[];
}

export interface ConditionOptions {
  /** The policy's Version; policy variables are resolved only for "2012-10-17". */
  readonly version?: string;
  /**
   * How to treat an operator this engine does not evaluate: `'fail'` (default: the condition does not
   * hold, as for an Allow statement, so the local verdict errs towards deny) or `'hold'` (as for a
   * Deny statement, same reason).
   */
  readonly unevaluated?: 'fail' | 'hold';
}

function tokenValueOf(values: readonly string[] | undefined): string | string[] | null {
  if (!values) return null;
  return values.length === 1 ? values[0]! : [...values];
}

/** `aws:…` and `sts:…` keys: AWS puts them in the request context, the token does not. */
function isServiceKey(key: string): boolean {
  return /^(aws|sts):/i.test(key);
}

type EntryResult = { holds: boolean; message: string; notEvaluated?: boolean; tokenValue: string | string[] | null };

/** Null: "true" holds when the key is absent, "false" when it is present. */
function evaluateNull(
  entry: ParsedConditionEntry,
  values: readonly string[],
  present: boolean,
  contextValues: readonly string[] | undefined,
  tokenValue: string | string[] | null,
): EntryResult {
  const holds = values.some((v) => (v.toLowerCase() === 'true' ? !present : v.toLowerCase() === 'false' ? present : false));
  if (holds) return { holds, tokenValue, message: '' };
  const bad = values.filter((v) => !/^(true|false)$/i.test(v));
  return {
    holds,
    tokenValue,
    message:
      bad.length === values.length
        ? `Null takes "true" or "false", got ${show(values)}`
        : present
          ? `Null ${show(values)} requires "${entry.key}" to be absent, but the token has ${show(contextValues ?? [])}`
          : `Null ${show(values)} requires "${entry.key}" to be present, but the token has no such value`,
  };
}

/** Evaluates one key of one operator block. */
function evaluateEntry(
  op: OperatorSpec,
  entry: ParsedConditionEntry,
  context: RequestContext,
  options: ConditionOptions,
): EntryResult {
  const contextEntry = context.get(entry.key.toLowerCase());
  const present = contextEntry !== undefined && contextEntry.values.length > 0;
  const tokenValue = tokenValueOf(contextEntry?.values);
  const values = entry.values;

  if (op.base === 'Null') return evaluateNull(entry, values, present, contextEntry?.values, tokenValue);

  // The absent-key rules hold for every operator, evaluated here or not: a Deny with NumericLessThan
  // on a claim the token lacks does not apply. Service keys (aws:CurrentTime, sts:…) are set by AWS,
  // not by the token, so their absence here says nothing.
  if (!present && (op.evaluated || !isServiceKey(entry.key))) {
    if (op.ifExists) return { holds: true, tokenValue, message: '' };
    if (op.set === 'ForAllValues') return { holds: true, tokenValue, message: '' };
    if (op.set === 'ForAnyValue') {
      return { holds: false, tokenValue, message: `ForAnyValue: is false when the key is absent: ${absentMessage(entry.key)}` };
    }
    if (op.negated) return { holds: true, tokenValue, message: '' };
    return { holds: false, tokenValue, message: `${absentMessage(entry.key)}; a positive operator on an absent key is false` };
  }

  if (!op.evaluated) {
    const holds = options.unevaluated === 'hold';
    return {
      holds,
      notEvaluated: true,
      tokenValue,
      message: `${op.name} is valid IAM but not evaluated locally; assumed ${holds ? 'to hold (Deny statement)' : 'not to hold (Allow statement)'}`,
    };
  }

  const tokenValues = contextEntry!.values;
  // A key with several values needs ForAnyValue:/ForAllValues:; without one, no value matches (README, "Undecided cases").
  if (op.set === undefined && tokenValues.length > 1) {
    return {
      holds: false,
      tokenValue,
      message: `${op.name} without ForAnyValue: or ForAllValues: does not match a key with several values (the token has ${show(tokenValues)})`,
    };
  }

  // A value whose policy variable cannot be resolved compares false; the other values still count.
  const resolved: { text: string; units: PatternUnit[] }[] = [];
  let unresolved: string | undefined;
  for (const value of values) {
    const r = resolvePolicyValue(value, op, context, options.version);
    if (r.ok) resolved.push(r);
    else unresolved ??= r.variable;
  }
  const matchesAny = (cv: string): boolean => resolved.some((pv) => positiveMatch(op, pv, cv));
  const compares = (cv: string): boolean => (op.negated ? unresolved === undefined && !matchesAny(cv) : matchesAny(cv));
  const holds = op.set === 'ForAnyValue' ? tokenValues.some(compares) : tokenValues.every(compares);
  if (holds) return { holds, tokenValue, message: '' };

  let message: string;
  if (unresolved !== undefined && (op.negated || resolved.length === 0)) {
    message = `policy variable ${unresolved} cannot be resolved from the token, which makes the comparison with its value false`;
  } else if (values.length === 0) {
    message = `${op.name} lists no values for "${entry.key}", so nothing can match`;
  } else if (op.negated) {
    const hit = tokenValues.find(matchesAny)!;
    message = `${op.name}: the token's ${JSON.stringify(hit)} must not ${verb(op)} ${show(values)}, but it does`;
  } else if (op.set === 'ForAllValues') {
    const miss = tokenValues.find((cv) => !matchesAny(cv))!;
    message = `${op.name}: the token's ${JSON.stringify(miss)} does not ${verb(op)} ${show(values)}`;
  } else {
    const token = tokenValues.length === 1 ? JSON.stringify(tokenValues[0]) : show(tokenValues);
    message = `${op.name}: the token's ${token} does not ${verb(op)} ${values.length > 1 ? 'any of ' : ''}${show(values)}`;
  }
  if (!op.negated) {
    const hint = mismatchHint(op, entry.key, values, tokenValues);
    if (hint) message += ` (${hint})`;
  }
  return { holds, tokenValue, message };
}

/** Evaluates parsed condition blocks (ANDed) against a request context; reports the first that fails. */
export function evaluateConditionBlocks(
  blocks: readonly ParsedConditionBlock[],
  context: RequestContext,
  options: ConditionOptions = {},
): ConditionOutcome {
  const assumed: ConditionFailure[] = [];
  for (const block of blocks) {
    for (const entry of block.entries) {
      const result = evaluateEntry(block.operator, entry, context, options);
      const detail: ConditionFailure = {
        key: entry.key,
        operator: block.operator.name,
        policyValues: [...entry.values],
        tokenValue: result.tokenValue,
        message: result.message,
        path: entry.path,
        ...(result.notEvaluated ? { notEvaluated: true } : {}),
      };
      if (!result.holds) return { holds: false, failure: detail, ...(assumed.length ? { assumed } : {}) };
      if (result.notEvaluated) assumed.push(detail);
    }
  }
  return { holds: true, ...(assumed.length ? { assumed } : {}) };
}

/**
 * Evaluates a bare `Condition` element against condition keys and their values, e.g.
 * `evaluateCondition({StringLike: {"token.actions.githubusercontent.com:sub": "repo:o/r:*"}},
 * {"token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main"})`.
 */
export function evaluateCondition(
  condition: unknown,
  context: Record<string, string | readonly string[] | null | undefined> | RequestContext,
  options: ConditionOptions = {},
): ConditionOutcome {
  const blocks = parseConditionElement(condition, '$.Condition');
  const ctx = context instanceof Map ? (context as RequestContext) : contextFromKeys(context as Record<string, string | readonly string[] | null | undefined>);
  return evaluateConditionBlocks(blocks, ctx, options);
}
