/**
 * Static checks of a GitHub OIDC role trust policy. Every finding has a stable rule id, a severity, a
 * message and the JSON path it points at. Rules are documented in {@link LINT_RULES}.
 */
import { conditionKeyPrefix, DEFAULT_AUDIENCE, isContextClaim, isGitHubProvider, splitKey, WEB_IDENTITY_ACTION } from './keys.js';
import { isPositiveRestriction, type OperatorSpec } from './operators.js';
import { parseTrustPolicy, TrustPolicyError, type ParsedConditionEntry, type ParsedStatement } from './policy.js';
import { looksLikeTemplate } from './evaluate.js';
import {
  customSubjectClaim,
  immutableOwner,
  nameOnlyOwner,
  subjectAdmits,
  subjectBreadth,
  subjectNeverMatches,
  viewValue,
  type ValueView,
} from './subject.js';
import { compileStringLike, literalUnits, matchesStringLike, matchUnits } from './wildcard.js';
import { sizeFindings } from './size.js';

export type LintSeverity = 'error' | 'warning';

export interface LintFinding {
  /** Stable identifier, e.g. `no-sub-condition`. */
  readonly ruleId: LintRuleId;
  readonly severity: LintSeverity;
  readonly message: string;
  /** JSON path, e.g. `$.Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"]`. */
  readonly path: string;
}

export interface LintOptions {
  /** The audience the action requests; default `sts.amazonaws.com`. */
  readonly audience?: string;
  /** The expected issuer; default: any GitHub issuer (github.com, an enterprise slug, GHES). */
  readonly issuer?: string;
  /** The account's "Role trust policy length" quota; default IAM's 2,048 (see size.ts). */
  readonly sizeQuota?: number;
}

/** The rules, with their severity and what they catch. */
export const LINT_RULES = {
  'invalid-policy': { severity: 'error', summary: 'the document is not a valid trust policy (the message names the JSON path)' },
  'no-sub-condition': { severity: 'error', summary: 'an Allow statement for the GitHub provider has no sub condition: any repository on GitHub can assume the role' },
  'sub-wildcard-owner': { severity: 'error', summary: 'a sub wildcard before the end of the owner name (`*`, `repo:*`, `repo:org*`): repositories of other owners match' },
  'sub-wildcard-repository': { severity: 'error', summary: 'a sub wildcard in the repository name (`repo:org/*`): every repository of the owner matches, including future ones' },
  'never-matches': { severity: 'error', summary: 'a condition that can never hold: a wildcard in StringEquals, a malformed subject, a key STS never provides, an empty value list' },
  'principal-not-github': { severity: 'error', summary: 'a principal that is not the GitHub OIDC provider (another provider, a malformed ARN, or "*")' },
  'aud-missing': { severity: 'warning', summary: 'no aud condition: tokens minted for any audience are accepted' },
  'aud-mismatch': { severity: 'warning', summary: 'the aud condition does not admit the audience the action sends (default sts.amazonaws.com)' },
  'for-all-values-in-allow': { severity: 'warning', summary: 'ForAllValues: in an Allow statement is true when the key is absent or misspelled' },
  'pull-request-with-protected': { severity: 'warning', summary: 'the role admits pull_request subjects and also an environment or branch/tag' },
  'name-only-sub': { severity: 'warning', summary: 'a name-only sub (`repo:owner/name:…`) does not match the immutable `repo:owner@id/name@id:…` subjects newer repositories get' },
  'custom-subject': { severity: 'warning', summary: 'a sub that only matches a customised subject template (it does not start with `repo:`)' },
  'unknown-condition-key': { severity: 'warning', summary: 'a condition key STS never provides, under an operator that then always holds (no effect)' },
  'unresolved-placeholder': { severity: 'warning', summary: 'an unrendered template placeholder (`${var.x}`, `<ACCOUNT_ID>`, `$VAR`): lint the rendered policy' },
  'policy-too-large': { severity: 'error', summary: 'longer than the role trust policy quota (2,048 characters without whitespace unless raised; 4,096 at most): IAM refuses it with LimitExceeded' },
  'policy-near-size-limit': { severity: 'warning', summary: 'at 90 % or more of the role trust policy quota: the next subjects may not fit' },
} as const satisfies Record<string, { severity: LintSeverity; summary: string }>;

