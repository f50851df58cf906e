/**
 * Seeded cases for the differential test: GitHub-like claim sets (branches, tags, pull requests,
 * environments, forks, reusable workflows, missing claims, case changes, non-ASCII names, an `aud`
 * array), random policies over the String, Null and Bool operator families, and mutants of a policy.
 */
export const GH = 'token.actions.githubusercontent.com';
export const PROVIDER_ARN = `arn:aws:iam::123456789012:oidc-provider/${GH}`;

export type Claims = Record<string, string | string[]>;
export type Policy = { Version?: string; Statement: Record<string, unknown>[] };

/** mulberry32: a small seeded PRNG, so every run sees the same cases. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Pick {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  one<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const OWNERS = ['octo-org', 'Octo-Org', 'evil-org', 'octo-org-evil'];
const REPOS = ['octo-repo', 'infra', 'Octo-Repo'];
const BRANCHES = ['main', 'dev', 'feature/x', 'release/1.0', 'fix-🚀', 'été'];
const ENVIRONMENTS = ['prod', 'Prod', 'staging', 'Été', 'ÉTÉ', '\u212aelvin', 'kelvin'];

/** One GitHub-like claim set. */
export function claimSet(p: Pick): Claims {
  const owner = p.one(OWNERS);
  const repo = p.one(REPOS);
  const repository = `${owner}/${repo}`;
  const kind = p.one(['branch', 'tag', 'pr', 'environment', 'branch']);
  const branch = p.one(BRANCHES);
  const ref = kind === 'tag' ? `refs/tags/v1.${p.int(3)}.0` : kind === 'pr' ? `refs/pull/${p.int(50)}/merge` : `refs/heads/${branch}`;
  const environment = kind === 'environment' ? p.one(ENVIRONMENTS) : undefined;
  const sub = environment ? `repo:${repository}:environment:${environment}` : kind === 'pr' ? `repo:${repository}:pull_request` : `repo:${repository}:ref:${ref}`;
  const reusable = p.chance(0.3) ? `${p.one(OWNERS)}/shared/.github/workflows/deploy.yml@refs/heads/main` : `${repository}/.github/workflows/ci.yml@${ref}`;
  const claims: Claims = {
    iss: `https://${GH}`,
    aud: p.chance(0.08) ? ['sts.amazonaws.com', `https://github.com/${owner}`] : p.one(['sts.amazonaws.com', 'sts.amazonaws.com', `https://github.com/${owner}`]),
    sub,
    repository,
    ref,
    actor: p.one(['octocat', 'Octocat', 'dependabot[bot]']),
    repository_owner_id: p.one(['65', '66']),
    repository_id: p.one(['74', '75']),
    workflow: p.one(['CI', 'Deploy', 'true', 'false']),
    job_workflow_ref: reusable,
  };
  if (environment) claims.environment = environment;
  for (const drop of ['actor', 'job_workflow_ref', 'workflow', 'repository_owner_id']) if (p.chance(0.1)) delete claims[drop];
  return claims;
}

const KEYS = ['sub', 'aud', 'ref', 'repository', 'environment', 'job_workflow_ref', 'actor', 'repository_owner_id', 'workflow', 'enterprise_id'];
const STRING_OPS = ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'];

/** A value for a key: one of the claim pool's, a case change, a wildcard pattern, a policy variable. */
function valueFor(p: Pick, key: string, sample: Claims, wildcards: boolean): string {
  const raw = sample[key];
  const base = Array.isArray(raw) ? p.one(raw) : (raw ?? p.one(['prod', 'main', 'x']));
  const r = p.int(10);
  if (r === 0) return base.toUpperCase();
  if (r === 1) return `\${${GH}:${p.one(KEYS)}}`;
  if (r === 2) return `${base.slice(0, 5)}\${${GH}:${p.one(KEYS)}, 'none'}`;
  // `?` in place of a character outside the BMP (an emoji in a branch name): one character or two UTF-16 units.
  if (wildcards && /\p{Extended_Pictographic}/u.test(base) && r <= 5) return base.replace(/\p{Extended_Pictographic}/u, '?');
  if (wildcards && r <= 5) {
    const cut = p.int(base.length + 1);
    return p.chance(0.5) ? `${base.slice(0, cut)}*` : [...base].map((ch, i) => (i === cut ? '?' : ch)).join('');
  }
  if (r === 6) return `${base}\${*}`;
  return base;
}

