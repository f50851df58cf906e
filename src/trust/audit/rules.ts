/**
 * Every rule the audit reports, with what code scanning shows for it: the lint rules (lint.ts) and
 * the audit's own findings about reading infrastructure code.
 */
import { LINT_RULES } from '../lint.js';
import type { AuditSeverity } from './types.js';

export interface RuleInfo {
  readonly id: string;
  readonly severity: AuditSeverity;
  readonly summary: string;
  /** Why it matters and how to fix it (Markdown). */
  readonly help: string;
}

const PIN = 'Pin the subject to one repository and what may deploy: `"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:OWNER/REPO:environment:production"}`, or generate the policy with `keyless trust-policy generate`.';

const HELP: Record<string, string> = {
  'invalid-policy': 'IAM rejects this document, or the audit could not read it as a trust policy. The message names the JSON path of the problem.',
  'no-sub-condition': `Without a condition on \`sub\`, any workflow in any repository on GitHub can get a token that this role accepts. ${PIN}`,
  'sub-wildcard-owner': `A wildcard before the end of the owner name matches repositories of other GitHub users and organisations, who can then assume this role. ${PIN}`,
  'sub-wildcard-repository': `A wildcard in the repository name admits every repository of the owner, including repositories created later by anyone allowed to create one. ${PIN}`,
  'never-matches': 'This condition can never hold for a GitHub token (a wildcard under StringEquals, a malformed subject, a key STS never provides), so the statement never applies and deployments fail with "Not authorized to perform sts:AssumeRoleWithWebIdentity".',
  'principal-not-github': 'The principal is not the GitHub Actions OIDC provider: `{"Federated": "arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com"}`.',
  'provider-other-account': 'STS looks for the OIDC provider in the account of the role being assumed. A `Federated` principal naming a provider in another account (or partition) never matches, so the statement never applies. Create the provider in the role\'s account and name that one.',
  'aud-missing': 'Without an `aud` condition, tokens minted for any audience (for another cloud or service) are accepted. Add `"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}`.',
  'aud-mismatch': 'The `aud` condition does not admit the audience the action requests (its `audience` input, default `sts.amazonaws.com`), so its tokens are denied.',
  'for-all-values-in-allow': '`ForAllValues:` is true when the key is absent or misspelled, so in an Allow statement it can admit more than intended. GitHub claims are single-valued: drop the qualifier.',
  'pull-request-with-protected': 'Pull request workflows run code proposed before review. A role that admits them and also an environment or a protected branch lets unreviewed code act with the same permissions: give pull requests their own role.',
  'name-only-sub': 'Repositories created, renamed or transferred since 2026-07-15 get subjects in the immutable form `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`, which a name-only subject does not match. Add the immutable form (`keyless trust-policy generate --owner-id … --repository-id …`).',
  'custom-subject': 'This subject only matches if the organisation or repository customised its OIDC subject template; with the default template, subjects start with `repo:`.',
  'unknown-condition-key': 'STS never provides this key for GitHub tokens, and the operator is true on an absent key, so the condition checks nothing.',
  'unresolved-placeholder': 'The value is an unrendered template (`${var.x}`, `<ACCOUNT_ID>`, `$VAR`). Audit the rendered policy (a Terraform plan, the deployed role with `--live`) to check it.',
  'unresolved-value': 'The audit could not work out this value from the file alone (a parameter without Default, another stack\'s export, an attribute of another resource, a value Terraform knows only after apply). Lint findings around it may be incomplete: audit the deployed role with `keyless trust-policy audit --live`.',
  'parameter-default': 'The template does not set this parameter; the audit checked the policy with the parameter\'s Default. A stack may be deployed with another value: audit it with `--live`.',
  'template-conditions': 'The policy changes with the template\'s Conditions (Fn::If); the audit checked every combination of the conditions it uses.',
};

const AUDIT_RULES: readonly RuleInfo[] = [
  { id: 'unresolved-value', severity: 'warning', summary: 'a value in the trust policy that cannot be resolved from the file alone', help: HELP['unresolved-value']! },
  { id: 'parameter-default', severity: 'note', summary: 'a CloudFormation parameter checked with its Default', help: HELP['parameter-default']! },
  { id: 'template-conditions', severity: 'note', summary: 'a trust policy that depends on CloudFormation Conditions: every variant checked', help: HELP['template-conditions']! },
];

/** All rules, lint's first, in a stable order (SARIF rule indexes depend on it). */
export const RULES: readonly RuleInfo[] = [
  ...Object.entries(LINT_RULES).map(([id, rule]) => ({ id, severity: rule.severity as AuditSeverity, summary: rule.summary, help: HELP[id] ?? rule.summary })),
  ...AUDIT_RULES,
];

export function ruleInfo(id: string): RuleInfo {
  return RULES.find((r) => r.id === id) ?? { id, severity: 'warning', summary: id, help: id };
}
