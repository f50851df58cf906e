/**
 * The request context STS builds from a GitHub Actions OIDC token for sts:AssumeRoleWithWebIdentity:
 * `<provider>:aud`, `<provider>:sub` and the GitHub claims STS accepts as condition keys since 2026.
 * `<provider>` is the issuer without `https://`.
 */

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
export const GITHUB_PROVIDER = 'token.actions.githubusercontent.com';
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
export const WEB_IDENTITY_ACTION = 'sts:AssumeRoleWithWebIdentity';

/**
 * The claims STS puts in the request context as `<provider>:<claim>`: `aud`, `sub` and the ten GitHub
 * claims the Service Authorization Reference lists for sts:AssumeRoleWithWebIdentity.
 */
export const CONTEXT_CLAIMS = [
  'aud',
  'sub',
  'actor',
  'actor_id',
  'job_workflow_ref',
  'repository',
  'repository_id',
  'repository_owner_id',
  'workflow',
  'ref',
  'environment',
  'enterprise_id',
] as const;

const CONTEXT_CLAIM_SET: ReadonlySet<string> = new Set(CONTEXT_CLAIMS);

/** `https://token.actions.githubusercontent.com/acme` → `token.actions.githubusercontent.com/acme`. */
export function conditionKeyPrefix(issuer: string): string {
  let prefix = issuer.trim().replace(/^https?:\/\//i, '');
  while (prefix.endsWith('/')) prefix = prefix.slice(0, -1);
  // Host names are case-insensitive; the path (an enterprise slug, `_services/token`) is kept as is.
  const slash = prefix.indexOf('/');
  return slash < 0 ? prefix.toLowerCase() : prefix.slice(0, slash).toLowerCase() + prefix.slice(slash);
}

/** One key of the request context: its canonical spelling and its values (several for an `aud` array). */
export interface ContextEntry {
  readonly key: string;
  readonly values: readonly string[];
}

/** Request context keyed by lower-cased key name (IAM key names are case-insensitive). */
export type RequestContext = ReadonlyMap<string, ContextEntry>;

function claimValues(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) {
    const out = value.filter((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean').map(String);
    return out.length > 0 ? out : undefined;
  }
  return undefined;
}

/**
 * The provider STS finds for a token: its `iss` without `https://`, exactly. IAM stores a provider URL
 * as given and matches the token's issuer against it as a string, so neither case nor a trailing
 * slash is normalised here (unlike {@link conditionKeyPrefix}, which tidies what a user typed).
 * (`http://` is stripped too, for the loopback issuer of the demo and the tests.)
 */
export function providerOfIssuer(issuer: string): string {
  return issuer.replace(/^https?:\/\//i, '');
}

/** Builds the request context STS would see for these claims from this issuer. */
export function buildRequestContext(claims: Record<string, unknown>, issuer: string): RequestContext {
  const prefix = providerOfIssuer(issuer);
  const context = new Map<string, ContextEntry>();
  for (const claim of CONTEXT_CLAIMS) {
    const values = claimValues(claims[claim]);
    if (!values) continue;
    const key = `${prefix}:${claim}`;
    context.set(key.toLowerCase(), { key, values });
  }
  return context;
}

/** Builds a request context directly from condition keys (as in the corpus condition vectors). */
export function contextFromKeys(keys: Record<string, string | readonly string[] | null | undefined>): RequestContext {
  const context = new Map<string, ContextEntry>();
  for (const [key, value] of Object.entries(keys)) {
    const values = claimValues(value);
    if (values) context.set(key.toLowerCase(), { key, values });
  }
  return context;
}

/** Splits `provider:claim` at the last colon; undefined when the key has no colon. */
export function splitKey(key: string): { provider: string; claim: string } | undefined {
  const colon = key.lastIndexOf(':');
  if (colon <= 0) return undefined;
  return { provider: key.slice(0, colon), claim: key.slice(colon + 1) };
}

/** True when the claim name is one STS exposes as a condition key. */
export function isContextClaim(claim: string): boolean {
  return CONTEXT_CLAIM_SET.has(claim.toLowerCase());
}

/** The provider part of a GitHub OIDC provider: github.com, an enterprise slug, or GHES. */
export function isGitHubProvider(provider: string): boolean {
  const p = provider.toLowerCase();
  return (
    /^token\.actions\.githubusercontent\.com(\/[^/:]+)?$/.test(p) ||
    // GHE.com data residency: token.actions.SUBDOMAIN.ghe.com (with an optional enterprise slug).
    /^token\.actions\.[a-z0-9-]+\.ghe\.com(\/[^/:]+)?$/.test(p) ||
    /^[^/:]+\/_services\/token$/.test(p)
  );
}

/**
 * The Service Authorization Reference also lists every GitHub key under `github.com/enterprises/NAME`.
 * GitHub documents no issuer of that form (an enterprise's own issuer is
 * `https://token.actions.githubusercontent.com/SLUG`), so no token can carry it: such keys are named
 * for what they are rather than accepted as a GitHub provider.
 */
export const ENTERPRISE_REFERENCE_NOTE =
  'AWS\'s Service Authorization Reference lists GitHub keys under github.com/enterprises/NAME, but GitHub issues no token with that issuer: an enterprise with its own issuer uses https://token.actions.githubusercontent.com/SLUG (keys token.actions.githubusercontent.com/SLUG:…)';

export function isEnterpriseReferencePrefix(provider: string): boolean {
  return /^github\.com\/enterprises\/[^/:]+$/i.test(provider);
}

const PROVIDER_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):oidc-provider\/(.+)$/;

export interface ProviderArn {
  readonly partition: string;
  readonly account: string;
  /** Provider URL without scheme, normalised (host lower-cased, no trailing slash), e.g. `token.actions.githubusercontent.com`. */
  readonly provider: string;
  /** The provider part exactly as the ARN has it (IAM stores the URL as given). */
  readonly url: string;
}

/** Parses `arn:<partition>:iam::<12 digits>:oidc-provider/<host[/path]>`; `provider` is normalised as {@link conditionKeyPrefix} does. */
export function parseProviderArn(arn: string): ProviderArn | undefined {
  const m = PROVIDER_ARN.exec(arn);
  if (!m) return undefined;
  return { partition: m[1]!, account: m[2]!, provider: conditionKeyPrefix(m[3]!), url: m[3]! };
}

/**
 * True when a Federated principal is the OIDC provider STS finds for a token from `issuer`: the ARN's
 * provider part equals the issuer without `https://`, exactly (case and a trailing slash included).
 */
export function providerArnMatches(arn: string, issuer: string): boolean {
  const parsed = parseProviderArn(arn);
  return parsed !== undefined && parsed.url === providerOfIssuer(issuer);
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/.+$/;

/** The partition and account of a role ARN; undefined when it is not one. */
export function parseRoleArn(arn: string): { partition: string; account: string } | undefined {
  const m = ROLE_ARN.exec(arn);
  return m ? { partition: m[1]!, account: m[2]! } : undefined;
}

/** Why a Federated provider cannot be used by this role (another account or partition), or undefined. */
export function providerOutsideRole(providerArn: string, roleArn: string): string | undefined {
  const provider = parseProviderArn(providerArn);
  const role = parseRoleArn(roleArn);
  if (!provider || !role) return undefined;
  if (provider.partition !== role.partition) {
    return `the provider ${JSON.stringify(providerArn)} is in partition ${provider.partition}, the role ${JSON.stringify(roleArn)} in ${role.partition}: STS only uses a provider in the role's own account`;
  }
  if (provider.account !== role.account) {
    return `the provider ${JSON.stringify(providerArn)} is in account ${provider.account}, the role ${JSON.stringify(roleArn)} in account ${role.account}: STS only uses a provider in the role's own account`;
  }
  return undefined;
}

/** Known AWS partitions, for validating generated ARNs. */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;
