/**
 * The scenarios of `npm start`: what the job's token says, the demo role's trust policy, which
 * inputs the action gets, and what the run should end with. Pure: start.ts does the running.
 */
import { conditionKeyPrefix, evaluateTrustPolicy } from '../trust/index.js';

export const DEMO_ACCOUNT = '123456789012';
export const DEMO_ROLE_ARN = `arn:aws:iam::${DEMO_ACCOUNT}:role/deploy`;
export const DEMO_AUDIENCE = 'sts.amazonaws.com';
/** The one subject the demo role trusts: pushes to main of octo-org/octo-repo (the issuer's default token). */
export const TRUSTED_SUBJECT = 'repo:octo-org/octo-repo:ref:refs/heads/main';

/** How the run should end: the demo fails (exit 1) when the action does anything else. */
export type ExpectedOutcome = 'credentials' | 'refused-by-sts' | 'refused-before-sts';

export interface Scenario {
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** What this run is, printed before it starts. */
  readonly story: string;
  /** Claims of the job's token, over the local issuer's default (a push to main). */
  readonly claims?: Record<string, unknown>;
  /** The runner hands out a token with this `aud` whatever the action asks for. */
  readonly forcedAudience?: string;
  /** Print the demo role's trust policy before the run. */
  readonly showTrustPolicy: boolean;
  /** Also give it to the action as the input `trust-policy`. */
  readonly trustPolicyInput: boolean;
  readonly expect: ExpectedOutcome;
}

/** A job that deploys through the GitHub environment "production": GitHub then puts the environment in `sub`. */
const PRODUCTION_JOB = {
  sub: 'repo:octo-org/octo-repo:environment:production',
  environment: 'production',
};

/**
 * A push to main of a repository created after 15 July 2026: GitHub puts the owner's and the
 * repository's ids in sub (the local issuer's ids: owner 65, repository 74).
 */
const IMMUTABLE_SUBJECT_JOB = {
  sub: 'repo:octo-org@65/octo-repo@74:ref:refs/heads/main',
};

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'deploy',
    summary: '(default) a push to main: the role admits it, credentials are exported and a later step uses them',
    story: 'A push to main of octo-org/octo-repo. The demo role trusts exactly that, so STS issues credentials.',
    showTrustPolicy: false,
    trustPolicyInput: false,
    expect: 'credentials',
  },
  {
    name: 'access-denied',
    summary: 'the job uses environment "production", which changes its sub: STS refuses, Keyless explains why',
    story:
      'The same workflow, but the job now has "environment: production", so GitHub sets sub to ' +
      `"${PRODUCTION_JOB.sub}". The role still trusts only "${TRUSTED_SUBJECT}". STS answers a bare AccessDenied; ` +
      "compare the Condition Keyless suggests with the role's trust policy below.",
    claims: PRODUCTION_JOB,
    showTrustPolicy: true,
    trustPolicyInput: false,
    expect: 'refused-by-sts',
  },
  {
    name: 'trust-policy',
    summary: 'the same job with the input trust-policy: refused before STS, naming the statement and condition that fail',
    story:
      'The job of access-denied, with the input trust-policy pointing at a copy of the role\'s trust policy. ' +
      'Keyless evaluates it against the verified token and refuses before calling STS, naming what does not match.',
    claims: PRODUCTION_JOB,
    showTrustPolicy: true,
    trustPolicyInput: true,
    expect: 'refused-before-sts',
  },
  {
    name: 'immutable-subject',
    summary: "GitHub's immutable subject (owner@id/repo@id) meets a name-only trust policy: STS refuses, the hint shows the fix",
    story:
      'Repositories created, renamed or transferred on github.com since 15 July 2026 get sub ' +
      `"${IMMUTABLE_SUBJECT_JOB.sub}" for a push to main. The demo role was written for the name-only ` +
      `"${TRUSTED_SUBJECT}", so STS answers a bare AccessDenied; Keyless names the cause and the form to add.`,
    claims: IMMUTABLE_SUBJECT_JOB,
    showTrustPolicy: true,
    trustPolicyInput: false,
    expect: 'refused-by-sts',
  },
  {
    name: 'wrong-audience',
    summary: 'a token minted for another audience: refused on the runner, before STS is called',
    story: 'The runner hands out a token whose aud is "https://github.com/octo-org", not sts.amazonaws.com.',
    forcedAudience: 'https://github.com/octo-org',
    showTrustPolicy: false,
    trustPolicyInput: false,
    expect: 'refused-before-sts',
  },
];

