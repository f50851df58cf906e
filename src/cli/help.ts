/** Help texts of the `keyless` CLI. */
import { RUNS_TO_ADMIT_HELP } from './runs-to-admit.js';

export const EXIT_CODES_HELP = 'Exit codes: 0 allowed / no error findings, 3 denied / error findings, 2 bad usage or bad input.';

export const MAIN_HELP = `keyless: AWS credentials for GitHub Actions from the workflow's OIDC token.
This CLI works on IAM role trust policies for GitHub Actions OIDC.

Usage:
  keyless trust-policy evaluate --policy FILE (--claims FILE.json | --token FILE.jwt) [--json]
  keyless trust-policy lint --policy FILE [--audience A] [--max-size N] [--json]
  keyless trust-policy generate --repository OWNER/REPO [--environment E | --branch B | --tag T | --pull-requests]... [--json]
  keyless trust-policy audit PATH... [--live] [--json | --format sarif]
  keyless trust-policy test (FILE... | --policy FILE --repository OWNER/REPO [--environment E]...) [--json]
  keyless trust-policy prove (--policy FILE --only KEY=VALUE[,VALUE...] | --disjoint A B) [--json]
  keyless setup aws --repository OWNER/REPO [--environment E]... (--format cloudformation|cloudformation-json|terraform|aws-cli | --apply)
  keyless reach --workflows DIR... [--repository OWNER/REPO]... ROLES... [--github] [--json | --format sarif|mermaid]
  keyless trail SOURCE... [--since T] [--until T] [--roles SOURCE] [--expect PATTERN] [--json | --format csv|markdown]
  keyless --version
  keyless --help
  keyless help COMMAND    (e.g. keyless help trust-policy lint)

Commands:
  trust-policy evaluate   allow or deny, as STS would for sts:AssumeRoleWithWebIdentity, and why
  trust-policy lint       find trust policies that admit too much, or can never match
  trust-policy generate   write the least-privilege trust policy for exactly the given runs
  trust-policy audit      find and lint every role trusting GitHub in IaC, IAM output or the account
  trust-policy test       check that given runs are allowed or denied (expectation files)
  trust-policy prove      prove exactly which runs a role admits, or find one it should not
  setup aws               the OIDC provider, a least-privilege role and the workflow, in one command
  reach                   who on GitHub can obtain each role: workflows × trust policies × settings
  trail                   who did what with each role, from CloudTrail: sessions, calls, exceptions

${EXIT_CODES_HELP}
Run "keyless trust-policy COMMAND --help" (or "keyless help trust-policy COMMAND") for a command's options.
`;

export const TRUST_POLICY_HELP = `Usage: keyless trust-policy COMMAND [options]

Commands:
  evaluate   evaluate a role trust policy against OIDC token claims
  lint       lint a role trust policy (rule ids, severities, JSON paths)
  generate   generate the least-privilege trust policy for given environments/branches/tags/pull requests
  audit      find and lint every role that trusts GitHub (files, directories, stdin, --live)
  test       check expectation files: runs that must be allowed or denied
  prove      prove what a role admits (--only), or that two roles share no run (--disjoint)

${EXIT_CODES_HELP}
Run "keyless trust-policy COMMAND --help" (or "keyless trust-policy help COMMAND") for a command's options.
`;

export const EVALUATE_HELP = `Usage: keyless trust-policy evaluate --policy FILE (--claims FILE.json | --token FILE.jwt) [options]

Evaluates the role trust policy against the token's claims as STS does for
sts:AssumeRoleWithWebIdentity, and prints allow or deny with the reason: for a deny, each
statement and the first condition in it that did not hold (key, operator, policy values, token value).

Options:
  --policy FILE      the trust policy: a policy document, the {"AssumeRolePolicyDocument": …} wrapper,
                     or "aws iam get-role" output
  --claims FILE      the token's claims as JSON: bare claims, or a decoded token {"header", "payload"}
  --token FILE       a JWT (header.payload.signature). It is only DECODED to read its claims:
                     its signature is NOT verified (the action verifies tokens; this is an offline check)
  --issuer URL       the issuer to evaluate for (default: the token's "iss" claim)
  --action NAME      default sts:AssumeRoleWithWebIdentity
  --role-arn ARN     the role the policy belongs to: a Federated provider in another account or
                     partition never matches (STS only uses a provider in the role's account)
  --json             print one JSON document (the decision, and missingClaims) instead of the report
  -h, --help         show this help

When the claims lack some that the policy's conditions look at (an empty or partial claims file),
a note on stderr names them: conditions on absent claims fail, so such a deny says little.
Exit codes: 0 allowed, 3 denied, 2 bad usage or bad input.
`;

