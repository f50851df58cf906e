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
 *   absent key; `ForAllValues:` is true and `ForAnyValue:` false on an absent key;
 * - a key with several values in the request (an `aud` array) used with an operator without a set
 *   qualifier holds when any of its values matches (negated: when none does).
 */
import { contextFromKeys, isContextClaim, splitKey, type RequestContext } from './keys.js';
import { parseConditionElement, type ParsedConditionBlock, type ParsedConditionEntry } from './policy.js';
import type { OperatorSpec } from './operators.js';
import { compileStringLike, literalUnits, matchUnits, type PatternUnit } from './wildcard.js';

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

type Resolved = { ok: true; text: string; units: PatternUnit[] } | { ok: false; variable: string };

/** Splits the inside of `${…}` into key and optional quoted default. */
function parseVariable(inner: string): { key: string; fallback?: string } | undefined {
  const comma = inner.indexOf(',');
  if (comma < 0) {
    const key = inner.trim();
    return key === '' || /\s/.test(key) ? undefined : { key };
  }
  const key = inner.slice(0, comma).trim();
  const rest = inner.slice(comma + 1).trim();
  if (key === '' || !rest.startsWith("'") || !rest.endsWith("'") || rest.length < 2) return undefined;
  return { key, fallback: rest.slice(1, -1).replace(/''/g, "'") };
}

/** Finds the `}` closing a `${` at `start`, honouring quoted defaults. */
function closingBrace(value: string, start: number): number {
  let inQuote = false;
  for (let i = start + 2; i < value.length; i++) {
    const c = value[i];
    if (c === "'") inQuote = !inQuote;
    else if (c === '}' && !inQuote) return i;
  }
  return -1;
}

/** Resolves one policy value against the context: variables substituted, wildcards compiled. */
export function resolvePolicyValue(value: string, op: OperatorSpec, context: RequestContext, version?: string): Resolved {
  const variables = version === '2012-10-17' && op.takesVariables && value.includes('${');
  if (!variables) {
    return { ok: true, text: value, units: op.wildcards ? compileStringLike(value) : literalUnits(value) };
  }
  let text = '';
  const units: PatternUnit[] = [];
  const pushRaw = (chunk: string): void => {
    text += chunk;
    units.push(...(op.wildcards ? compileStringLike(chunk) : literalUnits(chunk)));
  };
  const pushLiteral = (chunk: string): void => {
    text += chunk;
    units.push(...literalUnits(chunk));
  };
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf('${', i);
    if (start < 0) {
      pushRaw(value.slice(i));
      break;
    }
    pushRaw(value.slice(i, start));
    const end = closingBrace(value, start);
    if (end < 0) {
      pushRaw(value.slice(start));
      break;
    }
    const inner = value.slice(start + 2, end);
    if (inner === '*' || inner === '?' || inner === '$') {
      pushLiteral(inner);
    } else {
      const variable = parseVariable(inner);
      if (!variable) return { ok: false, variable: value.slice(start, end + 1) };
      const entry = context.get(variable.key.toLowerCase());
      if (entry && entry.values.length === 1) pushLiteral(entry.values[0]!);
      else if (variable.fallback !== undefined) pushLiteral(variable.fallback);
      else return { ok: false, variable: value.slice(start, end + 1) };
    }
    i = end + 1;
  }
  return { ok: true, text, units };
}

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

/** The positive form of the operator: does this context value match this (resolved) policy value? */
function positiveMatch(op: OperatorSpec, policy: { text: string; units: PatternUnit[] }, contextValue: string): boolean {
  switch (op.base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return policy.text === contextValue;
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return policy.text.toLowerCase() === contextValue.toLowerCase();
    case 'StringLike':
    case 'StringNotLike':
      return matchUnits(policy.units, contextValue);
    case 'Bool':
      return policy.text.toLowerCase() === contextValue.toLowerCase();
    case 'ArnEquals':
    case 'ArnLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return arnMatches(policy.units, contextValue);
    default:
      return false;
  }
}

