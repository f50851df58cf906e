/** Help texts of `keyless trust-policy audit`, `test` and `prove`. */

export const AUDIT_HELP = `Usage: keyless trust-policy audit PATH... [--live] [options]

Finds every IAM role whose trust policy trusts a GitHub Actions OIDC provider (github.com, an
enterprise issuer, GHES) and lints it. Roles that trust no GitHub provider are skipped and counted.

PATH is any of:
  - output of "aws iam get-account-authorization-details", "aws iam list-roles", "aws iam get-role"
    (policies as objects or URL-encoded strings);
  - Terraform plan JSON ("terraform show -json plan.out"): aws_iam_role.assume_role_policy, or the
    aws_iam_policy_document data source it references where the plan read it;
  - a CloudFormation template, YAML (!Sub, !Ref, !GetAtt, !Join, !If, …) or JSON: AWS::IAM::Role
    AssumeRolePolicyDocument; parameter Defaults and OIDC providers of the template are resolved,
    other intrinsics are reported as unresolved;
  - a trust policy document;
  - a directory: searched for the above (*.json, *.yaml, *.yml, *.template; not .git,
    node_modules, .terraform);
  - "-": standard input.

Options:
  --live             also audit every role of the caller's AWS account (IAM ListRoles; credentials
                     and endpoint as for the AWS CLI; AWS_REGION or us-east-1)
  --json             print one JSON document {roles: [{role, source, findings: [{rule, severity,
                     message, path, line}]}], skipped}
  --format F         table (default), json, or sarif (SARIF 2.1.0 for GitHub code scanning)
  --audience A       the audience the action requests (default sts.amazonaws.com)
  --issuer URL       the expected issuer (default: any GitHub issuer)
  -h, --help         show this help

Rules: the lint rules ("keyless trust-policy lint --help"), plus unresolved-value (warning),
parameter-default and template-conditions (notes). Findings alike are printed once with their
count (×N), lines and paths, errors first, as lint prints them.
Exit codes: 0 no error-level finding, 3 error-level findings (or --live: no AWS credentials, or an
IAM call failed), 2 bad usage or bad input.
`;

export const TEST_HELP = `Usage: keyless trust-policy test FILE... [--json]
       keyless trust-policy test --policy FILE[#ROLE] --repository R (--environment E | --branch B | --tag T | --pull-requests)... [--json]

Checks expectation files (YAML): for a policy, runs that must be allowed and runs that must be
denied. Paths are relative to the expectation file.

  policy: roles/deploy-prod.json     # a policy, or a template/plan/IAM output (then role: NAME)
  defaults: { audience: sts.amazonaws.com }
  allow:
    - { repository: octo-org/app, environment: production }
  deny:
    - { repository: octo-org/app, ref: refs/heads/feature/x }
    - { repository: octo-org/app, event: pull_request }
    - { claims: { sub: "repo:octo-org/fork:environment:production", aud: sts.amazonaws.com } }

A run is given by its claims, or by the shorthand repository, ref (default refs/heads/main),
environment, event (default push), workflow, workflow_ref, job_workflow_ref, actor, actor_id,
owner_id, repository_id, audience, issuer, enterprise, enterprise_id, subject (name-only or
immutable), subject_claims (a customised template, e.g. [repo, context, job_workflow_ref]),
visibility, runner_environment, head_ref, base_ref, name. The shorthand builds the claims GitHub
would issue: sub is repo:OWNER/REPO:environment:NAME for a job with an environment, else
repo:OWNER/REPO:pull_request for pull_request events, else repo:OWNER/REPO:ref:REF.
Each failure is printed with the statement and condition that decided it.
Several documents (---) or a list of mappings test several policies in one file.

The shorthand on the command line: --policy FILE (or FILE#ROLE for a role of a template, plan or
IAM output) and the runs to admit, with the flags of "keyless trust-policy generate" and "keyless
setup aws" (--repository, repeatable, --environment, --branch, --tag, --pull-requests,
--workflow, --owner-id, --repository-id, --include-name-only, --audience, --issuer). Each run
they stand for must be allowed, as if listed under allow: in a file. (What must be denied: prove
--only.)

Exit codes: 0 every expectation holds, 3 some does not, 2 bad usage or bad input.
`;

export const PROVE_HELP = `Usage: keyless trust-policy prove --policy FILE --only KEY=VALUE[,VALUE...]... [options]
       keyless trust-policy prove --disjoint A B [options]

Answers exactly, by automata over every kind of run GitHub can issue a token for (not by sampling):
  --only      is there any run OUTSIDE the set that the policy admits? The set: runs whose KEY is
              one of the VALUEs (StringLike wildcards * and ? allowed). KEY is one of repository,
              owner, environment, ref, sub, aud, actor, actor_id, workflow, job_workflow_ref,
              repository_id, enterprise_id; repository, owner and environment compare ignoring
              case, as GitHub names do. A run without the key (no environment) is outside. Several
              --only flags: the set is the runs meeting all of them.
  --disjoint  can one run assume both roles (environment bleed)?
A counterexample is the full claims of a run GitHub could issue (sub consistent with repository,
ref, environment and event), which "keyless trust-policy evaluate" admits.

FILE, A and B are policy files, or PATH#ROLE for one role of a template, plan or IAM output.

Options:
  --subject-form F     any (default), name-only (repo:OWNER/REPO:…) or immutable
                       (repo:OWNER@OWNER_ID/REPO@REPO_ID:…)
  --subject-claims C   a customised subject template, e.g. repo,context,job_workflow_ref
  --json               print one JSON document {proved, counterexample}
  -h, --help           show this help

Decided: String… (and IgnoreCase, negations), Bool and Null operators, IfExists, ForAnyValue:,
ForAllValues:, on the claim keys STS accepts. Refused (exit 2, with the reason): Numeric, Date,
IpAddress and Arn operators, policy variables, AWS global keys, unrendered principals.
Exit codes: 0 proved, 3 counterexample found, 2 bad usage, bad input, or not decidable here.
`;
