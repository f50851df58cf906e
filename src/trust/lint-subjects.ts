/** Subject rules: wildcard breadth of each sub, then across the policy name-only, custom-template and pull_request subjects. */
import type { OperatorSpec } from './operators.js';
import { customSubjectClaim, immutableOwner, nameOnlyOwner, subjectAdmits, subjectBreadth, type ValueView } from './subject.js';
import type { Findings } from './lint-findings.js';

/** A sub value that can match, with the operator it is under. */
export interface SubValue {
  readonly view: ValueView;
  readonly op: OperatorSpec;
  readonly path: string;
  readonly value: string;
}

export function lintSubBreadth(sub: SubValue, out: Findings): void {
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

export function lintPolicySubjects(subs: readonly SubValue[], out: Findings): void {
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
