/** `keyless reach --help`. */
import { REACH_RULES } from '../reach/rules/index.js';

export const REACH_HELP = `Usage: keyless reach --workflows DIR [--workflows DIR]... [--repository OWNER/REPO]... ROLES... [options]

Who on GitHub can obtain each AWS role: joins a checkout's workflows (which jobs request an OIDC
token, on which triggers, in which environment) with the roles' trust policies (evaluated exactly)
and, with --github, the repository's settings (environment reviewers, branch rules, OIDC template).
Each path reads: who → trigger → workflow:job → subject → gates → role.

Roles (ROLES...): anything "keyless trust-policy audit" reads: trust policies, IAM output,
Terraform plan JSON, CloudFormation templates, directories, "-" for standard input; or --live.

Options:
  --workflows DIR           a checkout's .github/workflows folder; repeat for each repository
  --repository OWNER/REPO   the repository of each --workflows folder, in order
                            (default: the checkout's git remote "origin", then GITHUB_REPOSITORY)
  --default-branch NAME     default: the API's answer with --github, else main
  --github                  read the settings through the REST API at GITHUB_API_URL
                            (default https://api.github.com) with GITHUB_TOKEN or GH_TOKEN; the token
                            needs actions: read and read access. Without it every setting is unknown.
  --live                    also read the roles of the AWS account (IAM ListRoles)
  --json                    one JSON document
  --format F                table (default), json, sarif (code scanning), mermaid (a graph)
  -h, --help                this help

Findings:
${REACH_RULES.map((r) => `  ${r.id.padEnd(34)}${r.severity.padEnd(8)} ${r.summary}`).join('\n')}

Exit codes: 0 no error-level finding, 3 error-level findings, 2 bad usage or input.
`;
