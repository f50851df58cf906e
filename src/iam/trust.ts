/** Both sides of the trust from one intent: the role's trust policy, the runs it admits, and the workflow's require-claims. Pure. */
import { checkedWorkflows, generatedSubjects, generateTrustPolicy, type TrustPolicyDocument } from '../trust/index.js';
import type { SetupIntent } from './intent.js';

/** The trust policy for the role, with the provider in `account` (the placeholder ACCOUNT_ID when unknown). */
export function intendedTrustPolicy(intent: SetupIntent, account?: string): TrustPolicyDocument {
  const known = account ?? intent.trust.account;
  // Without an account the generator writes the ACCOUNT_ID placeholder.
  const { account: _unused, ...trust } = intent.trust;
  return generateTrustPolicy(known === undefined ? trust : { ...trust, account: known });
}

/** The same policy with `Principal.Federated` replaced by `principal` (a CloudFormation or Terraform reference). */
export function trustPolicyWithPrincipal(intent: SetupIntent, principal: unknown): Record<string, unknown> {
  const policy = intendedTrustPolicy(intent, '000000000000');
  return {
    ...policy,
    Statement: policy.Statement.map((statement) => ({ ...statement, Principal: { Federated: principal } })),
  };
}

/** One run the role admits, as the claims of its token that STS puts in the request context. */
export type RunClaims = Readonly<Record<string, string>>;

/** The claims of each run the intended policy admits: every subject, with every allowed reusable workflow. */
export function admittedRuns(intent: SetupIntent): RunClaims[] {
  const workflows = checkedWorkflows(intent.trust);
  const runs: RunClaims[] = [];
  for (const sub of generatedSubjects(intent.trust)) {
    const base = { iss: intent.trust.issuer, aud: intent.trust.audience, sub, ...claimsOfSubject(sub) };
    if (workflows.length === 0) runs.push(base);
    for (const job_workflow_ref of workflows) runs.push({ ...base, job_workflow_ref });
  }
  return runs;
}

/** The claims a default-template subject implies: repository, ids, ref or environment. */
export function claimsOfSubject(sub: string): Record<string, string> {
  const m = /^repo:([^:@/]+)(?:@(\d+))?\/([^:@]+)(?:@(\d+))?:(.*)$/.exec(sub);
  if (!m) return {};
  const [, owner, ownerId, repo, repositoryId, context] = m as unknown as [string, string, string | undefined, string, string | undefined, string];
  const claims: Record<string, string> = { repository: `${owner}/${repo}`, repository_owner: owner };
  if (ownerId !== undefined) claims['repository_owner_id'] = ownerId;
  if (repositoryId !== undefined) claims['repository_id'] = repositoryId;
  if (context.startsWith('environment:')) claims['environment'] = context.slice('environment:'.length);
  else if (context.startsWith('ref:')) claims['ref'] = context.slice('ref:'.length);
  else if (context === 'pull_request') claims['event_name'] = 'pull_request';
  return claims;
}

/** A require-claims pattern that matches exactly `value` (IAM StringLike; "," separates patterns, so it becomes "?"). */
function exactPattern(value: string): string {
  return value.replace(/[*?,]/g, '?');
}

/**
 * The `require-claims` lines that admit exactly the runs the trust policy admits: the `sub` values
 * (and the reusable workflows), so the action refuses any other token before calling STS.
 */
export function requireClaimsLines(intent: SetupIntent): string[] {
  const lines = [`sub: ${generatedSubjects(intent.trust).map(exactPattern).join(', ')}`];
  const workflows = checkedWorkflows(intent.trust);
  if (workflows.length > 0) lines.push(`job_workflow_ref: ${workflows.map(exactPattern).join(', ')}`);
  return lines;
}
