/**
 * Which token claims a trust policy looks at, and which of them the given claims lack: with
 * empty or partial claims every condition on them fails, and the decision says little until the
 * user gives the token's claims in full. Pure.
 */
import { buildRequestContext, conditionKeyPrefix, GITHUB_ISSUER, isContextClaim, splitKey } from './keys.js';
import { parseTrustPolicy } from './policy.js';

export interface MissingClaim {
  /** The claim's name as STS reads it from the token, e.g. `sub`. */
  readonly claim: string;
  /** The condition keys that look at it, as the policy spells them. */
  readonly keys: string[];
}

/** Claims the policy's conditions look at (for this issuer's provider) that are not in `claims`. */
export function missingClaims(policy: unknown, claims: Record<string, unknown>, issuer?: string): MissingClaim[] {
  const iss = issuer ?? (typeof claims.iss === 'string' && claims.iss !== '' ? claims.iss : GITHUB_ISSUER);
  const prefix = conditionKeyPrefix(iss);
  const context = buildRequestContext(claims, iss);
  const missing = new Map<string, Set<string>>();
  for (const statement of parseTrustPolicy(policy).statements) {
    for (const block of statement.conditions) {
      for (const entry of block.entries) {
        const split = splitKey(entry.key);
        if (!split || conditionKeyPrefix(split.provider) !== prefix || !isContextClaim(split.claim)) continue;
        if (context.has(`${prefix}:${split.claim}`.toLowerCase())) continue;
        const claim = split.claim.toLowerCase();
        missing.set(claim, (missing.get(claim) ?? new Set()).add(entry.key));
      }
    }
  }
  return [...missing].map(([claim, keys]) => ({ claim, keys: [...keys] }));
}
