/**
 * Does a role's trust policy trust a GitHub Actions OIDC provider (github.com, an enterprise's
 * issuer, or GHES)? Decided generously for unrendered templates (a placeholder principal with
 * GitHub condition keys counts), so that nothing that might trust GitHub is skipped unchecked.
 */
import { conditionKeyPrefix, isGitHubProvider, splitKey } from '../keys.js';
import { parseTrustPolicy } from '../policy.js';

const PROVIDER_ARN = /oidc-provider\/(.+)$/;
const GITHUB_TEXT = /token\.actions\.githubusercontent\.com|\/_services\/token/i;

function federatedTrustsGitHub(arn: string): boolean | undefined {
  const m = PROVIDER_ARN.exec(arn);
  if (m) {
    if (isGitHubProvider(conditionKeyPrefix(m[1]!))) return true;
    if (GITHUB_TEXT.test(m[1]!)) return true;
    return /\$\{|<|\$[A-Z]/.test(m[1]!) ? undefined : false;
  }
  // A placeholder for the whole ARN: decided by the condition keys (or its name).
  if (/\$\{|<[A-Za-z_]|^\$[A-Z]/.test(arn)) return /github/i.test(arn) ? true : undefined;
  return false;
}

/** True when some statement trusts a GitHub provider. */
export function trustsGitHub(policy: unknown): boolean {
  let parsed;
  try {
    parsed = parseTrustPolicy(policy);
  } catch {
    // Not a valid policy: decided by its text; lint then reports why it is invalid.
    return GITHUB_TEXT.test(typeof policy === 'string' ? decodeURIComponentSafe(policy) : JSON.stringify(policy) ?? '');
  }
  for (const s of parsed.statements) {
    const keys = s.conditions.flatMap((b) => b.entries.map((e) => splitKey(e.key)?.provider ?? ''));
    const githubKeys = keys.some((p) => p !== '' && isGitHubProvider(conditionKeyPrefix(p)));
    if (s.principal.anyone && githubKeys) return true;
    for (const arn of s.principal.federated) {
      const verdict = federatedTrustsGitHub(arn);
      if (verdict === true || (verdict === undefined && githubKeys)) return true;
    }
  }
  return false;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
