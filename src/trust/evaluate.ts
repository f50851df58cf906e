/**
 * Evaluates a role trust policy against OIDC token claims as STS does for
 * sts:AssumeRoleWithWebIdentity: a statement applies when its principal is the token issuer's OIDC
 * provider (or anyone), its Action/NotAction covers the action, and all its conditions hold. An
 * applicable Deny wins; otherwise an applicable Allow allows; otherwise the request is implicitly denied.
 */
import { evaluateConditionBlocks, type ConditionFailure } from './conditions.js';
import {
  buildRequestContext,
  GITHUB_ISSUER,
  parseProviderArn,
  providerArnMatches,
  providerOfIssuer,
  providerOutsideRole,
  WEB_IDENTITY_ACTION,
  type RequestContext,
} from './keys.js';
import { parseTrustPolicy, type ParsedStatement } from './policy.js';
import { matchesStringLike } from './wildcard.js';
import { quote, quoteIfNeeded } from '../shared/outside-text.js';

export interface StatementReason {
  readonly kind: 'principal' | 'action' | 'condition';
  readonly key?: string;
  readonly operator?: string;
  readonly policyValues?: string[];
  readonly tokenValue?: string | string[] | null;
  readonly message: string;
  /** JSON path in the policy of what did not match. */
  readonly path?: string;
}

export interface StatementResult {
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly applies: boolean;
  /** Why the statement does not apply: the principal, the action, or the first condition that did not hold. */
  readonly reason?: StatementReason;
  /** Conditions with operators not evaluated locally, assumed to hold (Deny statements only). */
  readonly assumed?: StatementReason[];
}

export interface TrustDecision {
  readonly allowed: boolean;
  readonly decision: 'allow' | 'explicit-deny' | 'implicit-deny';
  readonly statements: StatementResult[];
  /** One human-readable line. */
  readonly summary: string;
  readonly action: string;
  readonly issuer: string;
  /** The token's `sub`, when it has one. */
  readonly subject?: string;
}

export interface EvaluateOptions {
  /** Default `sts:AssumeRoleWithWebIdentity`. */
  readonly action?: string;
  /** Default: the claims' `iss`, else `https://token.actions.githubusercontent.com`. */
  readonly issuer?: string;
  /** The role the policy belongs to: a Federated provider in another account or partition never matches. */
  readonly roleArn?: string;
}

/** A value in a Principal or condition that looks like an unrendered Terraform/CloudFormation/shell template. */
export function looksLikeTemplate(value: string): boolean {
  return /\$\{[^}*?$][^}]*\}|<[A-Za-z_][A-Za-z0-9_ -]*>|\$[A-Z_][A-Z0-9_]*|^!(Sub|Ref|If|GetAtt|Join)\b|X{4,}|x{4,}|#{3,}/.test(value);
}

function statementLabel(s: { index: number; sid?: string }): string {
  return `statement ${s.index}${s.sid ? ` ${quote(s.sid)}` : ''}`;
}

function show(values: readonly string[]): string {
  return values.length === 1 ? JSON.stringify(values[0]) : `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

function checkPrincipal(statement: ParsedStatement, prefix: string, issuer: string, roleArn: string | undefined): StatementReason | undefined {
  const principal = statement.principal;
  if (principal.anyone) return undefined;
  const matching = principal.federated.filter((arn) => providerArnMatches(arn, issuer));
  const outside = matching.map((arn) => (roleArn === undefined ? undefined : providerOutsideRole(arn, roleArn)));
  if (outside.some((problem) => problem === undefined)) return undefined;
  if (matching.length > 0) {
    return {
      kind: 'principal',
      policyValues: [...principal.federated],
      tokenValue: issuer,
      message: outside.join('; '),
      path: principal.federatedPaths[principal.federated.indexOf(matching[0]!)] ?? statement.principalPath,
    };
  }
  const expected = `arn:<partition>:iam::<account>:oidc-provider/${prefix}`;
  if (principal.federated.length === 0) {
    const kinds = [
      principal.aws.length ? 'AWS' : '',
      principal.service.length ? 'Service' : '',
      principal.canonicalUser.length ? 'CanonicalUser' : '',
    ].filter(Boolean);
    return {
      kind: 'principal',
      policyValues: [...principal.aws, ...principal.service, ...principal.canonicalUser],
      tokenValue: issuer,
      message: `the statement trusts ${kinds.join('/')} principals, not a web identity provider (expected Principal.Federated ${expected})`,
      path: statement.principalPath,
    };
  }
  const notes: string[] = [];
  for (const arn of principal.federated) {
    const parsed = parseProviderArn(arn);
    if (looksLikeTemplate(arn)) notes.push(`${JSON.stringify(arn)} looks like an unrendered template placeholder`);
    else if (!parsed) notes.push(`${JSON.stringify(arn)} is not an OIDC provider ARN`);
    else notes.push(`${JSON.stringify(arn)} is the provider for ${JSON.stringify(`https://${parsed.url}`)} (IAM matches the URL exactly, case and trailing slash included)`);
  }
  return {
    kind: 'principal',
    policyValues: [...principal.federated],
    tokenValue: issuer,
    message: `Principal.Federated is not the OIDC provider of the token's issuer ${issuer}: expected ${expected}; ${notes.join('; ')}`,
    path: principal.federatedPaths[0] ?? statement.principalPath,
  };
}

function checkAction(statement: ParsedStatement, action: string): StatementReason | undefined {
  const wanted = action.toLowerCase();
  const covered = statement.action.values.some((pattern) => matchesStringLike(pattern.toLowerCase(), wanted));
  if (statement.action.negated ? !covered : covered) return undefined;
  return {
    kind: 'action',
    policyValues: [...statement.action.values],
    tokenValue: action,
    message: statement.action.negated
      ? `NotAction ${show(statement.action.values)} excludes ${action}`
      : `Action ${show(statement.action.values)} does not include ${action}`,
    path: statement.action.path,
  };
}

