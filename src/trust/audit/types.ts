/** What the audit sources find and what the audit reports. */

export type AuditSeverity = 'error' | 'warning' | 'note';

export interface AuditFinding {
  readonly rule: string;
  readonly severity: AuditSeverity;
  readonly message: string;
  /** JSON path in the trust policy, e.g. `$.Statement[0].Condition.StringLike["…:sub"]`. */
  readonly path: string;
}

export type SourceFormat =
  | 'iam-authorization-details'
  | 'iam-list-roles'
  | 'iam-get-role'
  | 'policy'
  | 'terraform-plan'
  | 'cloudformation'
  | 'live';

export interface RoleSource {
  readonly format: SourceFormat;
  /** The file as given (or found in a directory); absent for --live and standard input. */
  readonly file?: string;
  /** 1-based line of the role in the file, where the format has lines. */
  readonly line?: number;
}

/** A role a source found, with its trust policy (one or more variants when the template branches). */
export interface FoundRole {
  /** The role name, ARN or resource address. */
  readonly role: string;
  /** The role's ARN, where the source gives it (IAM output, --live): the provider must be in its account. */
  readonly roleArn?: string;
  readonly source: RoleSource;
  /** The trust policy as a plain document (or the string IAM returned); several for `Fn::If` branches. */
  readonly policies: readonly unknown[];
  /** Line of each JSON path of the policy in the file, where known. */
  readonly lines?: ReadonlyMap<string, number>;
  /** Findings of reading the source itself: unresolved values, parameter defaults used. */
  readonly notes: readonly AuditFinding[];
  /**
   * Whether the role trusts a GitHub OIDC provider, when the source cannot give a policy to decide
   * by; `unknown` when nothing in the source tells (such a role is reported, with why, not skipped).
   */
  readonly trustsGitHub?: boolean | 'unknown';
}

export interface AuditedRole {
  readonly role: string;
  readonly source: RoleSource;
  readonly findings: readonly AuditFinding[];
  /** Line of each finding (same order), where known. */
  readonly findingLines: readonly (number | undefined)[];
}

export interface AuditReport {
  readonly roles: readonly AuditedRole[];
  /** Roles that do not trust a GitHub OIDC provider. */
  readonly skipped: number;
}
