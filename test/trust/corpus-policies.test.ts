/**
 * The 38 real-world trust policies in test/corpus/trust-policies against their catalog.json
 * verdicts and notes (the real tokens are in corpus-tokens.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateTrustPolicy, lintTrustPolicy, parseTrustPolicy, type LintRuleId } from '../../src/trust/index.js';
import { catalog, corpusPath, policyFiles, withConcretePrincipal } from './helpers/corpus.js';

const policy = (file: string): unknown => JSON.parse(readFileSync(corpusPath('trust-policies', file), 'utf8'));

/**
 * Expected error rule ids (exactly) for every catalog entry, and warnings that must be among the
 * findings, derived from each entry's verdict and notes.
 *
 * Verdict mapping: "good…" and "acceptable-broad" (one pinned repository, any ref) → no error;
 * "broad" (any repository of an owner) and "BAD…" → at least one error of the kind the notes describe;
 * "…never-matches" → the never-matches error; "edge", "ok-missing-aud", "depends-on-input" and the
 * issue reports are judged by their notes.
 */
const EXPECTED: Record<string, { errors: LintRuleId[]; warnings?: LintRuleId[]; why?: string }> = {
  'policies/aws-docs_iam-user-guide_github_branch.json': { errors: [], warnings: ['name-only-sub'] },
  'policies/aws-docs_iam-user-guide_github_repo-any-branch.json': { errors: [], warnings: ['pull-request-with-protected'] },
  'policies/aws-docs_iam-user-guide_github_org-wide.json': { errors: ['sub-wildcard-repository'] },
  'policies/github-docs_oidc-in-aws_branch.json': { errors: [] },
  'policies/github-docs_oidc-in-aws_environment.json': { errors: [] },
  'policies/github-docs_oidc-in-aws_repo-wildcard.json': { errors: [], warnings: ['pull-request-with-protected'] },
  'policies/configure-aws-credentials_README_legacy-sub.json': { errors: [], warnings: ['name-only-sub', 'unresolved-placeholder'] },
  'policies/configure-aws-credentials_README_immutable-sub.json': { errors: [], warnings: ['unresolved-placeholder'] },
  'policies/configure-aws-credentials_cfn-example_role.json': {
    errors: [],
    warnings: ['aud-missing', 'unresolved-placeholder'],
    why:
      'verdict bad-by-default: the danger is in the CloudFormation parameter DEFAULTS ("*"), which are not part of the transcribed document; as written the sub is an unrendered !Sub template, so lint reports the placeholders and the missing aud, and cannot know the defaults',
  },
  'policies/terraform-aws-modules_iam-role_github-oidc_example.json': {
    errors: [],
    warnings: ['for-all-values-in-allow', 'unknown-condition-key', 'pull-request-with-protected'],
  },
  'policies/unfunco_terraform-aws-oidc-github_default.json': { errors: [] },
  'policies/cds-snc_terraform-modules_gh_oidc_role_multiple_claims.json': { errors: ['sub-wildcard-repository'], warnings: ['aud-missing'] },
  'policies/cds-snc_notification-terraform_github_docker_push.json': { errors: [], warnings: ['aud-missing'] },
  'policies/ministryofjustice_operations-engineering_dsd.json': { errors: [] },
  'policies/infrahouse_terraform-aws-gha-admin.json': { errors: [] },
  'policies/champ-oss_terraform-aws-oidc-github_data.json': {
    errors: [],
    warnings: ['unresolved-placeholder'],
    why: 'edge: the sub is the unrendered "${var.trusted_repos}"; the empty-list rendering the notes mention is checked by its own test',
  },
  'policies/Script47_aws-tf-modules_oidc-github-iam-role.json': { errors: [], warnings: ['unresolved-placeholder'] },
  'policies/MATATAT_resume-2.0_release.json': { errors: [] },
  'policies/scalable-ml-systems_ci-json-tpl.json': { errors: [], warnings: ['unresolved-placeholder'] },
  'policies/kiyota-tagbangers_github-actions-playground.json': { errors: [] },
  'policies/michthom_tf_codebuild_runner_gotchas.json': { errors: [] },
  'policies/dvdmelamed_aws-infra_repo-star.json': { errors: ['sub-wildcard-owner'], warnings: ['aud-missing'] },
  'policies/koki-develop_todobox_no-aud.json': { errors: [], warnings: ['aud-missing'] },
  'policies/thirdmadman_rsschool_v1_StringEquals-with-wildcard.json': { errors: ['never-matches'] },
  'policies/thirdmadman_rsschool_v2_fixed.json': { errors: [] },
  'policies/erioluwa66_v1_typo-key_aud-only.json': { errors: ['never-matches', 'no-sub-condition'] },
  'policies/erioluwa66_v2_fixed_multi-repo.json': { errors: [] },
  'policies/redja-s_tf-aws-iam_v1_sub-repo-colon.json': { errors: ['never-matches'] },
  'policies/redja-s_tf-aws-iam_v2_single-repo.json': { errors: [] },
  'policies/redja-s_tf-aws-iam_v3_two-repos.json': { errors: [] },
  'policies/kcrane3576_eks-mlops_read_v-bad_env-plus-pull_request.json': { errors: ['never-matches'] },
  'policies/kcrane3576_eks-mlops_write_branch.json': { errors: [] },
  'policies/issue_cac-511_branch-StringLike.json': { errors: [] },
  'policies/issue_cac-672_StringEquals-with-iss-key.json': { errors: ['never-matches'] },
  'policies/issue_cac-672_working.json': { errors: [], warnings: ['for-all-values-in-allow', 'unknown-condition-key'] },
  'policies/issue_cac-452_ForAllValues-branch-only.json': { errors: ['sub-wildcard-repository'], warnings: ['for-all-values-in-allow'] },
  'policies/issue_cac-318_ForAllValues-org-only.json': { errors: ['sub-wildcard-repository'], warnings: ['for-all-values-in-allow', 'aud-missing'] },
  'policies/issue_cac-690_suggested.json': { errors: [], warnings: ['for-all-values-in-allow', 'unknown-condition-key'] },
};

