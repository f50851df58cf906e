/**
 * The runner's side of the inputs: its variables and the triggering event, read once at the edge
 * into one typed RunContext. Inner modules receive this, never the raw environment. Pure.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** The part of @actions/github's `context` that Keyless uses (the credential process builds it from env). */
export interface GitHubRun {
  readonly runId: number;
  readonly runAttempt: number;
  readonly eventName: string | undefined;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly workflow: string | undefined;
  readonly action: string | undefined;
  readonly actor: string | undefined;
  readonly sha: string | undefined;
  readonly ref: string | undefined;
  readonly job: string | undefined;
}

export interface SourceCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string | undefined;
  /** AWS_CREDENTIAL_EXPIRATION, as given (it may not parse). */
  readonly expiration: string | undefined;
}

export interface RunContext {
  /** ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN: present when the job has `id-token: write`. */
  readonly tokenRequest: { readonly url: string; readonly bearer: string } | undefined;
  readonly runnerTemp: string | undefined;
  readonly workspace: string | undefined;
  /** The runner's file commands: GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY. */
  readonly files: { readonly env?: string; readonly output?: string; readonly state?: string; readonly summary?: string };
  readonly run: {
    /** As text: run ids outgrow what some tools parse as numbers. */
    readonly id: string | undefined;
    readonly attempt: string | undefined;
    readonly repository: string | undefined;
    readonly repositoryId: string | undefined;
    readonly ref: string | undefined;
    readonly actor: string | undefined;
    readonly eventName: string | undefined;
    readonly runnerEnvironment: string | undefined;
    readonly workflow: string | undefined;
    readonly action: string | undefined;
    readonly sha: string | undefined;
    readonly job: string | undefined;
    readonly baseRef: string | undefined;
    readonly headRef: string | undefined;
    readonly triggeringActor: string | undefined;
    /** True for a pull request whose head is a fork (or a deleted fork); undefined when not a pull request. */
    readonly headIsFork: boolean | undefined;
  };
  readonly aws: {
    /** AWS_REGION, else AWS_DEFAULT_REGION, with the variable it came from. */
    readonly region: { readonly value: string; readonly from: 'AWS_REGION' | 'AWS_DEFAULT_REGION' } | undefined;
    readonly stsEndpoint: string | undefined;
    /** AWS_ENDPOINT_URL: the SDK's endpoint for every service, STS included, when AWS_ENDPOINT_URL_STS is unset. */
    readonly endpointUrl?: string | undefined;
    readonly configFile: string | undefined;
    readonly profile: string | undefined;
    readonly credentials: SourceCredentials | undefined;
    /** Every AWS_* variable as this step found it: what an undone export restores. */
    readonly variables: Readonly<Record<string, string>>;
  };
  /** From HTTPS_PROXY / https_proxy / HTTP_PROXY / http_proxy and NO_PROXY / no_proxy, first set wins. */
  readonly proxy: { readonly url: string | undefined; readonly noProxy: string | undefined; readonly from?: string | undefined };
  readonly nodeVersion: string;
  /** AWS_SKIP_CLEANUP_STEP=true, as configure-aws-credentials reads it: the post step leaves everything as it is. */
  readonly skipCleanup: boolean;
}

const nonEmpty = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

/** The run facts the credential process needs, read from its environment (it has no event payload). */
export function githubRunFromEnv(env: Env): GitHubRun {
  return {
    runId: Number.parseInt(env.GITHUB_RUN_ID ?? '', 10),
    runAttempt: Number.parseInt(env.GITHUB_RUN_ATTEMPT ?? '', 10),
    eventName: env.GITHUB_EVENT_NAME,
    payload: {},
    workflow: env.GITHUB_WORKFLOW,
    action: env.GITHUB_ACTION,
    actor: env.GITHUB_ACTOR,
    sha: env.GITHUB_SHA,
    ref: env.GITHUB_REF,
    job: env.GITHUB_JOB,
  };
}

