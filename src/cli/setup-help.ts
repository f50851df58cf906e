/** Help texts of `keyless setup`. */
import { RUNS_TO_ADMIT_HELP } from './runs-to-admit.js';

export const SETUP_HELP = `Usage: keyless setup COMMAND [options]

Commands:
  aws   the IAM OIDC provider and a least-privilege role for GitHub Actions, and the workflow that uses it

Run "keyless setup aws --help" (or "keyless setup help aws") for its options.
`;

export const SETUP_AWS_HELP = `Usage: keyless setup aws --repository OWNER/REPO (--environment E | --branch B | --tag T | --pull-requests)... [options]
       (--format cloudformation|cloudformation-json|terraform|aws-cli [--json] | --apply [--yes] [--json])

Sets up AWS for GitHub Actions OIDC from one description of the runs to admit: the IAM OIDC
provider for the issuer, a role whose trust policy admits exactly those runs (it lints clean and
is the one "keyless trust-policy generate" writes), and the workflow job that assumes the role with
matching require-claims. Output goes to stdout, notes to stderr.

${RUNS_TO_ADMIT_HELP}
The role:
  --role-name NAME          default github-actions-REPO
  --account ID              12-digit AWS account (default: the placeholder ACCOUNT_ID in the workflow;
                            with --apply, the account of your credentials)
  --partition P             aws (default), aws-cn, aws-us-gov, …
  --max-session-duration S  3600 (default) to 43200 seconds
  --policy-arn ARN          a managed policy to attach (repeatable)
  --permissions-boundary ARN  a managed policy as the role's permissions boundary
  --region R                aws-region for the workflow (default us-east-1, and a note says so)
  --max-size N              the account's "Role trust policy length" quota, if raised (2048-8192;
                            default 2048): a note says when the trust policy is near or over it

Output:
  --format F                cloudformation (a YAML template), cloudformation-json (the same template
                            as JSON: stdout is the template alone, ready for "aws cloudformation
                            deploy"; the workflow goes to stderr), terraform (formatted as terraform
                            fmt does), or aws-cli (a bash script of aws iam commands, safe to
                            re-run). Except for cloudformation-json, the workflow follows as
                            comments, so stdout is one valid file
  --json                    print one JSON document instead, NOT a template: {format, template (the
                            CloudFormation template as JSON) or config or script, trustPolicy,
                            subjects, requireClaims, roleArn, workflow, notes}. For a deployable
                            JSON template, use --format cloudformation-json without --json
  --verbose                 also note the subject form of name-only repositories (always in --json)
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