const entries = catalog();

describe('trust-policies corpus', () => {
  it('has 38 policies, each in the catalog and in the expectations table', () => {
    expect(policyFiles().length).toBe(38);
    expect(entries.length).toBe(38);
    expect(new Set(entries.map((e) => e.file))).toEqual(new Set(policyFiles().map((f) => `policies/${f}`)));
    expect(new Set(Object.keys(EXPECTED))).toEqual(new Set(entries.map((e) => e.file)));
  });

  it.each(entries.map((e) => [e.file, e] as const))('parses %s', (file) => {
    expect(() => parseTrustPolicy(policy(file))).not.toThrow();
  });

  it.each(entries.map((e) => [`${e.file} [${e.verdict}]`, e] as const))('lint %s', (_label, entry) => {
    const findings = lintTrustPolicy(policy(entry.file));
    const expected = EXPECTED[entry.file]!;
    const errors = [...new Set(findings.filter((f) => f.severity === 'error').map((f) => f.ruleId))].sort();
    expect(errors, expected.why).toEqual([...expected.errors].sort());
    const ruleIds = findings.map((f) => f.ruleId);
    for (const w of expected.warnings ?? []) expect(ruleIds, `${w} expected`).toContain(w);
    for (const f of findings) {
      expect(f.path.startsWith('$')).toBe(true);
      expect(f.message.length).toBeGreaterThan(10);
    }
  });

  it.each(entries.map((e) => [e.file, e] as const))('verdict agrees with the lint: %s', (file, entry) => {
    const errors = lintTrustPolicy(policy(file)).filter((f) => f.severity === 'error').map((f) => f.ruleId);
    const verdict = entry.verdict;
    if (verdict === 'bad-by-default') {
      // Documented exception (see EXPECTED): the defaults that make it bad are not in the document.
      expect(errors).toEqual([]);
    } else if (/never-matches/i.test(verdict)) {
      expect(errors).toContain('never-matches');
    } else if (/^BAD/i.test(verdict) || /^broad/.test(verdict)) {
      expect(errors.length).toBeGreaterThan(0);
    } else if (/^good/.test(verdict) || verdict === 'acceptable-broad' || verdict === 'ok-missing-aud') {
      expect(errors).toEqual([]);
    }
  });

  it('an empty value list (champ-oss rendering with trusted_repos = []) never matches', () => {
    const doc = withConcretePrincipal(policy('policies/champ-oss_terraform-aws-oidc-github_data.json')) as {
      Statement: { Condition: { StringLike: Record<string, unknown> } }[];
    };
    doc.Statement[0]!.Condition.StringLike['token.actions.githubusercontent.com:sub'] = [];
    const findings = lintTrustPolicy(doc);
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.ruleId)).toContain('never-matches');
    const decision = evaluateTrustPolicy(doc, { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: 'repo:o/r:ref:refs/heads/main' });
    expect(decision.allowed).toBe(false);
  });

  it('champ-oss examples pass raw "org/repo" without the repo: prefix: never matches', () => {
    const doc = withConcretePrincipal(policy('policies/champ-oss_terraform-aws-oidc-github_data.json')) as {
      Statement: { Condition: { StringLike: Record<string, unknown> } }[];
    };
    doc.Statement[0]!.Condition.StringLike['token.actions.githubusercontent.com:sub'] = 'champ-oss/terraform-aws-oidc-github';
    expect(lintTrustPolicy(doc).filter((f) => f.severity === 'error').map((f) => f.ruleId)).toEqual(['never-matches']);
  });

  it('points at the exact JSON path of the broad sub value', () => {
    const findings = lintTrustPolicy(policy('policies/cds-snc_terraform-modules_gh_oidc_role_multiple_claims.json'));
    expect(findings.filter((f) => f.ruleId === 'sub-wildcard-repository').map((f) => f.path)).toEqual([
      '$.Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"][0]',
      '$.Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"][1]',
    ]);
  });

  it('the immutable README policy gets no name-only warning; the legacy one does', () => {
    const ids = (f: string) => lintTrustPolicy(policy(f)).map((x) => x.ruleId);
    expect(ids('policies/configure-aws-credentials_README_immutable-sub.json')).not.toContain('name-only-sub');
    expect(ids('policies/configure-aws-credentials_README_legacy-sub.json')).toContain('name-only-sub');
  });
});

