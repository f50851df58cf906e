/**
 * The --roles join: each session's subject against its role's current trust policy (the trust
 * engine, with the claims CloudTrail shows: sub, aud, and repository and environment read from the
 * sub), and the subjects a policy admits that no session used in the period (unused-trust).
 */
import { missingClaims } from '../../trust/claims-used.js';
import { evaluateTrustPolicy } from '../../trust/evaluate.js';
import { isGitHubProvider, splitKey, WEB_IDENTITY_ACTION } from '../../trust/keys.js';
import { parseTrustPolicy } from '../../trust/policy.js';
import type { FoundRole } from '../../trust/audit/types.js';
import { trustsGitHub } from '../../trust/audit/trusts-github.js';
import { matchesStringLike } from '../../trust/wildcard.js';
import type { PolicyVerdict } from '../findings/unexpected-subject.js';
import { q, type TrailFinding } from '../findings/types.js';
import type { Session } from '../types.js';

/** `arn:aws:iam::1:role/path/name` → `name`. */
export function roleName(role: string): string {
  const slash = role.lastIndexOf('/');
  return slash >= 0 ? role.slice(slash + 1) : role;
}

/** The found role a session's role ARN is: same ARN, or same name. */
export function findRole(roles: readonly FoundRole[], arn: string): FoundRole | undefined {
  return roles.find((r) => r.role === arn) ?? roles.find((r) => roleName(r.role) === roleName(arn));
}

function claimsOf(s: Session): Record<string, unknown> {
  return {
    iss: `https://${s.provider}`,
    sub: s.subject,
    ...(s.audience !== null ? { aud: s.audience } : {}),
    ...(s.repository !== null ? { repository: s.repository } : {}),
    ...(s.environment !== null ? { environment: s.environment } : {}),
  };
}

/** Whether the role's current policy admits the session's token, as far as CloudTrail's claims tell. */
export function policyVerdict(roles: readonly FoundRole[], s: Session): PolicyVerdict | undefined {
  const role = findRole(roles, s.role);
  if (!role || role.policies.length === 0) return undefined;
  const claims = claimsOf(s);
  let undecided: string | undefined;
  let denial = '';
  for (const policy of role.policies) {
    try {
      const decision = evaluateTrustPolicy(policy, claims, { action: WEB_IDENTITY_ACTION });
      if (decision.allowed) return { admitted: true, why: decision.summary };
      const missing = missingClaims(policy, claims);
      if (missing.length > 0) undecided = `it looks at claims CloudTrail does not log (${missing.map((m) => m.claim).join(', ')})`;
      else denial = decision.decision === 'explicit-deny' ? 'a Deny statement applies' : 'no Allow statement admits this subject';
    } catch {
      undecided = 'the policy does not parse';
    }
  }
  return undecided !== undefined ? { admitted: 'undecided', why: undecided } : { admitted: false, why: denial };
}

/** The sub values (StringEquals/StringLike) a policy's Allow statements admit. */
export function admittedSubjects(policy: unknown): string[] {
  const out: string[] = [];
  let parsed;
  try {
    parsed = parseTrustPolicy(policy);
  } catch {
    return out;
  }
  for (const s of parsed.statements) {
    if (s.effect !== 'Allow') continue;
    for (const block of s.conditions) {
      if (block.operator.negated || !['StringEquals', 'StringLike'].includes(block.operator.base)) continue;
      for (const entry of block.entries) {
        const split = splitKey(entry.key);
        if (split && split.claim.toLowerCase() === 'sub' && isGitHubProvider(split.provider.toLowerCase())) out.push(...entry.values);
      }
    }
  }
  return out;
}

/** unused-trust (note): per GitHub-trusting role, subject values no session of the period matched. */
export function unusedTrust(roles: readonly FoundRole[], sessions: readonly Session[]): TrailFinding[] {
  const out: TrailFinding[] = [];
  for (const role of roles) {
    if (!role.policies.some((p) => trustsGitHub(p))) continue;
    const used = sessions.filter((s) => findRole([role], s.role) !== undefined).map((s) => s.subject);
    const patterns = [...new Set(role.policies.flatMap(admittedSubjects))];
    if (used.length === 0) {
      out.push({ rule: 'unused-trust', severity: 'note', role: role.role, subject: null, message: `no session of ${q(role.role)} in the period: its trust of GitHub may be removable` });
      continue;
    }
    for (const pattern of patterns) {
      if (used.some((sub) => matchesStringLike(pattern, sub))) continue;
      out.push({ rule: 'unused-trust', severity: 'note', role: role.role, subject: pattern, message: `${q(role.role)} admits ${q(pattern)}, which no session used in the period: that trust can be removed` });
    }
  }
  return out;
}