function show(values: readonly string[]): string {
  return values.length === 1 ? JSON.stringify(values[0]) : `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

function verb(op: OperatorSpec): string {
  if (op.base.includes('Like')) return 'match';
  if (op.base === 'Bool') return 'equal';
  return op.ignoreCase ? 'equal (ignoring case)' : 'equal';
}

/** Extra explanation for the common real-world mismatches. */
export function mismatchHint(op: OperatorSpec, key: string, policyValues: readonly string[], tokenValues: readonly string[]): string | undefined {
  const claim = splitKey(key)?.claim.toLowerCase();
  if (!op.wildcards && !op.negated && policyValues.some((v) => v.includes('*') || v.includes('?'))) {
    return `${op.base} compares literally: "*" and "?" are not wildcards here (use StringLike)`;
  }
  if (claim !== 'sub') {
    if (claim === 'aud' && tokenValues.some((v) => v.startsWith('https://github.com/'))) {
      return 'the token carries GitHub\'s default audience; the action must request the audience the policy expects (input "audience")';
    }
    return undefined;
  }
  const token = tokenValues[0] ?? '';
  if (!op.negated && !op.ignoreCase && policyValues.some((v) => v.toLowerCase() === token.toLowerCase())) {
    return 'the values differ only in letter case, and StringEquals/StringLike are case-sensitive';
  }
  const immutable = /^repo:[^/:]+@\d+\/[^/:]+@\d+:/.test(token);
  if (immutable && policyValues.every((v) => !/^repo:[^/:]*@/.test(v))) {
    return 'the token uses the immutable subject form repo:OWNER@OWNER_ID/REPO@REPO_ID:…, but the policy only lists the name-only form repo:OWNER/REPO:… (repositories created, renamed or transferred since 2026-07-15 get the immutable form)';
  }
  if (!immutable && /^repo:[^/:]+\/[^/:]+:/.test(token) && policyValues.length > 0 && policyValues.every((v) => /^repo:[^/:]+@\d+\//.test(v))) {
    return 'the policy lists only the immutable subject form repo:OWNER@ID/REPO@ID:…, but this token has the name-only form';
  }
  if (/:environment:/.test(token) && policyValues.every((v) => !v.includes(':environment:') && v.includes(':ref:'))) {
    return 'a job that references an environment gets "environment:NAME" in its subject instead of the ref';
  }
  if (token.endsWith(':pull_request') && policyValues.every((v) => !v.includes('pull_request') && !v.endsWith('*'))) {
    return 'pull_request runs get the subject "repo:OWNER/REPO:pull_request", without the branch';
  }
  if (token !== '' && !token.startsWith('repo:') && policyValues.some((v) => v.startsWith('repo:'))) {
    return 'this token has a customised subject template (it does not start with "repo:")';
  }
  return undefined;
}

function absentMessage(key: string): string {
  const split = splitKey(key);
  if (split && !isContextClaim(split.claim)) {
    return `"${key}" is not a key STS puts in the request context (for GitHub tokens: <provider>:aud, :sub, :actor, :actor_id, :job_workflow_ref, :repository, :repository_id, :workflow, :ref, :environment, :enterprise_id), so it is always absent`;
  }
  if (split && split.provider.toLowerCase().startsWith('aws')) {
    return `"${key}" is not in the token's request context (AWS global keys are not evaluated locally)`;
  }
  return `the token has no value for "${key}" (the claim is absent, or the key's provider prefix is not this token's issuer)`;
}

function tokenValueOf(values: readonly string[] | undefined): string | string[] | null {
  if (!values) return null;
  return values.length === 1 ? values[0]! : [...values];
}

/** Evaluates one key of one operator block. */
function evaluateEntry(
  op: OperatorSpec,
  entry: ParsedConditionEntry,
  context: RequestContext,
  options: ConditionOptions,
): { holds: boolean; message: string; notEvaluated?: boolean; tokenValue: string | string[] | null } {
  const contextEntry = context.get(entry.key.toLowerCase());
  const present = contextEntry !== undefined && contextEntry.values.length > 0;
  const tokenValue = tokenValueOf(contextEntry?.values);
  const values = entry.values;

  if (!op.evaluated) {
    const holds = options.unevaluated === 'hold';
    return {
      holds,
      notEvaluated: true,
      tokenValue,
      message: `${op.name} is valid IAM but not evaluated locally; assumed ${holds ? 'to hold (Deny statement)' : 'not to hold (Allow statement)'}`,
    };
  }

  if (op.base === 'Null') {
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
            ? `Null ${show(values)} requires "${entry.key}" to be absent, but the token has ${show(contextEntry!.values)}`
            : `Null ${show(values)} requires "${entry.key}" to be present, but the token has no such value`,
    };
  }

  if (!present) {
    if (op.ifExists) return { holds: true, tokenValue, message: '' };
    if (op.set === 'ForAllValues') return { holds: true, tokenValue, message: '' };
    if (op.set === 'ForAnyValue') {
      return { holds: false, tokenValue, message: `ForAnyValue: is false when the key is absent: ${absentMessage(entry.key)}` };
    }
    if (op.negated) return { holds: true, tokenValue, message: '' };
    return { holds: false, tokenValue, message: `${absentMessage(entry.key)}; a positive operator on an absent key is false` };
  }

  const resolved: { text: string; units: PatternUnit[] }[] = [];
  for (const value of values) {
    const r = resolvePolicyValue(value, op, context, options.version);
    if (!r.ok) {
      return { holds: false, tokenValue, message: `policy variable ${r.variable} cannot be resolved from the token, which makes the statement not apply` };
    }
    resolved.push(r);
  }
  const matchesAny = (cv: string): boolean => resolved.some((pv) => positiveMatch(op, pv, cv));
  const tokenValues = contextEntry!.values;
  let holds: boolean;
  if (op.set === 'ForAllValues') holds = tokenValues.every((cv) => (op.negated ? !matchesAny(cv) : matchesAny(cv)));
  else if (op.set === 'ForAnyValue') holds = tokenValues.some((cv) => (op.negated ? !matchesAny(cv) : matchesAny(cv)));
  else holds = op.negated ? !tokenValues.some(matchesAny) : tokenValues.some(matchesAny);
  if (holds) return { holds, tokenValue, message: '' };

  let message: string;
  if (values.length === 0) {
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

