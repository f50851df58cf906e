/** Pure formatting of the CLI's reports and JSON documents. */
import type { LintFinding, MissingClaim, TrustDecision, TrustPolicyDocument } from '../trust/index.js';
import { carriesIds, formatDecision, sizeFindings } from '../trust/index.js';
import { formatGroups, groupFindings, GROUPED_FINDINGS_NOTE, type GroupableFinding } from './group-findings.js';
import { plural } from '../shared/plural.js';

export const UNVERIFIED_TOKEN_NOTICE = 'the token was only decoded to read its claims; its signature was NOT verified';

export function countFindings(findings: readonly LintFinding[]): { errors: number; warnings: number } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}

/** A lint finding under the CLI's field names (`rule`, as audit has it). */
export function canonicalFinding(f: LintFinding): GroupableFinding {
  return { rule: f.ruleId, severity: f.severity, message: f.message, path: f.path };
}

/** The rule whose findings the text report leaves to --verbose: true of most policies written today. */
export const VERBOSE_RULE = 'name-only-sub';

/**
 * The human lint report: findings alike are grouped (see group-findings.ts), errors first. Without
 * `verbose`, name-only-sub findings are only counted in the first line.
 */
export function formatLintReport(file: string, findings: readonly LintFinding[], verbose = true): string {
  const { errors, warnings } = countFindings(findings);
  const hidden = verbose ? 0 : findings.filter((f) => f.ruleId === VERBOSE_RULE).length;
  const shown = findings.filter((f) => verbose || f.ruleId !== VERBOSE_RULE);
  const aside = hidden > 0 ? ` (${plural(hidden, `${VERBOSE_RULE} warning`)}: --verbose shows ${hidden === 1 ? 'it' : 'them'})` : '';
  if (findings.length === 0) return `${file}: no findings\n`;
  const lines = [`${file}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${aside}`];
  const groups = groupFindings(shown.map(canonicalFinding));
  lines.push(...formatGroups(groups));
  if (groups.length < shown.length) lines.push(GROUPED_FINDINGS_NOTE);
  return `${lines.join('\n')}\n`;
}

/** `ruleId`: lint's name for `rule` before 1.0, kept in its JSON as a deprecated alias. */
function withRuleIdAlias<T extends { rule: string }>(item: T): T & { ruleId: string } {
  return { ...item, ruleId: item.rule };
}

/** A lint finding as every --json prints it: {rule, severity, message, path, ruleId}. */
export function jsonFinding(f: LintFinding): GroupableFinding & { ruleId: string } {
  return withRuleIdAlias(canonicalFinding(f));
}