export function parseRunContext(env: Env, github: GitHubRun, nodeVersion: string): RunContext {
  const url = nonEmpty(env.ACTIONS_ID_TOKEN_REQUEST_URL);
  const bearer = nonEmpty(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  const regionVariable = (['AWS_REGION', 'AWS_DEFAULT_REGION'] as const).find((name) => nonEmpty(env[name]));
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  return {
    tokenRequest: url && bearer ? { url, bearer } : undefined,
    runnerTemp: nonEmpty(env.RUNNER_TEMP),
    workspace: nonEmpty(env.GITHUB_WORKSPACE),
    files: { env: nonEmpty(env.GITHUB_ENV), output: nonEmpty(env.GITHUB_OUTPUT), state: nonEmpty(env.GITHUB_STATE), summary: nonEmpty(env.GITHUB_STEP_SUMMARY) },
    run: {
      id: Number.isFinite(github.runId) ? String(github.runId) : undefined,
      attempt: Number.isFinite(github.runAttempt) ? String(github.runAttempt) : undefined,
      repository: nonEmpty(env.GITHUB_REPOSITORY),
      repositoryId: nonEmpty(env.GITHUB_REPOSITORY_ID),
      ref: nonEmpty(github.ref),
      actor: nonEmpty(github.actor),
      eventName: github.eventName,
      runnerEnvironment: nonEmpty(env.RUNNER_ENVIRONMENT),
      workflow: nonEmpty(github.workflow),
      action: nonEmpty(github.action),
      sha: nonEmpty(github.sha),
      job: nonEmpty(github.job),
      baseRef: nonEmpty(env.GITHUB_BASE_REF),
      headRef: nonEmpty(env.GITHUB_HEAD_REF),
      triggeringActor: nonEmpty(env.GITHUB_TRIGGERING_ACTOR),
      headIsFork: pullRequestHeadIsFork(github.payload),
    },
    aws: {
      region: regionVariable ? { value: env[regionVariable]!.trim(), from: regionVariable } : undefined,
      stsEndpoint: nonEmpty(env.AWS_ENDPOINT_URL_STS),
      endpointUrl: nonEmpty(env.AWS_ENDPOINT_URL),
      configFile: nonEmpty(env.AWS_CONFIG_FILE),
      profile: nonEmpty(env.AWS_PROFILE),
      credentials:
        accessKeyId && secretAccessKey
          ? { accessKeyId, secretAccessKey, sessionToken: nonEmpty(env.AWS_SESSION_TOKEN), expiration: nonEmpty(env.AWS_CREDENTIAL_EXPIRATION) }
          : undefined,
      variables: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[0].startsWith('AWS_') && entry[1] !== undefined)),
    },
    proxy: {
      url: nonEmpty(env.HTTPS_PROXY) ?? nonEmpty(env.https_proxy) ?? nonEmpty(env.HTTP_PROXY) ?? nonEmpty(env.http_proxy),
      from: (['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const).find((name) => nonEmpty(env[name]) !== undefined),
      noProxy: nonEmpty(env.NO_PROXY) ?? nonEmpty(env.no_proxy),
    },
    nodeVersion,
    skipCleanup: env.AWS_SKIP_CLEANUP_STEP === 'true',
  };
}

interface PullRequestPayload {
  readonly pull_request?: {
    readonly head?: { readonly repo?: { readonly full_name?: string; readonly fork?: boolean } | null };
    readonly base?: { readonly repo?: { readonly full_name?: string } };
  };
}

/** A fork's pull request: head.repo is another repository, or null when the fork was deleted. */
export function pullRequestHeadIsFork(payload: Readonly<Record<string, unknown>>): boolean | undefined {
  const pullRequest = (payload as PullRequestPayload).pull_request;
  if (!pullRequest?.head) return undefined;
  const head = pullRequest.head.repo;
  if (head === null) return true;
  return !!head && (head.fork === true || head.full_name !== pullRequest.base?.repo?.full_name);
}
