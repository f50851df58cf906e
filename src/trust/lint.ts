/**
 * Static checks of a GitHub OIDC role trust policy. Every finding has a stable rule id, a severity, a
 * message and the JSON path it points at. Rules are documented in {@link LINT_RULES}.
 *
 * This module walks the statements and assembles the findings; the rules themselves are in
 * lint-principal.ts, lint-conditions.ts, lint-audience.ts and lint-subjects.ts.
 */
import { DEFAULT_AUDIENCE, providerOutsideRole } from './keys.js';
import { parseTrustPolicy, TrustPolicyError, type ParsedStatement } from './policy.js';
import { sizeFindings } from './size.js';
import { lintAudience, type AudienceCondition } from './lint-audience.js';
import { classifyKey, lintEntryValues, lintUntrustedKey } from './lint-conditions.js';
import { Findings, type LintFinding, type LintOptions } from './lint-findings.js';
import { isWebIdentityStatement, lintPrincipal, statementProviders } from './lint-principal.js';
import { lintPolicySubjects, lintSubBreadth, type SubValue } from './lint-subjects.js';

export { LINT_RULES } from './lint-findings.js';
export type { LintFinding, LintOptions, LintRuleId, LintSeverity } from './lint-findings.js';

function lintAllowStatement(s: ParsedStatement, options: LintOptions, out: Findings, policySubs: SubValue[]): void {
  lintPrincipal(s, options.issuer, out);
  const providers = statementProviders(s, options.issuer);
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  let subCondition = false;
  const audValues: AudienceCondition[] = [];
  const subs: SubValue[] = [];

  for (const block of s.conditions) {
    const op = block.operator;
    if (op.set === 'ForAllValues') {
      out.add(
        'for-all-values-in-allow',
        block.path,
        `${op.name} in an Allow statement is true when the key is absent or misspelled, and GitHub claims are single-valued: use ${op.base}${op.ifExists ? 'IfExists' : ''} without "ForAllValues:"`,
      );
    }
    for (const entry of block.entries) {
      const info = classifyKey(entry.key, providers);
      if (info.providerKey && !info.known) {
        // A sub condition for another (GitHub) provider is reported as never matching; not also as missing.
        if (info.claim === 'sub' && !op.negated) subCondition = true;
        lintUntrustedKey(op, entry, info, out);
        continue;
      }
      if (info.known && info.claim === 'sub' && !op.negated && op.base !== 'Null' && op.evaluated) subCondition = true;
      if (info.known && info.claim === 'aud' && !op.negated && op.base.startsWith('String')) audValues.push({ op, entry });
      lintEntryValues(op, entry, info, subs, out);
    }
  }

  const prefix = providers?.[0] ?? 'token.actions.githubusercontent.com';
  if (!subCondition) {
    out.add(
      'no-sub-condition',
      s.conditions.length > 0 ? s.conditionPath : s.path,
      `Allow statement has no condition on "${prefix}:sub": any repository on GitHub can assume this role. Add e.g. "StringEquals": {"${prefix}:sub": "repo:OWNER/REPO:environment:NAME"}`,
    );
  }
  lintAudience(s, prefix, audience, audValues, out);

  for (const sub of subs) lintSubBreadth(sub, out);
  policySubs.push(...subs);
}

/** STS only uses an OIDC provider in the role's own account: one elsewhere never matches. */
function lintProviderAccount(s: ParsedStatement, roleArn: string, out: Findings): void {
  s.principal.federated.forEach((arn, i) => {
    const problem = providerOutsideRole(arn, roleArn);
    if (problem) out.add('provider-other-account', s.principal.federatedPaths[i] ?? s.principalPath, `${problem}; this statement can never match`);
  });
}

/** Lints a trust policy. A malformed document yields one `invalid-policy` error. */
export function lintTrustPolicy(policy: unknown, options: LintOptions = {}): LintFinding[] {
  let parsed;
  try {
    parsed = parseTrustPolicy(policy);
  } catch (error) {
    if (error instanceof TrustPolicyError) {
      return [{ ruleId: 'invalid-policy', severity: 'error', message: error.message, path: error.path }];
    }
    throw error;
  }
  const out = new Findings();
  const subs: SubValue[] = [];
  for (const s of parsed.statements) {
    if (options.roleArn !== undefined) lintProviderAccount(s, options.roleArn, out);
    if (s.effect !== 'Allow' || !isWebIdentityStatement(s)) continue;
    lintAllowStatement(s, options, out, subs);
  }
  lintPolicySubjects(subs, out);
  for (const finding of sizeFindings(parsed.document, options.sizeQuota)) out.add(finding.ruleId, parsed.root, finding.message);
  return out.list;
}

/** True when any finding is an error. */
export function hasLintErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