export const DEFAULT_SCENARIO = 'deploy';

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

export type DemoArgs = { kind: 'help' } | { kind: 'run'; scenario: Scenario } | { kind: 'reach' } | { kind: 'unknown'; given: string };

/** `npm start -- reach`: not a run of the action but `keyless reach` on a small repository (reach-demo.ts). */
export const REACH_DEMO_SUMMARY = 'keyless reach on a small repository with one dangerous path: a fork pull request can obtain a role';

/** `[]` → the default scenario; `--help`/`-h`/`help` → help; anything else must name a scenario. */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  const [first, ...rest] = argv;
  if (first === undefined) return { kind: 'run', scenario: findScenario(DEFAULT_SCENARIO)! };
  if (first === '--help' || first === '-h' || first === 'help') return { kind: 'help' };
  if (first === 'reach' && rest.length === 0) return { kind: 'reach' };
  const scenario = findScenario(first);
  if (!scenario || rest.length > 0) return { kind: 'unknown', given: argv.join(' ') };
  return { kind: 'run', scenario };
}

export function scenarioList(): string {
  const width = Math.max(...SCENARIOS.map((s) => s.name.length));
  return SCENARIOS.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`).join('\n');
}

export function demoHelp(): string {
  return [
    'Usage: npm start [-- SCENARIO]      (after a build: node lib/local/start.js [SCENARIO])',
    '',
    'Builds what is out of date (the action from src/ only when its sources changed), then runs dist/index.js as the',
    'GitHub runner would, against a local OIDC issuer and a local STS on 127.0.0.1: no AWS account,',
    'no GitHub. Scenarios:',
    '',
    scenarioList(),
    '',
    `And: npm start -- reach   ${REACH_DEMO_SUMMARY}`,
    '',
  ].join('\n');
}

/** The demo role's trust policy, written for the local issuer as a real one is for GitHub's. */
export function demoTrustPolicy(issuerUrl: string): Record<string, unknown> {
  const host = conditionKeyPrefix(issuerUrl);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DeployFromMain',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${DEMO_ACCOUNT}:oidc-provider/${host}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${host}:aud`]: DEMO_AUDIENCE,
            [`${host}:sub`]: TRUSTED_SUBJECT,
          },
        },
      },
    ],
  };
}

/** The local STS decides with the same policy the demo shows, as IAM would. */
export function trustPolicyAuthorizer(policy: unknown): (claims: Record<string, unknown>) => boolean {
  return (claims) => evaluateTrustPolicy(policy, claims).allowed;
}

/** One line on why the condition keys look odd here. */
export function conditionKeyNote(issuerUrl: string): string {
  const host = conditionKeyPrefix(issuerUrl);
  return (
    `Condition keys start with the issuer's host: here the loopback issuer's, "${host}:sub"; ` +
    'in a real run on GitHub they are "token.actions.githubusercontent.com:sub".'
  );
}

/** 0 when the action did what the scenario shows, else 1 (the demo itself is then broken). */
export function demoExitCode(expect: ExpectedOutcome, actionExitCode: number | null, stsCalls: number): number {
  switch (expect) {
    case 'credentials':
      return actionExitCode === 0 ? 0 : 1;
    case 'refused-by-sts':
      return actionExitCode === 1 && stsCalls > 0 ? 0 : 1;
    case 'refused-before-sts':
      return actionExitCode === 1 && stsCalls === 0 ? 0 : 1;
  }
}
