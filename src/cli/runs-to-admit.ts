/**
 * The one description of "the runs to admit" that `trust-policy generate`, `setup aws` and
 * `trust-policy test`'s shorthand take: the flags, their help, parsing them into one typed value
 * (GenerateOptions), the checks that need all of them at once, the flag behind each option for
 * messages, and the single runs the value stands for (test's shorthand, RunDescription). Pure.
 */
import { GenerateError, generatedSubjects, splitInlineIds, type GenerateOptions } from '../trust/index.js';
import { refOf, type RunDescription } from '../trust/run-claims.js';
import type { RequiredFlag } from './args.js';
import { CliError } from './inputs.js';

/** The flags that say which runs may assume the role, and the provider they come through. */
export const RUNS_TO_ADMIT_OPTIONS = {
  repository: { type: 'string', multiple: true },
  environment: { type: 'string', multiple: true },
  branch: { type: 'string', multiple: true },
  tag: { type: 'string', multiple: true },
  'pull-requests': { type: 'boolean' },
  workflow: { type: 'string', multiple: true },
  'owner-id': { type: 'string' },
  'repository-id': { type: 'string' },
  'include-name-only': { type: 'boolean' },
  audience: { type: 'string' },
  issuer: { type: 'string' },
} as const;

/** Where the provider is (generate and setup write a principal; test has the policy already). */
export const PROVIDER_OPTIONS = {
  account: { type: 'string' },
  partition: { type: 'string' },
} as const;

/** The values parseArgs gives for {@link RUNS_TO_ADMIT_OPTIONS}. */
export interface RunsToAdmitValues {
  readonly repository?: string[];
  readonly environment?: string[];
  readonly branch?: string[];
  readonly tag?: string[];
  readonly 'pull-requests'?: boolean;
  readonly workflow?: string[];
  readonly 'owner-id'?: string;
  readonly 'repository-id'?: string;
  readonly 'include-name-only'?: boolean;
  readonly audience?: string;
  readonly issuer?: string;
  readonly account?: string;
  readonly partition?: string;
}

/** The option (a GenerateOptions field) → the flag that sets it. */
export const RUNS_TO_ADMIT_FLAGS: Readonly<Record<string, string>> = {
  repository: '--repository',
  additionalRepositories: '--repository',
  environments: '--environment',
  branches: '--branch',
  tags: '--tag',
  pullRequests: '--pull-requests',
  workflows: '--workflow',
  ownerId: '--owner-id',
  repositoryId: '--repository-id',
  includeNameOnly: '--include-name-only',
  account: '--account',
  partition: '--partition',
  audience: '--audience',
  issuer: '--issuer',
};

const CONTEXT_FLAGS = '--environment, --branch, --tag or --pull-requests';

/** What must be given for there to be runs at all: a repository, and at least one kind of run. */
export function requiredRunFlags(v: RunsToAdmitValues): RequiredFlag[] {
  const contexts = (v.environment?.length ?? 0) + (v.branch?.length ?? 0) + (v.tag?.length ?? 0) + (v['pull-requests'] ? 1 : 0);
  return [
    { flag: '--repository', what: 'OWNER/REPO, or OWNER@OWNER_ID/REPO@REPO_ID, repeatable', given: (v.repository?.length ?? 0) > 0 },
    { flag: `one of ${CONTEXT_FLAGS}`, what: 'the runs the policy admits', given: contexts > 0 },
  ];
}

function given<T>(value: T | undefined, key: string): Record<string, T> {
  return value === undefined ? {} : { [key]: value };
}

/** The runs to admit as one value. Call after {@link requiredRunFlags} found nothing missing. */
export function runsToAdmit(v: RunsToAdmitValues): GenerateOptions {
  const repositories = v.repository ?? [];
  return {
    repository: repositories[0] ?? '',
    additionalRepositories: repositories.slice(1),
    environments: v.environment ?? [],
    branches: v.branch ?? [],
    tags: v.tag ?? [],
    pullRequests: v['pull-requests'] === true,
    workflows: v.workflow ?? [],
    ...given(v['owner-id'], 'ownerId'),
    ...given(v['repository-id'], 'repositoryId'),
    ...(v['include-name-only'] ? { includeNameOnly: true } : {}),
    ...given(v.account, 'account'),
    ...given(v.partition, 'partition'),
    ...given(v.audience, 'audience'),
    ...given(v.issuer, 'issuer'),
  };
}

/** A GenerateError (or another error naming an option) as the CLI says it: the flag first. */
export function flagError(error: { option: string; message: string }, flags: Readonly<Record<string, string>> = RUNS_TO_ADMIT_FLAGS): CliError {
  if (error.option === 'environments' && /at least one/.test(error.message)) return new CliError(`${CONTEXT_FLAGS}: ${error.message}`);
  return new CliError(`${flags[error.option] ?? error.option}: ${error.message}`);
}

/** Runs `body`; a GenerateError becomes a CliError naming the flag. */
export function withFlagErrors<T>(body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof GenerateError) throw flagError(error);
    throw error;
  }
}

/** The help lines of the flags above, the same for every command that takes them. */
export const RUNS_TO_ADMIT_HELP = `The runs to admit:
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
                            (repositories created, renamed or transferred since 2026-07-15 get it)
  --include-name-only       with ids, also admit the name-only repo:OWNER/REPO:… subjects
  --audience A              the token audience (default sts.amazonaws.com)
  --issuer URL              default https://token.actions.githubusercontent.com; an enterprise
                            issuer adds /SLUG, GHE.com is https://token.actions.SUBDOMAIN.ghe.com,
                            GHES https://HOST/_services/token
`;

/**
 * Every single run the value stands for, as test's shorthand describes a run: each repository (in
 * each subject form it is given in) × each environment, branch, tag or pull request × each
 * reusable workflow. Throws GenerateError (see {@link withFlagErrors}) for a value generate refuses.
 */
export function runDescriptions(options: GenerateOptions): RunDescription[] {
  generatedSubjects(options); // the same checks as generate, the same messages
  const repositories = [options.repository, ...(options.additionalRepositories ?? [])].flatMap((raw, i) => {
    const inline = splitInlineIds(raw);
    const ids = inline ? { ownerId: inline.ownerId, repositoryId: inline.repositoryId } : i === 0 && options.ownerId !== undefined ? { ownerId: options.ownerId, repositoryId: options.repositoryId! } : undefined;
    const repository = inline?.repository ?? raw;
    if (ids === undefined) return [{ repository }];
    const immutable = { repository, ...ids, subjectForm: 'immutable' as const };
    return options.includeNameOnly ? [immutable, { repository, ...ids }] : [immutable];
  });
  const contexts: Partial<RunDescription>[] = [
    ...(options.environments ?? []).map((environment) => ({ environment })),
    ...(options.branches ?? []).map((b) => ({ ref: refOf('branch', b) })),
    ...(options.tags ?? []).map((t) => ({ ref: refOf('tag', t) })),
    ...(options.pullRequests ? [{ event: 'pull_request' }] : []),
  ];
  const workflows: Partial<RunDescription>[] = (options.workflows ?? []).length > 0 ? options.workflows!.map((jobWorkflowRef) => ({ jobWorkflowRef })) : [{}];
  const token = { ...(options.audience !== undefined ? { audience: options.audience } : {}), ...(options.issuer !== undefined ? { issuer: options.issuer } : {}) };
  return repositories.flatMap((repository) => contexts.flatMap((context) => workflows.map((workflow) => ({ ...repository, ...context, ...workflow, ...token }))));
}
