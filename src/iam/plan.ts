/** `setup aws --apply`, the pure part: from what IAM has and what is intended, the changes to make and what they mean. */
import { evaluateTrustPolicy, lintTrustPolicy, parseTrustPolicy, TrustPolicyError, type LintFinding, type ParsedStatement } from '../trust/index.js';
import { splitKey } from '../trust/keys.js';
import type { ObservedProvider, ObservedRole } from './client.js';
import { providerArn, providerPath, providerUrl, type SetupIntent } from './intent.js';
import { canonicalText, policyDiff, samePolicy } from './policy-diff.js';
import { admittedRuns, claimsOfSubject, intendedTrustPolicy, type RunClaims } from './trust.js';

/** What the read-only calls found. */
export interface ObservedState {
  /** Every OIDC provider ARN in the account. */
  readonly providerArns: readonly string[];
  /** The provider for the intent's issuer, when there is one. */
  readonly provider?: ObservedProvider;
  readonly role?: ObservedRole & { readonly attachedPolicies: readonly string[] };
  /** Policies the intent attaches (or sets as boundary) that IAM does not have. */
  readonly missingPolicies?: readonly string[];
}

export type PlanStep =
  | { readonly kind: 'create-provider'; readonly url: string; readonly clientIds: readonly string[] }
  | { readonly kind: 'add-client-id'; readonly providerArn: string; readonly clientId: string }
  | { readonly kind: 'create-role'; readonly roleName: string }
  | { readonly kind: 'update-trust-policy'; readonly roleName: string }
  | { readonly kind: 'update-max-session-duration'; readonly roleName: string; readonly from: number; readonly to: number }
  | { readonly kind: 'put-permissions-boundary'; readonly roleName: string; readonly from?: string; readonly to: string }
  | { readonly kind: 'attach-policy'; readonly roleName: string; readonly policyArn: string };

/** How the role's current trust policy compares with the intended one. */
export interface TrustChange {
  readonly current: string;
  readonly diff: readonly string[];
  readonly currentFindings: readonly LintFinding[];
  readonly intendedFindings: readonly LintFinding[];
  /** Runs the intended policy admits and the current one does not: the change widens the trust. */
  readonly widens: readonly string[];
  /** What the current policy admits and the intended one does not. */
  readonly narrows: readonly string[];
}

export interface SetupPlan {
  /** The account, when known before any change (from --account, the provider or the role). */
  readonly account?: string;
  readonly providerArn?: string;
  readonly roleArn?: string;
  readonly steps: readonly PlanStep[];
  readonly trustChange?: TrustChange;
  readonly notes: readonly string[];
}

/** The intent cannot be applied with these credentials (e.g. another account). */
export class PlanError extends Error {
  override readonly name = 'PlanError';
}

function accountOf(arn: string | undefined): string | undefined {
  return arn === undefined ? undefined : /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];
}

/** The provider ARN among `arns` for the intent's issuer (host names compare without case). */
export function findProviderArn(intent: SetupIntent, arns: readonly string[]): string | undefined {
  const wanted = providerPath(intent);
  return arns.find((arn) => {
    const m = /^arn:[^:]+:iam::\d{12}:oidc-provider\/([^/]+)(.*)$/.exec(arn);
    return m !== null && `${m[1]!.toLowerCase()}${m[2]!}` === wanted;
  });
}

function describeRun(run: RunClaims): string {
  return run['job_workflow_ref'] !== undefined ? `${run['sub']} (job_workflow_ref ${run['job_workflow_ref']})` : run['sub']!;
}

/** A policy's parsed statements; none for one that is not a valid trust policy (lint says why). */
function statementsOf(policy: unknown): readonly ParsedStatement[] {
  if (policy === undefined) return [];
  try {
    return parseTrustPolicy(policy).statements;
  } catch (error) {
    if (error instanceof TrustPolicyError) return [];
    throw error;
  }
}