function condition(p: Pick, sample: Claims): Record<string, Record<string, string | string[]>> {
  const out: Record<string, Record<string, string | string[]>> = {};
  for (let i = 1 + p.int(3); i > 0; i--) {
    const family = p.one(['String', 'String', 'String', 'Null', 'Bool']);
    const key = p.one(KEYS);
    let op: string;
    let values: string[];
    if (family === 'Null') {
      op = 'Null';
      values = [p.one(['true', 'false'])];
    } else if (family === 'Bool') {
      op = 'Bool';
      values = [p.one(['true', 'false', 'True', `\${${GH}:workflow}`])];
    } else {
      op = p.one(STRING_OPS);
      const wildcards = op.includes('Like');
      values = Array.from({ length: 1 + p.int(3) }, () => valueFor(p, key, sample, wildcards));
    }
    if (op !== 'Null') {
      if (p.chance(0.2)) op += 'IfExists';
      if (p.chance(0.2)) op = `${p.one(['ForAnyValue', 'ForAllValues'])}:${op}`;
    }
    (out[op] ??= {})[`${GH}:${key}`] = values.length === 1 && p.chance(0.5) ? values[0]! : values;
  }
  return out;
}

/** A random trust policy: one to three statements, Allow and Deny, conditions over one sample's claims. */
export function randomPolicy(p: Pick, sample: Claims): Policy {
  const statements = Array.from({ length: 1 + p.int(3) }, (_, i) => ({
    Effect: i > 0 && p.chance(0.4) ? 'Deny' : 'Allow',
    Principal: { Federated: PROVIDER_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: condition(p, sample),
  }));
  return { Version: '2012-10-17', Statement: statements };
}

/** Mutants of a real policy: an operator changed, IfExists or a set qualifier added, a value's case changed, a Deny copy. */
export function mutants(policy: Policy, p: Pick, count: number): Policy[] {
  const out: Policy[] = [];
  for (let n = 0; n < count; n++) {
    const copy = JSON.parse(JSON.stringify(policy)) as Policy;
    const s = p.one(copy.Statement);
    const cond = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
    const ops = Object.keys(cond);
    const kind = p.int(5);
    if (kind === 0 || ops.length === 0) {
      copy.Statement.push({ ...JSON.parse(JSON.stringify(s)), Effect: 'Deny', Sid: 'mutant' });
    } else {
      const op = p.one(ops);
      const body = cond[op]!;
      delete cond[op];
      const bare = op.replace(/^For(Any|All)Values?:/i, '').replace(/IfExists$/i, '');
      const renamed =
        kind === 1 ? (bare === 'StringEquals' ? 'StringLike' : bare === 'StringLike' ? 'StringEquals' : bare) :
        kind === 2 && bare !== 'Null' ? `${op}IfExists`.replace(/IfExistsIfExists$/, 'IfExists') :
        kind === 3 && bare !== 'Null' ? `${p.one(['ForAnyValue', 'ForAllValues'])}:${bare}` : op;
      if (kind === 4) {
        for (const [k, v] of Object.entries(body)) body[k] = Array.isArray(v) ? v.map((x) => String(x).toUpperCase()) : String(v).toUpperCase();
      }
      cond[renamed] = { ...(cond[renamed] ?? {}), ...body };
    }
    out.push(copy);
  }
  return out;
}

/** Hand-written edges the random cases reach only rarely: each pins one undecided class at its boundary. */
export function edgeCases(p: Pick): { policy: Policy; claims: Claims }[] {
  const allow = (condition: Record<string, Record<string, string | string[]>>): Policy => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }],
  });
  const base = claimSet(p);
  return [
    { policy: allow({ StringLike: { [`${GH}:ref`]: 'refs/heads/fix-?' } }), claims: { ...base, ref: 'refs/heads/fix-🚀' } },
    { policy: allow({ StringLike: { [`${GH}:ref`]: 'refs/heads/fix-??' } }), claims: { ...base, ref: 'refs/heads/fix-🚀' } },
    { policy: allow({ 'ForAnyValue:StringEqualsIfExists': { [`${GH}:environment`]: 'prod' } }), claims: { ...base, environment: undefined as never } },
    { policy: allow({ StringEqualsIgnoreCase: { [`${GH}:environment`]: 'kelvin' } }), claims: { ...base, environment: '\u212aelvin' } },
  ].map(({ policy, claims }) => ({ policy, claims: Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) as Claims }));
}
