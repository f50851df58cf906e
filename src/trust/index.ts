/**
 * Trust-policy engine: evaluate, lint and generate IAM role trust policies for GitHub Actions OIDC.
 * Pure: no file system, network or environment access.
 */
export { evaluateTrustPolicy, formatDecision, looksLikeTemplate } from './evaluate.js';
export type { EvaluateOptions, StatementReason, StatementResult, TrustDecision } from './evaluate.js';
export { hasLintErrors, lintTrustPolicy, LINT_RULES } from './lint.js';
export type { LintFinding, LintOptions, LintRuleId, LintSeverity } from './lint.js';
export { ACCOUNT_PLACEHOLDER, carriesIds, splitInlineIds, checkedWorkflows, GenerateError, generatedSubjects, generateTrustPolicy } from './generate.js';
export type { GenerateOptions } from './generate.js';
export { parseConditionElement, parseTrustPolicy, TrustPolicyError } from './policy.js';
export type { ParsedPolicy, ParsedStatement, TrustPolicyDocument, TrustPolicyStatement } from './policy.js';
export { evaluateCondition, evaluateConditionBlocks } from './conditions.js';
export type { ConditionFailure, ConditionOptions, ConditionOutcome } from './conditions.js';
export {
  buildRequestContext,
  conditionKeyPrefix,
  CONTEXT_CLAIMS,
  contextFromKeys,
  DEFAULT_AUDIENCE,
  GITHUB_ISSUER,
  parseProviderArn,
  parseRoleArn,
  providerArnMatches,
  providerOfIssuer,
  providerOutsideRole,
  WEB_IDENTITY_ACTION,
} from './keys.js';
export type { ContextEntry, ProviderArn, RequestContext } from './keys.js';
export { parseOperator } from './operators.js';
export type { OperatorSpec } from './operators.js';
export { hasWildcard, matchesStringLike } from './wildcard.js';
export { DEFAULT_TRUST_POLICY_QUOTA, MAX_STATED_TRUST_POLICY_QUOTA, SIZE_RULE_IDS, sizeFindings, trustPolicySize } from './size.js';
export { missingClaims } from './claims-used.js';
export type { MissingClaim } from './claims-used.js';