/** The `sub` values (or patterns) that StringEquals/StringLike conditions list. */
function writtenSubjects(statements: readonly ParsedStatement[]): { value: string; pattern: boolean }[] {
  const out: { value: string; pattern: boolean }[] = [];
  for (const block of statements.flatMap((statement) => statement.conditions)) {
    const { base, negated, wildcards } = block.operator;
    if (negated || !base.startsWith('String')) continue;
    for (const entry of block.entries) {
      if (!/:sub$/i.test(entry.key)) continue;
      for (const value of entry.values) out.push({ value, pattern: wildcards && /[*?]/.test(value) });
    }
  }
  return out;
}

/** The claims (the part after `provider:`) that a policy's conditions read, lower-cased. */
function conditionClaims(statements: readonly ParsedStatement[]): Set<string> {
  const keys = statements.flatMap((statement) => statement.conditions.flatMap((block) => block.entries.map((entry) => entry.key)));
  return new Set(keys.map((key) => (splitKey(key)?.claim ?? key).toLowerCase()));
}

/** Every principal an Allow statement names, as `Service ec2.amazonaws.com`, `AWS arn:…`, `Federated arn:…` or `*`. */
function allowedPrincipals(statements: readonly ParsedStatement[]): Set<string> {
  const out = new Set<string>();
  for (const { effect, principal } of statements) {
    if (effect !== 'Allow') continue;
    // "Principal": "*" (with {"AWS": "*"} the AWS entry below names it).
    if (principal.anyone && principal.aws.length === 0) out.add('*');
    const kinds: [string, readonly string[]][] = [['Federated', principal.federated], ['AWS', principal.aws], ['Service', principal.service], ['CanonicalUser', principal.canonicalUser]];
    for (const [kind, values] of kinds) for (const value of values) out.add(`${kind} ${value}`);
  }
  return out;
}

/** Compares the role's trust policy with the intended one: diff, lint findings of both, widening and narrowing. */
export function compareTrust(intent: SetupIntent, currentText: string, intended: unknown, roleArn?: string): TrustChange | undefined {
  let current: unknown;
  try {
    current = JSON.parse(currentText);
  } catch {
    current = undefined;
  }
  if (current !== undefined && samePolicy(current, intended)) return undefined;
  // With the role's ARN, a provider in another account or partition is named (it can never match).
  const lintOptions = { audience: intent.trust.audience, issuer: intent.trust.issuer, ...(roleArn !== undefined ? { roleArn } : {}) };
  // A current policy that is not JSON or not a valid trust policy admits nothing we can tell: every intended run is new.
  const currentStatements = statementsOf(current);
  const intendedStatements = statementsOf(intended);
  const valid = currentStatements.length > 0;
  const evaluate = (policy: unknown, claims: RunClaims) => valid && evaluateTrustPolicy(policy, claims, { issuer: intent.trust.issuer, ...(roleArn !== undefined ? { roleArn } : {}) }).allowed;
  // A run is widened also when a condition the current policy has is dropped: name the condition.
  const intendedClaims = conditionClaims(intendedStatements);
  const dropped = [...conditionClaims(currentStatements)].filter((claim) => !intendedClaims.has(claim) && claim !== 'sub' && claim !== 'aud');
  const droppedNote = dropped.length > 0 ? ` (the intended policy drops the current one's condition on ${dropped.join(', ')})` : '';
  const widens = admittedRuns(intent)
    .filter((run) => !evaluate(current, run))
    .map((run) => describeRun(run) + droppedNote);
  const narrows: string[] = [];
  for (const { value, pattern } of writtenSubjects(currentStatements)) {
    if (pattern) {
      narrows.push(`${value} (a pattern: every run it matches that is not listed above)`);
      continue;
    }
    const run = { iss: intent.trust.issuer, aud: intent.trust.audience, sub: value, ...claimsOfSubject(value) };
    if (evaluate(current, run) && !evaluateTrustPolicy(intended, run, { issuer: intent.trust.issuer }).allowed) narrows.push(value);
  }
  // Statements for other principals (a service, an account) are replaced too: say so, not only in the diff.
  const intendedPrincipals = allowedPrincipals(intendedStatements);
  for (const principal of allowedPrincipals(currentStatements)) {
    if (!intendedPrincipals.has(principal)) narrows.push(`every statement trusting ${principal} (the intended policy trusts only GitHub's OIDC provider)`);
  }
  return {
    current: currentText,
    diff:
      current === undefined
        ? [...currentText.split('\n').map((l) => `- ${l}`), ...canonicalText(intended).split('\n').map((l) => `+ ${l}`)]
        : policyDiff(current, intended),
    currentFindings: lintTrustPolicy(current ?? currentText, lintOptions),
    intendedFindings: lintTrustPolicy(intended, lintOptions),
    widens,
    narrows: [...new Set(narrows)],
  };
}

