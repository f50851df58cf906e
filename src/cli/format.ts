/** Pure formatting of the CLI's reports and JSON documents. */
import type { LintFinding, TrustDecision, TrustPolicyDocument } from '../trust/index.js';
import { formatDecision } from '../trust/index.js';

export const UNVERIFIED_TOKEN_NOTICE = 'the token was only decoded to read its claims; its signature was NOT verified';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function countFindings(findings: readonly LintFinding[]): { errors: number; warnings: number } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}

/** The human lint report. */
export function formatLintReport(file: string, findings: readonly LintFinding[]): string {
  const { errors, warnings } = countFindings(findings);
  if (findings.length === 0) return `${file}: no findings\n`;
  const lines = [`${file}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`];
  const width = Math.max(...findings.map((f) => f.ruleId.length));
  for (const f of findings) {
    lines.push(`  ${f.severity.padEnd(7)} ${f.ruleId.padEnd(width)}  ${f.path}`);
    lines.push(`          ${f.message}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The `--json` lint document. */
export function lintJson(file: string, findings: readonly LintFinding[]): string {
  return `${JSON.stringify({ file, ...countFindings(findings), findings }, null, 2)}\n`;
}

export interface EvaluateInputs {
  readonly policy: string;
  readonly claims?: string;
  readonly token?: string;
}

/** The human evaluate report. */
export function formatEvaluateReport(decision: TrustDecision): string {
  return `${formatDecision(decision)}\n`;
}

/** The `--json` evaluate document: the decision, plus where it came from. */
export function evaluateJson(decision: TrustDecision, inputs: EvaluateInputs): string {
  const input = {
    policy: inputs.policy,
    ...(inputs.claims !== undefined ? { claims: inputs.claims } : {}),
    ...(inputs.token !== undefined ? { token: inputs.token, tokenSignatureVerified: false, notice: UNVERIFIED_TOKEN_NOTICE } : {}),
  };
  return `${JSON.stringify({ ...decision, input }, null, 2)}\n`;
}

/** Notes about a generated policy (placeholders to replace, forms chosen). */
export function generateNotes(options: { account?: string; ownerId?: string; includeNameOnly?: boolean }): string[] {
  const notes: string[] = [];
  if (options.account === undefined) {
    notes.push('Principal.Federated uses the placeholder ACCOUNT_ID: replace it with the 12-digit AWS account id that holds the OIDC provider (or pass --account)');
  }
  if (options.ownerId === undefined) {
    notes.push('subjects use the name-only form repo:OWNER/REPO:…; repositories created, renamed or transferred since 2026-07-15 get repo:OWNER@OWNER_ID/REPO@REPO_ID:… instead (pass --owner-id and --repository-id, from the token\'s repository_owner_id and repository_id claims)');
  } else if (!options.includeNameOnly) {
    notes.push('subjects use the immutable form repo:OWNER@OWNER_ID/REPO@REPO_ID:…; add --include-name-only if this repository still gets name-only subjects');
  }
  return notes;
}

/** The human generate output: the policy itself, as JSON ready to use. */
export function formatGeneratedPolicy(policy: TrustPolicyDocument): string {
  return `${JSON.stringify(policy, null, 2)}\n`;
}

/** The `--json` generate document. */
export function generateJson(policy: TrustPolicyDocument, subjects: readonly string[], notes: readonly string[]): string {
  return `${JSON.stringify({ policy, subjects, notes }, null, 2)}\n`;
}