/** The `--json` lint document: every finding, and the same grouped as the text report groups them. */
export function lintJson(file: string, findings: readonly LintFinding[], extra: Record<string, unknown> = {}): string {
  const canonical = findings.map(canonicalFinding);
  const groups = groupFindings(canonical).map(({ lines: _lines, ...g }) => withRuleIdAlias(g));
  return `${JSON.stringify({ file, ...countFindings(findings), ...extra, findings: findings.map(jsonFinding), groups }, null, 2)}\n`;
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

/**
 * The note after an evaluation whose claims lack some the policy looks at (`source` names the
 * flag and file): conditions on them fail, so the deny may say more about the input than the policy.
 */
export function formatMissingClaims(missing: readonly MissingClaim[], source: string): string {
  const list = missing.map((m) => `${m.claim} (${m.keys.map((k) => JSON.stringify(k)).join(', ')})`).join(', ');
  return (
    `note: the policy looks at ${plural(missing.length, 'claim')} that ${source} does not have: ${list}. ` +
    'A condition on an absent claim fails (unless it is an ...IfExists or Null condition). ' +
    'Give the token\'s claims in full: --token FILE.jwt, or its decoded payload with --claims FILE.json.\n'
  );
}

/** The `--json` evaluate document: the decision, where it came from, and the claims the policy looks at that were missing. */
export function evaluateJson(decision: TrustDecision, inputs: EvaluateInputs, missingClaims: readonly MissingClaim[] = []): string {
  const input = {
    policy: inputs.policy,
    ...(inputs.claims !== undefined ? { claims: inputs.claims } : {}),
    ...(inputs.token !== undefined ? { token: inputs.token, tokenSignatureVerified: false, notice: UNVERIFIED_TOKEN_NOTICE } : {}),
  };
  return `${JSON.stringify({ ...decision, input, missingClaims }, null, 2)}\n`;
}

const NAME_ONLY_FORM = 'use the name-only form';

/** Notes about a generated policy (placeholders to replace, forms chosen), naming the repositories each form is for. */
export function generateNotes(options: {
  account?: string;
  repository: string;
  additionalRepositories?: readonly string[];
  ownerId?: string;
  includeNameOnly?: boolean;
}): string[] {
  const notes: string[] = [];
  if (options.account === undefined) {
    notes.push('Principal.Federated uses the placeholder ACCOUNT_ID: replace it with the 12-digit AWS account id that holds the OIDC provider (or pass --account)');
  }
  // OWNER@OWNER_ID/REPO@REPO_ID carries its ids; the first repository also takes --owner-id/--repository-id.
  const withIds = (repository: string, first: boolean) => carriesIds(repository) || (first && options.ownerId !== undefined);
  const repositories = [options.repository, ...(options.additionalRepositories ?? [])];
  const nameOnly = repositories.filter((repository, i) => !withIds(repository, i === 0));
  const immutable = repositories.filter((repository, i) => withIds(repository, i === 0));
  const which = (list: string[]) => (repositories.length > 1 ? ` of ${list.join(', ')}` : '');
  if (nameOnly.length > 0) {
    notes.push(
      `subjects${which(nameOnly)} ${NAME_ONLY_FORM} repo:OWNER/REPO:…; repositories created, renamed or transferred since 2026-07-15 get repo:OWNER@OWNER_ID/REPO@REPO_ID:… instead (give OWNER@OWNER_ID/REPO@REPO_ID, or --owner-id and --repository-id, from the token's repository_owner_id and repository_id claims)`,
    );
  }
  if (immutable.length > 0 && !options.includeNameOnly) {
    notes.push(`subjects${which(immutable)} use the immutable form repo:OWNER@OWNER_ID/REPO@REPO_ID:…; add --include-name-only if ${immutable.length > 1 ? 'these repositories still get' : 'this repository still gets'} name-only subjects`);
  }
  return notes;
}

/**
 * The name-only note is true of almost every policy written today (a happy-path detail): the text
 * output shows it with --verbose only; --json always lists it.
 */
export function isVerboseNote(note: string): boolean {
  return note.includes(` ${NAME_ONLY_FORM} `);
}

/** Writes the notes to stderr, leaving out the happy-path details unless `verbose`. */
export function printNotes(stderr: (text: string) => void, notes: readonly string[], verbose: boolean): void {
  for (const note of notes) if (verbose || !isVerboseNote(note)) stderr(`note: ${note}\n`);
}

/**
 * What IAM's size quota means for a generated policy (size.ts's words, as lint says them).
 * `policy` must carry a 12-digit account: the ACCOUNT_ID placeholder is two characters shorter.
 */
export function sizeNotes(policy: unknown, quota?: number): string[] {
  return sizeFindings(policy, quota).map((f) => `${f.message} (${f.ruleId})`);
}

/** The human generate output: the policy itself, as JSON ready to use. */
export function formatGeneratedPolicy(policy: TrustPolicyDocument): string {
  return `${JSON.stringify(policy, null, 2)}\n`;
}

/** The `--json` generate document. */
export function generateJson(policy: TrustPolicyDocument, subjects: readonly string[], notes: readonly string[]): string {
  return `${JSON.stringify({ policy, subjects, notes }, null, 2)}\n`;
}
