/** Setups and the runs each must admit or refuse: the same table for every format and for --apply. */
import type { RunSpec } from './setup.js';

export interface SetupCase {
  readonly name: string;
  readonly args: readonly string[];
  /** `token.actions.githubusercontent.com[/slug]` or `HOST/_services/token`. */
  readonly providerPath: string;
  readonly partition: string;
  readonly issuer: string;
  readonly admitted: readonly RunSpec[];
  /** Runs the role must refuse; `issuerOnly` ones differ only in issuer, which require-claims leaves to oidc-issuer. */
  readonly denied: readonly { readonly why: string; readonly run: RunSpec; readonly issuerOnly?: boolean }[];
}

const GH = 'token.actions.githubusercontent.com';
const ISS = `https://${GH}`;
const SHARED = 'octo-org/deploy/.github/workflows/deploy.yml@refs/heads/main';

export const CASES: readonly SetupCase[] = [
  {
    name: 'one environment of one repository',
    args: ['--repository', 'octo-org/octo-repo', '--environment', 'production'],
    providerPath: GH,
    partition: 'aws',
    issuer: ISS,
    admitted: [{ repository: 'octo-org/octo-repo', environment: 'production' }],
    denied: [
      { why: 'another repository', run: { repository: 'octo-org/other-repo', environment: 'production' } },
      { why: "a fork's pull request", run: { repository: 'forker/octo-repo', pullRequest: true } },
      { why: "a fork's production environment", run: { repository: 'forker/octo-repo', environment: 'production' } },
      { why: 'another environment', run: { repository: 'octo-org/octo-repo', environment: 'staging' } },
      { why: 'a branch run without the environment', run: { repository: 'octo-org/octo-repo', ref: 'refs/heads/main' } },
      { why: 'a pull request of the repository itself', run: { repository: 'octo-org/octo-repo', pullRequest: true } },
      { why: 'a token for another audience', run: { repository: 'octo-org/octo-repo', environment: 'production', aud: 'https://github.com/octo-org' } },
    ],
  },
  {
    name: 'branch, tag and pull requests, immutable subjects',
    args: ['--repository', 'octo-org/octo-repo', '--owner-id', '65', '--repository-id', '74', '--branch', 'main', '--tag', 'v1.2.3', '--pull-requests', '--role-name', 'ci'],
    providerPath: GH,
    partition: 'aws',
    issuer: ISS,
    admitted: [
      { repository: 'octo-org/octo-repo', ids: ['65', '74'], ref: 'refs/heads/main' },
      { repository: 'octo-org/octo-repo', ids: ['65', '74'], ref: 'refs/tags/v1.2.3' },
      { repository: 'octo-org/octo-repo', ids: ['65', '74'], pullRequest: true },
    ],
    denied: [
      { why: 'another branch', run: { repository: 'octo-org/octo-repo', ids: ['65', '74'], ref: 'refs/heads/dev' } },
      { why: "a fork's pull request", run: { repository: 'forker/octo-repo', ids: ['99', '100'], pullRequest: true } },
      { why: 'a repository that took over the name (another id)', run: { repository: 'octo-org/octo-repo', ids: ['65', '75'], ref: 'refs/heads/main' } },
      { why: 'the name-only subject', run: { repository: 'octo-org/octo-repo', ref: 'refs/heads/main' } },
      { why: 'an environment', run: { repository: 'octo-org/octo-repo', ids: ['65', '74'], environment: 'production' } },
    ],
  },
  {
    name: 'two repositories through a reusable workflow',
    args: ['--repository', 'octo-org/web', '--repository', 'octo-org@65/api@80', '--environment', 'prod', '--workflow', SHARED, '--role-name', 'deploy', '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
    providerPath: GH,
    partition: 'aws',
    issuer: ISS,
    admitted: [
      { repository: 'octo-org/web', environment: 'prod', jobWorkflowRef: SHARED },
      { repository: 'octo-org/api', ids: ['65', '80'], environment: 'prod', jobWorkflowRef: SHARED },
    ],
    denied: [
      { why: "the repository's own workflow", run: { repository: 'octo-org/web', environment: 'prod', jobWorkflowRef: 'octo-org/web/.github/workflows/deploy.yml@refs/heads/main' } },
      { why: 'the shared workflow from another branch', run: { repository: 'octo-org/web', environment: 'prod', jobWorkflowRef: 'octo-org/deploy/.github/workflows/deploy.yml@refs/heads/dev' } },
      { why: 'a third repository', run: { repository: 'octo-org/other', environment: 'prod', jobWorkflowRef: SHARED } },
      { why: 'another environment', run: { repository: 'octo-org/web', environment: 'staging', jobWorkflowRef: SHARED } },
    ],
  },
  {
    name: 'enterprise issuer in GovCloud with its own audience',
    args: ['--repository', 'acme/app', '--environment', 'prod', '--issuer', `${ISS}/acme`, '--audience', 'acme-aws', '--partition', 'aws-us-gov', '--region', 'us-gov-west-1', '--role-name', 'acme-deploy'],
    providerPath: `${GH}/acme`,
    partition: 'aws-us-gov',
    issuer: `${ISS}/acme`,
    admitted: [{ repository: 'acme/app', environment: 'prod', iss: `${ISS}/acme`, aud: 'acme-aws' }],
    denied: [
      { why: 'the same run from the default issuer', run: { repository: 'acme/app', environment: 'prod', aud: 'acme-aws' }, issuerOnly: true },
      { why: 'another environment', run: { repository: 'acme/app', environment: 'dev', iss: `${ISS}/acme`, aud: 'acme-aws' } },
      { why: 'the default audience', run: { repository: 'acme/app', environment: 'prod', iss: `${ISS}/acme` } },
    ],
  },
  {
    name: 'GitHub Enterprise Server',
    args: ['--repository', 'platform/site', '--branch', 'release/2.x', '--issuer', 'https://ghes.example.com/_services/token', '--role-name', 'site', '--max-session-duration', '7200'],
    providerPath: 'ghes.example.com/_services/token',
    partition: 'aws',
    issuer: 'https://ghes.example.com/_services/token',
    admitted: [{ repository: 'platform/site', ref: 'refs/heads/release/2.x', iss: 'https://ghes.example.com/_services/token' }],
    denied: [
      { why: 'another branch', run: { repository: 'platform/site', ref: 'refs/heads/main', iss: 'https://ghes.example.com/_services/token' } },
      { why: 'github.com', run: { repository: 'platform/site', ref: 'refs/heads/release/2.x' }, issuerOnly: true },
    ],
  },
];