function conditionReason(f: ConditionFailure): StatementReason {
  return {
    kind: 'condition',
    key: f.key,
    operator: f.operator,
    policyValues: f.policyValues,
    tokenValue: f.tokenValue,
    message: f.message,
    path: f.path,
  };
}

function evaluateStatement(
  statement: ParsedStatement,
  context: RequestContext,
  prefix: string,
  issuer: string,
  action: string,
  version: string | undefined,
  roleArn: string | undefined,
): StatementResult {
  const base = { index: statement.index, ...(statement.sid !== undefined ? { sid: statement.sid } : {}), effect: statement.effect };
  const reason = checkPrincipal(statement, prefix, issuer, roleArn) ?? checkAction(statement, action);
  if (reason) return { ...base, applies: false, reason };
  const outcome = evaluateConditionBlocks(statement.conditions, context, {
    ...(version !== undefined ? { version } : {}),
    unevaluated: statement.effect === 'Deny' ? 'hold' : 'fail',
  });
  const assumed = outcome.assumed?.map(conditionReason);
  if (!outcome.holds) return { ...base, applies: false, reason: conditionReason(outcome.failure!), ...(assumed ? { assumed } : {}) };
  return { ...base, applies: true, ...(assumed ? { assumed } : {}) };
}

function summarise(results: readonly StatementResult[], decision: TrustDecision['decision'], action: string, subject: string | undefined): string {
  // The subject and Sids come from the token and the policy file: never raw in a log line.
  const who = subject ? ` for ${quoteIfNeeded(subject)}` : '';
  if (decision === 'explicit-deny') {
    const deny = results.find((r) => r.effect === 'Deny' && r.applies)!;
    return `Denied: ${statementLabel(deny)} (Deny) applies to this token${who}`;
  }
  if (decision === 'allow') {
    const allow = results.find((r) => r.effect === 'Allow' && r.applies)!;
    return `Allowed: ${statementLabel(allow)} allows ${action}${who}`;
  }
  const allows = results.filter((r) => r.effect === 'Allow');
  if (allows.length === 0) return `Denied: the policy has no Allow statement${who}`;
  // Prefer the statement that got furthest: a failing condition says more than a wrong principal.
  const rank = (r: StatementResult): number => (r.reason?.kind === 'condition' ? 0 : r.reason?.kind === 'action' ? 1 : 2);
  const best = [...allows].sort((a, b) => rank(a) - rank(b))[0]!;
  const more = allows.length > 1 ? ` (and ${allows.length - 1} other Allow statement${allows.length > 2 ? 's' : ''} do not apply)` : '';
  return `Denied${who}: ${statementLabel(best)} does not apply: ${best.reason?.message ?? 'no reason'}${more}`;
}

/** Evaluates a trust policy against token claims. Throws {@link TrustPolicyError} for a malformed policy. */
export function evaluateTrustPolicy(policy: unknown, claims: Record<string, unknown>, options: EvaluateOptions = {}): TrustDecision {
  const parsed = parseTrustPolicy(policy);
  const action = options.action ?? WEB_IDENTITY_ACTION;
  const issuer = options.issuer ?? (typeof claims.iss === 'string' && claims.iss !== '' ? claims.iss : GITHUB_ISSUER);
  const prefix = providerOfIssuer(issuer);
  const context = buildRequestContext(claims, issuer);
  const statements = parsed.statements.map((s) => evaluateStatement(s, context, prefix, issuer, action, parsed.version, options.roleArn));
  const decision: TrustDecision['decision'] = statements.some((r) => r.effect === 'Deny' && r.applies)
    ? 'explicit-deny'
    : statements.some((r) => r.effect === 'Allow' && r.applies)
      ? 'allow'
      : 'implicit-deny';
  const subject = typeof claims.sub === 'string' ? claims.sub : undefined;
  return {
    allowed: decision === 'allow',
    decision,
    statements,
    summary: summarise(statements, decision, action, subject),
    action,
    issuer,
    ...(subject !== undefined ? { subject } : {}),
  };
}

function showTokenValue(value: string | string[] | null | undefined): string {
  if (value === null || value === undefined) return '(absent)';
  return Array.isArray(value) ? show(value) : JSON.stringify(value);
}

/** A short human-readable report of a decision (used by the CLI and the action's error messages). */
export function formatDecision(decision: TrustDecision): string {
  const head =
    decision.decision === 'allow'
      ? 'ALLOWED'
      : decision.decision === 'explicit-deny'
        ? 'DENIED (explicit deny)'
        : 'DENIED (implicit deny: no Allow statement applies)';
  const lines = [`${head}: ${decision.action}${decision.subject ? ` for ${quoteIfNeeded(decision.subject)}` : ''}`, `  issuer: ${quoteIfNeeded(decision.issuer)}`];
  for (const s of decision.statements) {
    const label = `${statementLabel(s)} (${s.effect})`;
    if (s.applies) {
      lines.push(`  ${label}: applies`);
    } else {
      const r = s.reason!;
      lines.push(`  ${label}: does not apply (${r.kind})`);
      if (r.kind === 'condition') {
        lines.push(`    ${r.operator} ${JSON.stringify(r.key)}`);
        lines.push(`      policy: ${show(r.policyValues ?? [])}`);
        lines.push(`      token:  ${showTokenValue(r.tokenValue)}`);
      }
      lines.push(`    ${r.message}`);
    }
    for (const a of s.assumed ?? []) lines.push(`    note: ${a.operator} ${JSON.stringify(a.key)}: ${a.message}`);
  }
  return lines.join('\n');
}
