/**
 * IAM's size limit for role trust policies, as CreateRole and UpdateAssumeRolePolicy enforce it:
 * the account quota "Role trust policy length" (ACLSizePerRole, Service Quotas code L-C07B4B0D),
 * 2,048 characters by default, raisable through Service Quotas (up to 4,096 is approved
 * automatically). IAM counts the document without whitespace ("in non-whitespace characters",
 * as GetAccountSummary puts AssumeRolePolicySizeQuota), so indentation is free and long values
 * are not. Over the quota IAM answers HTTP 409 "LimitExceeded: Cannot exceed quota for
 * ACLSizePerRole: 2048". Pure.
 */

/** The quota every account starts with. */
export const DEFAULT_TRUST_POLICY_QUOTA = 2048;
/** The rule ids of the size findings, for callers that leave the size to IAM (or report it themselves). */
export const SIZE_RULE_IDS: ReadonlySet<string> = new Set(['policy-too-large', 'policy-near-size-limit']);
/** The largest quota Service Quotas approves automatically (IAM quotas page, 2026). */
export const AUTO_APPROVED_TRUST_POLICY_QUOTA = 4096;
/** The largest quota `--max-size` accepts: more than any account is known to have been granted. */
export const MAX_STATED_TRUST_POLICY_QUOTA = 8192;
/** A warning from this share of the quota on: one or two more subjects may not fit. */
export const NEAR_LIMIT_SHARE = 0.9;

export interface SizeFinding {
  readonly ruleId: 'policy-too-large' | 'policy-near-size-limit';
  readonly message: string;
}

/**
 * Characters as IAM counts them: the document as JSON with every space, tab, CR and LF removed,
 * inside strings too. (U+00A0 and the other Latin-1 characters a policy may hold do count.)
 */
export function trustPolicySize(document: unknown): number {
  return JSON.stringify(document).replace(/[ \t\r\n]/g, '').length;
}

const n = (value: number): string => value.toLocaleString('en-US');

function limitExceeded(quota: number): string {
  return `CreateRole and UpdateAssumeRolePolicy refuse it with "LimitExceeded: Cannot exceed quota for ACLSizePerRole: ${quota}"`;
}

const SHRINK =
  'shrink it: put the subjects of statements that differ only in sub into one list, use one StringLike pattern for a family of branches or tags, or split the runs across roles';

/**
 * Findings about the policy's size against the account's quota: `quota` when the account's
 * quota is known (stated by the user), else IAM's default. Empty when the size is comfortable.
 */
export function sizeFindings(document: unknown, quota?: number): SizeFinding[] {
  const size = trustPolicySize(document);
  const limit = quota ?? DEFAULT_TRUST_POLICY_QUOTA;
  const counted = `${n(size)} characters (IAM does not count whitespace)`;
  const which = quota !== undefined ? `the stated quota of ${n(limit)}` : `IAM's default quota of ${n(limit)}`;
  if (size > limit) {
    const raisable = size <= AUTO_APPROVED_TRUST_POLICY_QUOTA;
    const fix =
      quota === undefined && raisable
        ? `, unless the account's "Role trust policy length" quota has been raised (Service Quotas, IAM, L-C07B4B0D; up to ${n(AUTO_APPROVED_TRUST_POLICY_QUOTA)} is approved automatically) to at least ${n(size)}. If it has, state the quota (keyless: --max-size N); otherwise ${SHRINK}`
        : raisable
          ? `. Raise the account's "Role trust policy length" quota (Service Quotas, IAM, L-C07B4B0D) to at least ${n(size)}, or ${SHRINK}`
          : limit > AUTO_APPROVED_TRUST_POLICY_QUOTA
            ? `: ${SHRINK}`
            : limit === AUTO_APPROVED_TRUST_POLICY_QUOTA
              ? `; ${n(limit)} is also the most Service Quotas approves automatically: ${SHRINK}`
            : `. That is also more than ${n(AUTO_APPROVED_TRUST_POLICY_QUOTA)}, the most Service Quotas approves automatically: ${SHRINK}`;
    return [{ ruleId: 'policy-too-large', message: `the policy is ${counted}, over ${which}: ${limitExceeded(limit)}${fix}` }];
  }
  if (size >= NEAR_LIMIT_SHARE * limit) {
    const share = Math.floor((size / limit) * 100);
    return [
      {
        ruleId: 'policy-near-size-limit',
        message: `the policy is ${counted}, ${share} % of ${which}: ${n(limit - size)} left before ${limitExceeded(limit)}`,
      },
    ];
  }
  return [];
}
