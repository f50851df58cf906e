/** `setup aws --apply`, the pure part: from what IAM has and what is intended, the changes to make and what they mean. */
import { evaluateTrustPolicy, lintTrustPolicy, type LintFinding } from '../trust/index.js';
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

/** The `sub` values (or patterns) written in a policy's conditions. */
function writtenSubjects(policy: unknown): { value: string; pattern: boolean }[] {
  const out: { value: string; pattern: boolean }[] = [];
  const statements = (policy as { Statement?: unknown })?.Statement;
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    const condition = (statement as { Condition?: Record<string, Record<string, unknown>> } | undefined)?.Condition ?? {};
    for (const [operator, entries] of Object.entries(condition)) {
      if (/^(ForAnyValue:|ForAllValues:)?String(Equals|Like)(IgnoreCase)?(IfExists)?$/.test(operator) === false) continue;
      for (const [key, values] of Object.entries(entries ?? {})) {
        if (!/:sub$/i.test(key)) continue;
        for (const value of Array.isArray(values) ? values : [values]) {
          if (typeof value === 'string') out.push({ value, pattern: /Like/.test(operator) && /[*?]/.test(value) });
        }
      }
    }
  }
  return out;
}

/** The claims (the part after `provider:`) that a policy's conditions read, lower-cased. */
function conditionClaims(policy: unknown): Set<string> {
  const out = new Set<string>();
  const statements = (policy as { Statement?: unknown })?.Statement;
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    const condition = (statement as { Condition?: Record<string, Record<string, unknown>> } | undefined)?.Condition ?? {};
    for (const entries of Object.values(condition)) for (const key of Object.keys(entries ?? {})) out.add(key.slice(key.lastIndexOf(':') + 1).toLowerCase());
  }
  return out;
}

/** Every principal an Allow statement names, as `Service ec2.amazonaws.com`, `AWS arn:…`, `Federated arn:…` or `*`. */
function allowedPrincipals(policy: unknown): Set<string> {
  const out = new Set<string>();
  const statements = (policy as { Statement?: unknown })?.Statement;
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    const { Effect, Principal } = (statement ?? {}) as { Effect?: unknown; Principal?: unknown };
    if (Effect !== 'Allow') continue;
    if (Principal === '*') out.add('*');
    for (const [kind, values] of Object.entries(typeof Principal === 'object' && Principal !== null ? Principal : {})) {
      for (const value of Array.isArray(values) ? values : [values]) if (typeof value === 'string') out.add(`${kind} ${value}`);
    }
  }
  return out;
}

/** Compares the role's trust policy with the intended one: diff, lint findings of both, widening and narrowing. */
export function compareTrust(intent: SetupIntent, currentText: string, intended: unknown): TrustChange | undefined {
  let current: unknown;
  try {
    current = JSON.parse(currentText);
  } catch {
    current = undefined;
  }
  if (current !== undefined && samePolicy(current, intended)) return undefined;
  const lintOptions = { audience: intent.trust.audience, issuer: intent.trust.issuer };
  const evaluate = (policy: unknown, claims: RunClaims) => current !== undefined && evaluateTrustPolicy(policy, claims, { issuer: intent.trust.issuer }).allowed;
  // A run is widened also when a condition the current policy has is dropped: name the condition.
  const dropped = [...conditionClaims(current)].filter((claim) => !conditionClaims(intended).has(claim) && claim !== 'sub' && claim !== 'aud');
  const droppedNote = dropped.length > 0 ? ` (the intended policy drops the current one's condition on ${dropped.join(', ')})` : '';
  const widens = admittedRuns(intent)
    .filter((run) => !evaluate(current, run))
    .map((run) => describeRun(run) + droppedNote);
  const narrows: string[] = [];
  for (const { value, pattern } of current === undefined ? [] : writtenSubjects(current)) {
    if (pattern) {
      narrows.push(`${value} (a pattern: every run it matches that is not listed above)`);
      continue;
    }
    const run = { iss: intent.trust.issuer, aud: intent.trust.audience, sub: value, ...claimsOfSubject(value) };
    if (evaluate(current, run) && !evaluateTrustPolicy(intended, run, { issuer: intent.trust.issuer }).allowed) narrows.push(value);
  }
  // Statements for other principals (a service, an account) are replaced too: say so, not only in the diff.
  const intendedPrincipals = allowedPrincipals(intended);
  for (const principal of current === undefined ? [] : allowedPrincipals(current)) {
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
    trustChange = compareTrust(intent, role.trustPolicy, intendedTrustPolicy(intent, account));
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
