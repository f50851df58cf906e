/** The wording of condition outcomes: values as shown, operator verbs, why a key is absent, hints for common mismatches. */
import { CONTEXT_CLAIMS, isContextClaim, splitKey } from './keys.js';
import type { OperatorSpec } from './operators.js';

export function show(values: readonly string[]): string {
  return values.length === 1 ? JSON.stringify(values[0]) : `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

export function verb(op: OperatorSpec): string {
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

export function absentMessage(key: string): string {
  const split = splitKey(key);
  if (split && !isContextClaim(split.claim)) {
    return `"${key}" is not a key STS puts in the request context (for GitHub tokens: <provider>:${CONTEXT_CLAIMS.join(', :')}), so it is always absent`;
  }
  if (split && split.provider.toLowerCase().startsWith('aws')) {
    return `"${key}" is not in the token's request context (AWS global keys are not evaluated locally)`;
  }
  return `the token has no value for "${key}" (the claim is absent, or the key's provider prefix is not this token's issuer)`;
}
