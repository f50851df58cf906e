/** Help texts of `keyless setup`. */

export const SETUP_HELP = `Usage: keyless setup COMMAND [options]

Commands:
  aws   the IAM OIDC provider and a least-privilege role for GitHub Actions, and the workflow that uses it

Run "keyless setup aws --help" (or "keyless setup help aws") for its options.
`;

export const SETUP_AWS_HELP = `Usage: keyless setup aws --repository OWNER/REPO (--environment E | --branch B | --tag T | --pull-requests)... [options]
       (--format cloudformation|terraform|aws-cli [--json] | --apply [--yes] [--json])

Sets up AWS for GitHub Actions OIDC from one description of the runs to admit: the IAM OIDC
provider for the issuer, a role whose trust policy admits exactly those runs (it lints clean and
is the one "keyless trust-policy generate" writes), and the workflow job that assumes the role with
matching require-claims. Output goes to stdout, notes to stderr.

The runs the role admits:
  --repository R            OWNER/REPO, or OWNER@OWNER_ID/REPO@REPO_ID for GitHub's immutable
                            subjects (repeatable: every repository gets the same runs)
  --environment NAME        jobs that use this environment (repeatable)
  --branch NAME             runs on this branch that use no environment (repeatable)
  --tag NAME                runs on this tag that use no environment (repeatable)
  --pull-requests           pull_request runs that use no environment (forks get no OIDC token)
  --workflow REF            only jobs of this reusable workflow (job_workflow_ref), e.g.
                            octo-org/deploy/.github/workflows/deploy.yml@refs/heads/main (repeatable)
  --owner-id N              the owner's numeric id; with --repository-id, the first repository's
  --repository-id N         subjects use the immutable form repo:OWNER@OWNER_ID/REPO@REPO_ID:…
  --include-name-only       with ids, also admit the name-only repo:OWNER/REPO:… subjects
  --audience A              the token audience (default sts.amazonaws.com)
  --issuer URL              default https://token.actions.githubusercontent.com; an enterprise
                            issuer adds /SLUG, GHE.com is https://token.actions.SUBDOMAIN.ghe.com,
                            GHES https://HOST/_services/token

The role:
  --role-name NAME          default github-actions-REPO
  --account ID              12-digit AWS account (default: the placeholder ACCOUNT_ID in the workflow;
                            with --apply, the account of your credentials)
  --partition P             aws (default), aws-cn, aws-us-gov, …
  --max-session-duration S  3600 (default) to 43200 seconds
  --policy-arn ARN          a managed policy to attach (repeatable)
  --permissions-boundary ARN  a managed policy as the role's permissions boundary
  --region R                aws-region for the workflow (default us-east-1)

Output:
  --format F                cloudformation (YAML), terraform (formatted as terraform fmt does), or
                            aws-cli (a bash script of aws iam commands, safe to re-run). The workflow
                            follows as comments, so stdout is one valid file
  --json                    print one JSON document instead: the template (JSON for CloudFormation),
                            config or script, the trust policy, the subjects, require-claims, the
                            role ARN, the workflow and the notes
  --apply                   set up IAM now with your AWS credentials (the SDK's default chain):
                            find or create the provider, create the role, or show how its trust
                            policy differs (a diff and the lint findings of both) and update it.
                            Asks before any change; says so when the new policy admits more runs
  -y, --yes                 with --apply: make the changes without asking (for scripts). Without a
                            terminal and without --yes, --apply changes nothing and exits 2
  -h, --help                show this help

Exit codes: 0 done (or nothing to change), 2 bad usage or bad input, or --apply not confirmed
(declined, or no terminal and no --yes), 3 an AWS call failed.
`;
