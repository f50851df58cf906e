/** Condition key and value rules: keys STS never provides, template placeholders, values that never match. */
import { conditionKeyPrefix, CONTEXT_CLAIMS, ENTERPRISE_REFERENCE_NOTE, isContextClaim, isEnterpriseReferencePrefix, isGitHubProvider, splitKey } from './keys.js';
import { isPositiveRestriction, type OperatorSpec } from './operators.js';
import type { ParsedConditionEntry } from './policy.js';
import { subjectNeverMatches, viewValue } from './subject.js';
import type { Findings } from './lint-findings.js';
import type { SubValue } from './lint-subjects.js';

/** What a condition key names, seen from one statement's trusted providers. */
export interface KeyInfo {
  readonly claim: string;
  /** The key names a provider this statement trusts and a claim STS provides. */
  readonly known: boolean;
  /** The key's prefix looks like an OIDC provider (a host name), as opposed to `aws:`, `sts:`, … */
  readonly providerKey: boolean;
  readonly why?: string;
}

export function classifyKey(key: string, providers: readonly string[] | undefined): KeyInfo {
  const split = splitKey(key);
  if (!split) return { claim: '', known: false, providerKey: false };
  const provider = conditionKeyPrefix(split.provider);
  const claim = split.claim.toLowerCase();
  const providerKey = split.provider.includes('.') || split.provider.includes('/');
  if (!providerKey) return { claim, known: false, providerKey };
  const trusted = providers ? providers.includes(provider) : isGitHubProvider(provider);
  if (!trusted) {
    const note = isEnterpriseReferencePrefix(provider) ? `; ${ENTERPRISE_REFERENCE_NOTE}` : '';
    return {
      claim,
      known: false,
      providerKey,
      why: (providers
        ? `its prefix "${split.provider}" is not the provider this statement trusts (${providers.map((p) => `"${p}"`).join(', ')})`
        : `its prefix "${split.provider}" is not a GitHub OIDC provider (token.actions.githubusercontent.com, …/<enterprise>, or <host>/_services/token)`) + note,
    };
  }
  if (!isContextClaim(claim)) {
    return { claim, known: false, providerKey, why: `STS does not provide "${split.claim}" as a condition key (only ${CONTEXT_CLAIMS.join(', ')})` };
  }
  return { claim, known: true, providerKey };
}

/** A key under a provider prefix that is never in the request context: never-matches or unknown-condition-key. */
export function lintUntrustedKey(op: OperatorSpec, entry: ParsedConditionEntry, info: KeyInfo, out: Findings): void {
  if (isPositiveRestriction(op) || (op.base === 'Null' && entry.values.some((v) => v.toLowerCase() === 'false'))) {
    out.add('never-matches', entry.path, `"${entry.key}" is never in the request context (${info.why}), so ${op.name} on it is always false and this statement never applies`);
  } else {
    out.add('unknown-condition-key', entry.path, `"${entry.key}" is never in the request context (${info.why}), so this ${op.name} condition always holds and checks nothing`);
  }
}

/** Findings on one key's values; the sub values that can match are collected for the subject rules. */
export function lintEntryValues(
  op: OperatorSpec,
  entry: ParsedConditionEntry,
  info: KeyInfo,
  subs: SubValue[],
  out: Findings,
): void {
  if (info.known && op.base === 'Null' && (info.claim === 'sub' || info.claim === 'aud') && entry.values.every((v) => v.toLowerCase() === 'true')) {
    out.add('never-matches', entry.path, `Null "true" requires "${entry.key}" to be absent, but every GitHub token has ${info.claim}`);
  }
  const restricting = !op.negated && op.base !== 'Null';
  entry.values.forEach((value, i) => {
    const path = entry.valuePaths[i]!;
    const view = viewValue(value);
    if (view.templates.length > 0) {
      out.add('unresolved-placeholder', path, `${JSON.stringify(value)} contains the template placeholder ${view.templates.map((t) => JSON.stringify(t)).join(', ')}; lint the rendered policy`);
    }
    if (!restricting || !info.known) return;
    if (!op.wildcards && view.rawWildcard && op.base.startsWith('String')) {
      out.add(
        'never-matches',
        path,
        `${op.name} compares literally, so the "*"/"?" in ${JSON.stringify(value)} is not a wildcard and no token ever carries it: this value never matches${info.claim === 'sub' ? ' (StringLike would make it a wildcard; check that the result is not too broad)' : ''}`,
      );
      return;
    }
    if (info.claim === 'sub' && op.base.startsWith('String')) {
      const never = subjectNeverMatches(view, op.wildcards);
      if (never) {
        out.add('never-matches', path, `sub ${JSON.stringify(value)} never matches: ${never}`);
        return;
      }
      subs.push({ view, op, path, value });
    }
  });
  if (restricting && info.known && entry.values.length === 0) {
    out.add('never-matches', entry.path, `${op.name} lists no values for "${entry.key}", so the condition never holds`);
  }
}
