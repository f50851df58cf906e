/** What a lint finding is, the catalogue of rules (id, severity, summary), and the collector that drops repeats. */

export type LintSeverity = 'error' | 'warning';

export interface LintFinding {
  /** Stable identifier, e.g. `no-sub-condition`. */
  readonly ruleId: LintRuleId;
  readonly severity: LintSeverity;
  readonly message: string;
  /** JSON path, e.g. `$.Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"]`. */
  readonly path: string;
}

export interface LintOptions {
  /** The audience the action requests; default `sts.amazonaws.com`. */
  readonly audience?: string;
  /** The expected issuer; default: any GitHub issuer (github.com, an enterprise slug, GHES). */
  readonly issuer?: string;
  /** The account's "Role trust policy length" quota; default IAM's 2,048 (see size.ts). */
  readonly sizeQuota?: number;
  /** The role the policy belongs to, where known: a Federated provider in another account or partition is an error. */
  readonly roleArn?: string;
}

/** The rules, with their severity and what they catch. */
export const LINT_RULES = {
  'invalid-policy': { severity: 'error', summary: 'the document is not a valid trust policy (the message names the JSON path)' },
  'no-sub-condition': { severity: 'error', summary: 'an Allow statement for the GitHub provider has no sub condition: any repository on GitHub can assume the role' },
  'sub-wildcard-owner': { severity: 'error', summary: 'a sub wildcard before the end of the owner name (`*`, `repo:*`, `repo:org*`): repositories of other owners match' },
  'sub-wildcard-repository': { severity: 'error', summary: 'a sub wildcard in the repository name (`repo:org/*`): every repository of the owner matches, including future ones' },
  'never-matches': { severity: 'error', summary: 'a condition that can never hold: a wildcard in StringEquals, a malformed subject, a key STS never provides, an empty value list' },
  'principal-not-github': { severity: 'error', summary: 'a principal that is not the GitHub OIDC provider (another provider, a malformed ARN, or "*")' },
  'provider-other-account': { severity: 'error', summary: 'a Federated provider in another account or partition than the role: STS never matches it' },
  'aud-missing': { severity: 'warning', summary: 'no aud condition: tokens minted for any audience are accepted' },
  'aud-mismatch': { severity: 'warning', summary: 'the aud condition does not admit the audience the action sends (default sts.amazonaws.com)' },
  'for-all-values-in-allow': { severity: 'warning', summary: 'ForAllValues: in an Allow statement is true when the key is absent or misspelled' },
  'pull-request-with-protected': { severity: 'warning', summary: 'the role admits pull_request subjects and also an environment or branch/tag' },
  'name-only-sub': { severity: 'warning', summary: 'a name-only sub (`repo:owner/name:…`) does not match the immutable `repo:owner@id/name@id:…` subjects newer repositories get' },
  'custom-subject': { severity: 'warning', summary: 'a sub that only matches a customised subject template (it does not start with `repo:`)' },
  'unknown-condition-key': { severity: 'warning', summary: 'a condition key STS never provides, under an operator that then always holds (no effect)' },
  'unresolved-placeholder': { severity: 'warning', summary: 'an unrendered template placeholder (`${var.x}`, `<ACCOUNT_ID>`, `$VAR`): lint the rendered policy' },
  'policy-too-large': { severity: 'error', summary: 'longer than the role trust policy quota (2,048 characters without whitespace unless raised; 4,096 at most): IAM refuses it with LimitExceeded' },
  'policy-near-size-limit': { severity: 'warning', summary: 'at 90 % or more of the role trust policy quota: the next subjects may not fit' },
} as const satisfies Record<string, { severity: LintSeverity; summary: string }>;

export type LintRuleId = keyof typeof LINT_RULES;

/** Collects findings in order, once each (the same rule, path and message). */
export class Findings {
  readonly list: LintFinding[] = [];
  private readonly seen = new Set<string>();
  add(ruleId: LintRuleId, path: string, message: string): void {
    const id = `${ruleId}\u0000${path}\u0000${message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.list.push({ ruleId, severity: LINT_RULES[ruleId].severity, message, path });
  }
}