export type LintRuleId = keyof typeof LINT_RULES;

class Findings {
  readonly list: LintFinding[] = [];
  private readonly seen = new Set<string>();
  add(ruleId: LintRuleId, path: string, message: string): void {
    const id = `${ruleId}\u0000${path}\u0000${message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.list.push({ ruleId, severity: LINT_RULES[ruleId].severity, message, path });
  }
}

function coversWebIdentity(s: ParsedStatement): boolean {
  const wanted = WEB_IDENTITY_ACTION.toLowerCase();
  const covered = s.action.values.some((a) => matchesStringLike(a.toLowerCase(), wanted));
  return s.action.negated ? !covered : covered;
}

/** Statements that can grant or deny sts:AssumeRoleWithWebIdentity to an OIDC token. */
function isWebIdentityStatement(s: ParsedStatement): boolean {
  return coversWebIdentity(s) && (s.principal.anyone || s.principal.federated.length > 0);
}

interface KeyInfo {
  readonly claim: string;
  /** The key names a provider this statement trusts and a claim STS provides. */
  readonly known: boolean;
  /** The key's prefix looks like an OIDC provider (a host name), as opposed to `aws:`, `sts:`, … */
  readonly providerKey: boolean;
  readonly why?: string;
}

function classifyKey(key: string, providers: readonly string[] | undefined): KeyInfo {
  const split = splitKey(key);
  if (!split) return { claim: '', known: false, providerKey: false };
  const provider = conditionKeyPrefix(split.provider);
  const claim = split.claim.toLowerCase();
  const providerKey = split.provider.includes('.') || split.provider.includes('/');
  if (!providerKey) return { claim, known: false, providerKey };
  const trusted = providers ? providers.includes(provider) : isGitHubProvider(provider);
  if (!trusted) {
    return {
      claim,
      known: false,
      providerKey,
      why: providers
        ? `its prefix "${split.provider}" is not the provider this statement trusts (${providers.map((p) => `"${p}"`).join(', ')})`
        : `its prefix "${split.provider}" is not a GitHub OIDC provider (token.actions.githubusercontent.com, …/<enterprise>, or <host>/_services/token)`,
    };
  }
  if (!isContextClaim(claim)) {
    return { claim, known: false, providerKey, why: `STS does not provide "${split.claim}" as a condition key (only aud, sub, actor, actor_id, job_workflow_ref, repository, repository_id, workflow, ref, environment, enterprise_id)` };
  }
  return { claim, known: true, providerKey };
}

/** The OIDC providers a statement trusts, when its principal is concrete; undefined when unknown. */
function statementProviders(s: ParsedStatement, issuer: string | undefined): string[] | undefined {
  if (issuer !== undefined) return [conditionKeyPrefix(issuer)];
  const providers = s.principal.federated
    .map((arn) => {
      const m = /^arn:[^:]*:iam::[^:]*:oidc-provider\/(.+)$/.exec(arn);
      return m && !looksLikeTemplate(m[1]!) ? conditionKeyPrefix(m[1]!) : undefined;
    })
    .filter((p): p is string => p !== undefined);
  return providers.length > 0 && providers.length === s.principal.federated.length ? providers : undefined;
}

function lintPrincipal(s: ParsedStatement, issuer: string | undefined, out: Findings): void {
  if (s.principal.anyone) {
    out.add('principal-not-github', s.principalPath, 'Principal "*" trusts every principal, not only the GitHub OIDC provider; use {"Federated": "arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com"}');
  }
  const expected = issuer !== undefined ? conditionKeyPrefix(issuer) : undefined;
  s.principal.federated.forEach((arn, i) => {
    const path = s.principal.federatedPaths[i]!;
    const loose = /^arn:([^:]*):iam::([^:]*):oidc-provider\/(.+)$/.exec(arn);
    if (!loose) {
      if (looksLikeTemplate(arn)) {
        out.add('unresolved-placeholder', path, `Principal.Federated ${JSON.stringify(arn)} looks like an unrendered template placeholder; lint the rendered policy to check the provider`);
      } else {
        out.add('principal-not-github', path, `Principal.Federated ${JSON.stringify(arn)} is not an OIDC provider ARN (arn:<partition>:iam::<12-digit account>:oidc-provider/token.actions.githubusercontent.com)`);
      }
      return;
    }
    const [, partition, account, rawProvider] = loose as unknown as [string, string, string, string];
    if (looksLikeTemplate(rawProvider)) {
      out.add('unresolved-placeholder', path, `Principal.Federated ${JSON.stringify(arn)} has template placeholders for the provider; lint the rendered policy to check it is token.actions.githubusercontent.com`);
      return;
    } else {
      const provider = conditionKeyPrefix(rawProvider);
      if (expected !== undefined ? provider !== expected : !isGitHubProvider(provider)) {
        out.add(
          'principal-not-github',
          path,
          `Principal.Federated trusts the OIDC provider "${provider}", not ${expected !== undefined ? `"${expected}"` : 'the GitHub Actions provider (token.actions.githubusercontent.com)'}`,
        );
        return;
      }
    }
    const partitionTemplate = looksLikeTemplate(partition);
    if (!partitionTemplate && !/^aws(-[a-z]+)*$/.test(partition)) {
      out.add('principal-not-github', path, `Principal.Federated ${JSON.stringify(arn)} has the partition ${JSON.stringify(partition)}; expected aws, aws-cn, aws-us-gov, …`);
    } else if (!/^\d{12}$/.test(account)) {
      if (looksLikeTemplate(account) || /^[A-Za-z_#-]+$/.test(account) || /[xX#]{3,}/.test(account)) {
        out.add('unresolved-placeholder', path, `the account in Principal.Federated ${JSON.stringify(arn)} is a placeholder (${JSON.stringify(account)}); put the 12-digit AWS account id that holds the OIDC provider`);
      } else {
        out.add('principal-not-github', path, `the account in Principal.Federated ${JSON.stringify(arn)} is ${JSON.stringify(account)}, not a 12-digit AWS account id, so no token matches it`);
      }
    } else if (partitionTemplate) {
      out.add('unresolved-placeholder', path, `the partition in Principal.Federated ${JSON.stringify(arn)} is a template placeholder`);
    }
  });
}

interface SubValue {
  readonly view: ValueView;
  readonly op: OperatorSpec;
  readonly path: string;
  readonly value: string;
}

function lintEntryValues(
  op: OperatorSpec,
  entry: ParsedConditionEntry,
  info: KeyInfo,
  subs: SubValue[],
  out: Findings,
): void {
  const restricting = !op.negated && op.base !== 'Null';
  entry.values.forEach((value, i) => {
    const path = entry.valuePaths[i]!;
    const view = viewValue(value);
    if (view.templates.length > 0) {
      out.add('unresolved-placeholder', path, `${JSON.stringify(value)} contains the template placeholder ${view.templates.map((t) => JSON.stringify(t)).join(', ')}; lint the rendered policy`);
    }
    if (!restricting || !info.known) return;
    if (!op.wildcards && view.rawWildcard && op.base.startsWith('String')) {
      out.add(
        'never-matches',
        path,
        `${op.name} compares literally, so the "*"/"?" in ${JSON.stringify(value)} is not a wildcard and no token ever carries it: this value never matches${info.claim === 'sub' ? ' (StringLike would make it a wildcard; check that the result is not too broad)' : ''}`,
      );
      return;
    }
    if (info.claim === 'sub' && op.base.startsWith('String')) {
      const never = subjectNeverMatches(view, op.wildcards);
      if (never) {
        out.add('never-matches', path, `sub ${JSON.stringify(value)} never matches: ${never}`);
        return;
      }
      subs.push({ view, op, path, value });
    }
  });
  if (restricting && info.known && entry.values.length === 0) {
    out.add('never-matches', entry.path, `${op.name} lists no values for "${entry.key}", so the condition never holds`);
  }
}

function lintSubBreadth(sub: SubValue, out: Findings): void {
  if (!sub.op.wildcards) return;
  const breadth = subjectBreadth(sub.view.units);
  if (breadth === 'owner') {
    out.add(
      'sub-wildcard-owner',
      sub.path,
      `sub ${JSON.stringify(sub.value)} has a wildcard before the end of the owner name: repositories of ANY matching GitHub user or organisation can assume this role. Pin "repo:OWNER/REPO:…"`,
    );
  } else if (breadth === 'repository') {
    out.add(
      'sub-wildcard-repository',
      sub.path,
      `sub ${JSON.stringify(sub.value)} has a wildcard in the repository name: every repository of the owner, including ones created later by anyone allowed to, can assume this role. Pin "repo:OWNER/REPO:…"`,
    );
  }
}

function lintAllowStatement(s: ParsedStatement, options: LintOptions, out: Findings, policySubs: SubValue[]): void {
  lintPrincipal(s, options.issuer, out);
  const providers = statementProviders(s, options.issuer);
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  let subCondition = false;
  const audValues: { op: OperatorSpec; entry: ParsedConditionEntry }[] = [];
  const subs: SubValue[] = [];

  for (const block of s.conditions) {
    const op = block.operator;
    if (op.set === 'ForAllValues') {
      out.add(
        'for-all-values-in-allow',
        block.path,
        `${op.name} in an Allow statement is true when the key is absent or misspelled, and GitHub claims are single-valued: use ${op.base}${op.ifExists ? 'IfExists' : ''} without "ForAllValues:"`,
      );
    }
    for (const entry of block.entries) {
      const info = classifyKey(entry.key, providers);
      if (info.providerKey && !info.known) {
        // A sub condition for another (GitHub) provider is reported as never matching; not also as missing.
        if (info.claim === 'sub' && !op.negated) subCondition = true;
        if (isPositiveRestriction(op) || (op.base === 'Null' && entry.values.some((v) => v.toLowerCase() === 'false'))) {
          out.add('never-matches', entry.path, `"${entry.key}" is never in the request context (${info.why}), so ${op.name} on it is always false and this statement never applies`);
        } else {
          out.add('unknown-condition-key', entry.path, `"${entry.key}" is never in the request context (${info.why}), so this ${op.name} condition always holds and checks nothing`);
        }
        continue;
      }
      if (info.known && op.base === 'Null' && (info.claim === 'sub' || info.claim === 'aud') && entry.values.every((v) => v.toLowerCase() === 'true')) {
        out.add('never-matches', entry.path, `Null "true" requires "${entry.key}" to be absent, but every GitHub token has ${info.claim}`);
      }
      if (info.known && info.claim === 'sub' && !op.negated && op.base !== 'Null' && op.evaluated) subCondition = true;
      if (info.known && info.claim === 'aud' && !op.negated && op.base.startsWith('String')) audValues.push({ op, entry });
      lintEntryValues(op, entry, info, subs, out);
    }
  }

  if (!subCondition) {
    const prefix = providers?.[0] ?? 'token.actions.githubusercontent.com';
    out.add(
      'no-sub-condition',
      s.conditions.length > 0 ? s.conditionPath : s.path,
      `Allow statement has no condition on "${prefix}:sub": any repository on GitHub can assume this role. Add e.g. "StringEquals": {"${prefix}:sub": "repo:OWNER/REPO:environment:NAME"}`,
    );
  }

  if (audValues.length === 0) {
    const prefix = providers?.[0] ?? 'token.actions.githubusercontent.com';
    out.add(
      'aud-missing',
      s.conditions.length > 0 ? s.conditionPath : s.path,
      `no condition on "${prefix}:aud": tokens minted for any audience are accepted. Add "StringEquals": {"${prefix}:aud": "${audience}"}`,
    );
  } else {
    for (const { op, entry } of audValues) {
      const admits = entry.values.some((v) => {
        if (op.wildcards) return matchUnits(compileStringLike(v), audience);
        if (op.ignoreCase) return v.toLowerCase() === audience.toLowerCase();
        return matchUnits(literalUnits(v), audience);
      });
      const templated = entry.values.some((v) => viewValue(v).templates.length > 0);
      if (!admits && !templated && entry.values.length > 0) {
        out.add(
          'aud-mismatch',
          entry.path,
          `"${entry.key}" admits ${entry.values.map((v) => JSON.stringify(v)).join(', ')}, but the action requests the audience "${audience}" (its "audience" input): its tokens will be denied`,
        );
      }
    }
  }

  for (const sub of subs) lintSubBreadth(sub, out);
  policySubs.push(...subs);
}

function lintPolicySubjects(subs: readonly SubValue[], out: Findings): void {
  // Name-only subjects, unless the same owner is also pinned in the immutable form.
  const immutableOwners = new Set(subs.map((s) => immutableOwner(s.view)).filter((o): o is string => o !== undefined));
  for (const sub of subs) {
    const owner = nameOnlyOwner(sub.view);
    if (owner !== undefined && !immutableOwners.has(owner)) {
      out.add(
        'name-only-sub',
        sub.path,
        `sub ${JSON.stringify(sub.value)} uses the name-only form: it matches repositories created before 2026-07-15, but repositories created, renamed or transferred since then get "repo:OWNER@OWNER_ID/REPO@REPO_ID:…" and will be denied. Pin the immutable form too (keyless trust-policy generate --owner-id … --repository-id …)`,
      );
    }
    const claim = customSubjectClaim(sub.view);
    if (claim !== undefined) {
      out.add(
        'custom-subject',
        sub.path,
        `sub ${JSON.stringify(sub.value)} starts with "${claim}:", so it only matches if the organisation or repository customised its OIDC subject template; with the default template subjects start with "repo:"`,
      );
    }
  }
  // pull_request subjects on a role that also admits an environment or a branch/tag.
  const admits = subs.map((s) => ({ sub: s, admits: subjectAdmits(s.view, s.op) }));
  const protectedToo = admits.some((a) => a.admits.environment || a.admits.branchOrTag);
  if (!protectedToo) return;
  for (const { sub, admits: a } of admits) {
    if (!a.pullRequest) continue;
    out.add(
      'pull-request-with-protected',
      sub.path,
      `sub ${JSON.stringify(sub.value)} admits "…:pull_request" subjects (workflows running code proposed in a pull request, before review)${
        a.environment || a.branchOrTag ? ' as well as environment/branch subjects' : ' on a role that also admits an environment or branch/tag'
      }: give pull requests their own role`,
    );
  }
}

/** Lints a trust policy. A malformed document yields one `invalid-policy` error. */
export function lintTrustPolicy(policy: unknown, options: LintOptions = {}): LintFinding[] {
  let parsed;
  try {
    parsed = parseTrustPolicy(policy);
  } catch (error) {
    if (error instanceof TrustPolicyError) {
      return [{ ruleId: 'invalid-policy', severity: 'error', message: error.message, path: error.path }];
    }
    throw error;
  }
  const out = new Findings();
  const subs: SubValue[] = [];
  for (const s of parsed.statements) {
    if (s.effect !== 'Allow' || !isWebIdentityStatement(s)) continue;
    lintAllowStatement(s, options, out, subs);
  }
  lintPolicySubjects(subs, out);
  for (const finding of sizeFindings(parsed.document, options.sizeQuota)) out.add(finding.ruleId, parsed.root, finding.message);
  return out.list;
}

/** True when any finding is an error. */
export function hasLintErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