/** The changes that bring IAM to the intent, and what they mean. Throws {@link PlanError}. */
export function planSetup(intent: SetupIntent, state: ObservedState): SetupPlan {
  const notes: string[] = [];
  const steps: PlanStep[] = [];
  const observedAccount = accountOf(state.provider?.arn) ?? accountOf(state.role?.arn) ?? accountOf(state.providerArns[0]);
  const given = intent.trust.account;
  if (given !== undefined && observedAccount !== undefined && given !== observedAccount) {
    throw new PlanError(`--account ${given} was given, but these credentials are for account ${observedAccount}: use credentials for ${given}, or drop --account`);
  }
  const account = given ?? observedAccount;
  if (state.missingPolicies !== undefined && state.missingPolicies.length > 0) {
    throw new PlanError(`no such managed polic${state.missingPolicies.length === 1 ? 'y' : 'ies'} in IAM: ${state.missingPolicies.join(', ')} (check --policy-arn / --permissions-boundary); nothing was changed`);
  }

  if (state.provider === undefined) {
    steps.push({ kind: 'create-provider', url: providerUrl(intent), clientIds: [intent.trust.audience] });
  } else if (!state.provider.clientIds.includes(intent.trust.audience)) {
    steps.push({ kind: 'add-client-id', providerArn: state.provider.arn, clientId: intent.trust.audience });
  }

  const name = intent.roleName;
  const role = state.role;
  let trustChange: TrustChange | undefined;
  if (role === undefined) {
    steps.push({ kind: 'create-role', roleName: name });
  } else {
    trustChange = compareTrust(intent, role.trustPolicy, intendedTrustPolicy(intent, account), role.arn);
    if (trustChange !== undefined) steps.push({ kind: 'update-trust-policy', roleName: name });
    if (role.maxSessionDuration !== intent.maxSessionDuration) {
      if (intent.maxSessionDurationGiven) {
        steps.push({ kind: 'update-max-session-duration', roleName: name, from: role.maxSessionDuration, to: intent.maxSessionDuration });
      } else {
        notes.push(`the role keeps its maximum session duration of ${role.maxSessionDuration} seconds (no --max-session-duration was given)`);
      }
    }
    const boundary = intent.permissionsBoundary;
    if (boundary !== undefined && role.permissionsBoundary !== boundary) {
      steps.push({ kind: 'put-permissions-boundary', roleName: name, ...(role.permissionsBoundary !== undefined ? { from: role.permissionsBoundary } : {}), to: boundary });
    } else if (boundary === undefined && role.permissionsBoundary !== undefined) {
      notes.push(`the role keeps its permissions boundary ${role.permissionsBoundary} (no --permissions-boundary was given; keyless removes none)`);
    }
    const extra = role.attachedPolicies.filter((arn) => !intent.policyArns.includes(arn));
    if (extra.length > 0) notes.push(`the role also has ${extra.join(', ')} attached; keyless detaches nothing`);
  }
  for (const policyArn of intent.policyArns) {
    if (!role?.attachedPolicies.includes(policyArn)) steps.push({ kind: 'attach-policy', roleName: name, policyArn });
  }
  return {
    ...(account !== undefined ? { account } : {}),
    ...(state.provider !== undefined ? { providerArn: state.provider.arn } : account !== undefined ? { providerArn: providerArn(intent, account) } : {}),
    ...(role !== undefined ? { roleArn: role.arn } : {}),
    steps,
    ...(trustChange !== undefined ? { trustChange } : {}),
    notes,
  };
}