export const LINT_HELP = `Usage: keyless trust-policy lint --policy FILE [options]

Checks a role trust policy for GitHub Actions OIDC. Each finding has a stable rule id, a severity
(error or warning), a message and the JSON path it points at.

Errors:   no-sub-condition, sub-wildcard-owner, sub-wildcard-repository, never-matches,
          principal-not-github, policy-too-large
Warnings: aud-missing, aud-mismatch, for-all-values-in-allow, pull-request-with-protected,
          name-only-sub, custom-subject, unknown-condition-key, unresolved-placeholder,
          policy-near-size-limit
A file that is not a valid trust policy is bad input (exit 2; the message names the JSON path).

Size: IAM counts a trust policy without whitespace against the account's "Role trust policy
length" quota: 2,048 characters unless raised through Service Quotas (up to 4,096 is approved
automatically). Over it, CreateRole and UpdateAssumeRolePolicy fail with "LimitExceeded: Cannot
exceed quota for ACLSizePerRole". policy-too-large is an error over the quota; without
--max-size, over 2,048 the message says that only a raised quota takes it. policy-near-size-limit
warns from 90 % of the quota.

Findings alike (one rule, messages differing only in quoted values) are printed once, with their
count (×N) and every path, errors first; --json lists each finding, and the same groups under
"groups". name-only-sub warnings (true of most policies written today) are counted in the first
line and shown with --verbose; --json always lists them.

Options:
  --policy FILE      the trust policy (document, AssumeRolePolicyDocument wrapper, or get-role output)
  --audience A       the audience the action requests (default sts.amazonaws.com)
  --issuer URL       the expected issuer (default: any GitHub issuer)
  --max-size N       the account's "Role trust policy length" quota, if raised (2048-8192;
                     default 2048)
  --json             print one JSON document {file, errors, warnings, size, findings, groups}; each
                     finding is {rule, severity, message, path} (ruleId: the same as rule,
                     deprecated, kept until 2.0)
  --verbose          also show the name-only-sub warnings
  -h, --help         show this help

Exit codes: 0 no error-level findings, 3 error-level findings, 2 bad usage or bad input.
`;

export const GENERATE_HELP = `Usage: keyless trust-policy generate --repository OWNER/REPO (--environment E | --branch B | --tag T | --pull-requests)... [options]

Prints the least-privilege trust policy admitting exactly the given runs: one StringEquals sub per
repository and environment, branch, tag or pull requests, aud pinned, the reusable workflows with
--workflow, the GitHub OIDC provider as principal. "keyless trust-policy lint" finds no error in
it. The flags are the ones "keyless setup aws" takes for the runs to admit.

${RUNS_TO_ADMIT_HELP}
The policy:
  --account ID              12-digit AWS account of the OIDC provider (default: the placeholder
                            ACCOUNT_ID, to replace before use)
  --partition P             aws (default), aws-cn, aws-us-gov, …
  --max-size N              the account's "Role trust policy length" quota, if raised (2048-8192;
                            default 2048): a note says when the policy is near or over it

Output:
  --json                    print one JSON document {policy, subjects, notes}
  --verbose                 also note the subject form of name-only repositories (always in --json)
  -h, --help                show this help

The policy goes to stdout as JSON (notes go to stderr), ready for
"aws iam create-role --assume-role-policy-document file://policy.json". A note says when the policy
is near or over IAM's trust-policy size quota (2,048 characters without whitespace unless raised),
as "keyless trust-policy lint" and "keyless setup aws" do.
Exit codes: 0 generated, 2 bad usage or bad input.
`;