const GITHUB = 'https://token.actions.githubusercontent.com';

describe('catalog notes reproduced by evaluation', () => {
  const claims = (sub: string, extra: Record<string, unknown> = {}) => ({ iss: GITHUB, aud: 'sts.amazonaws.com', sub, ...extra });
  const evaluate = (file: string, c: Record<string, unknown>) => evaluateTrustPolicy(withConcretePrincipal(policy(file)), c);

  it('StringEquals with a wildcard is always denied (thirdmadman v1), the StringLike fix is allowed (v2)', () => {
    const sub = 'repo:${var.github_org}/${var.github_repo}:ref:refs/heads/main';
    // The policy's placeholders are IAM policy-variable syntax; rendered by hand for this check:
    const v1 = JSON.parse(JSON.stringify(policy('policies/thirdmadman_rsschool_v1_StringEquals-with-wildcard.json')).replaceAll('${var.github_org}', 'org').replaceAll('${var.github_repo}', 'repo'));
    const v2 = JSON.parse(JSON.stringify(policy('policies/thirdmadman_rsschool_v2_fixed.json')).replaceAll('${var.github_org}', 'org').replaceAll('${var.github_repo}', 'repo'));
    const c = claims('repo:org/repo:ref:refs/heads/main');
    const d1 = evaluateTrustPolicy(withConcretePrincipal(v1), c);
    expect(d1.allowed).toBe(false);
    expect(d1.statements[0]!.reason).toMatchObject({ kind: 'condition', operator: 'StringEquals', key: 'token.actions.githubusercontent.com:sub' });
    expect(d1.statements[0]!.reason!.message).toMatch(/not wildcards/);
    expect(evaluateTrustPolicy(withConcretePrincipal(v2), c).allowed).toBe(true);
    expect(sub).toContain('${');
  });

  it('the typo key is absent, so the aud-only policy always denies (erioluwa66 v1)', () => {
    const d = evaluate('policies/erioluwa66_v1_typo-key_aud-only.json', claims('repo:anyone/anything:ref:refs/heads/main'));
    expect(d.decision).toBe('implicit-deny');
    expect(d.statements[0]!.reason).toMatchObject({ key: 'token.actions.githubuser.content.com:aud', tokenValue: null });
  });

  it('sub "repo:" never matches (redja-s v1)', () => {
    expect(evaluate('policies/redja-s_tf-aws-iam_v1_sub-repo-colon.json', claims('repo:redja-s/tf-aws-iam:ref:refs/heads/main')).allowed).toBe(false);
  });

  it('":iss" is not a request-context key: StringEquals on it denies (cac-672), ForAllValues passes (cac-672 working)', () => {
    const c = claims('repo:sample-org/sample-repo:environment:dev');
    const denied = evaluate('policies/issue_cac-672_StringEquals-with-iss-key.json', c);
    expect(denied.allowed).toBe(false);
    expect(denied.statements[0]!.reason).toMatchObject({ key: 'token.actions.githubusercontent.com:iss', tokenValue: null });
    expect(evaluate('policies/issue_cac-672_working.json', c).allowed).toBe(true);
  });

  it('ForAllValues branch policy denies a job with an environment (cac-452) and allows a branch job', () => {
    const file = 'policies/issue_cac-452_ForAllValues-branch-only.json';
    const env = evaluate(file, claims('repo:myorganization/app:environment:prod'));
    expect(env.allowed).toBe(false);
    expect(env.statements[0]!.reason!.message).toMatch(/environment/);
    expect(evaluate(file, claims('repo:myorganization/app:ref:refs/heads/main')).allowed).toBe(true);
  });

  it('ForAllValues on sub passes a matching org (cac-318), org names are case-sensitive', () => {
    const file = 'policies/issue_cac-318_ForAllValues-org-only.json';
    expect(evaluate(file, claims('repo:My-ORG/app:ref:refs/heads/main')).allowed).toBe(true);
    const lower = evaluate(file, claims('repo:my-org/app:ref:refs/heads/main'));
    expect(lower.allowed).toBe(false);
  });

  it('cac-511: a good branch policy denies the environment job the reporter most likely ran, and explains it', () => {
    const d = evaluate('policies/issue_cac-511_branch-StringLike.json', claims('repo:MYORG/operations:environment:production'));
    expect(d.allowed).toBe(false);
    expect(d.statements[0]!.reason!.message).toMatch(/environment:NAME/);
    const cased = evaluate('policies/issue_cac-511_branch-StringLike.json', claims('repo:myorg/operations:ref:refs/heads/main'));
    expect(cased.statements[0]!.reason!.message).toMatch(/letter case/);
    expect(evaluate('policies/issue_cac-511_branch-StringLike.json', claims('repo:MYORG/operations:ref:refs/heads/main')).allowed).toBe(true);
  });

  it('env + pull_request sub never matches either run (kcrane read)', () => {
    const file = 'policies/kcrane3576_eks-mlops_read_v-bad_env-plus-pull_request.json';
    const rendered = JSON.parse(JSON.stringify(policy(file)).replaceAll('$REPO_OWNER', 'o').replaceAll('$REPO_NAME', 'r').replaceAll('$ENVIRONMENT', 'dev'));
    for (const sub of ['repo:o/r:environment:dev', 'repo:o/r:pull_request']) {
      expect(evaluateTrustPolicy(withConcretePrincipal(rendered), claims(sub, { repository: 'o/r' })).allowed).toBe(false);
    }
  });

  it('ForAnyValue on a single-valued sub works like StringEquals (michthom), and the Service statement does not apply', () => {
    const file = 'policies/michthom_tf_codebuild_runner_gotchas.json';
    const ok = evaluateTrustPolicy(policy(file), claims('repo:michthom/tf_codebuild_runner:environment:stg'));
    expect(ok.allowed).toBe(true);
    expect(ok.statements[0]).toMatchObject({ sid: 'AllowCodeBuildRunner', applies: false, reason: { kind: 'principal' } });
    expect(ok.statements[1]).toMatchObject({ sid: 'AllowGitHubRunner', applies: true });
    expect(evaluateTrustPolicy(policy(file), claims('repo:michthom/tf_codebuild_runner:ref:refs/heads/main')).allowed).toBe(false);
  });

  it('repo:* admits any repository on GitHub (dvdmelamed)', () => {
    expect(evaluate('policies/dvdmelamed_aws-infra_repo-star.json', claims('repo:attacker/evil:pull_request')).allowed).toBe(true);
  });

  it('the legacy README policy stops matching the immutable subject; the immutable one matches it', () => {
    const render = (f: string) =>
      withConcretePrincipal(
        JSON.parse(
          JSON.stringify(policy(f))
            .replaceAll('<GITHUB_ORG>', 'octo-org')
            .replaceAll('<ORG_ID>', '123456')
            .replaceAll('<GITHUB_REPOSITORY>', 'octo-repo')
            .replaceAll('<REPO_ID>', '789012')
            .replaceAll('<GITHUB_BRANCH>', 'main'),
        ),
      );
    const immutable = claims('repo:octo-org@123456/octo-repo@789012:ref:refs/heads/main');
    const legacy = evaluateTrustPolicy(render('policies/configure-aws-credentials_README_legacy-sub.json'), immutable);
    expect(legacy.allowed).toBe(false);
    expect(legacy.statements[0]!.reason!.message).toMatch(/immutable subject form/);
    expect(evaluateTrustPolicy(render('policies/configure-aws-credentials_README_immutable-sub.json'), immutable).allowed).toBe(true);
  });

  it('templated principals do not match the token issuer, and say why', () => {
    const d = evaluateTrustPolicy(policy('policies/koki-develop_todobox_no-aud.json'), claims('repo:koki-develop/todobox:ref:refs/heads/main'));
    expect(d.allowed).toBe(false);
    expect(d.statements[0]!.reason).toMatchObject({ kind: 'principal' });
    expect(d.statements[0]!.reason!.message).toMatch(/template placeholder/);
  });
});
