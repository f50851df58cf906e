/**
 * The --github join: for each run id, the run (event, actor, triggering actor, head SHA, workflow)
 * and who approved which environment, through @actions/github's Octokit. A 403 or 404 is an
 * error naming the permission the token needs. The client is behind a small interface so tests
 * use a loopback GitHub API and the CLI loads Octokit only for --github.
 */
import { GitHubApiError, type GitHubApi } from '../github/api.js';
import { TrailSourceError } from './errors.js';

export interface RunApproval {
  readonly user: string;
  readonly state: string;
  readonly environments: readonly string[];
  readonly comment: string;
}

export interface RunInfo {
  readonly repository: string;
  readonly runId: string;
  readonly url: string;
  readonly event: string | null;
  readonly actor: string | null;
  readonly triggeringActor: string | null;
  readonly headSha: string | null;
  readonly workflow: string | null;
  readonly approvals: readonly RunApproval[];
}

/** What the join needs from GitHub: src/github's client (pagination, Retry-After, permission-named errors). */
export type GitHubRunsClient = Pick<GitHubApi, 'get'>;

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

const RUN = '/repos/{owner}/{repo}/actions/runs/{run_id}';

/** One GET; a refusal becomes the trail's bad-input error, naming the endpoint and the permission. */
async function getJson(client: GitHubRunsClient, template: string, params: Record<string, string>): Promise<unknown> {
  try {
    return await client.get<unknown>(template, params);
  } catch (error) {
    if (error instanceof GitHubApiError) throw new TrailSourceError(`--github: ${error.message}`);
    throw error;
  }
}

export async function fetchRun(client: GitHubRunsClient, repository: string, runId: string): Promise<RunInfo> {
  const [owner = '', repo = ''] = repository.split('/');
  const params = { owner, repo, run_id: runId };
  const run = (await getJson(client, RUN, params)) as Record<string, unknown>;
  const approvals = await getJson(client, `${RUN}/approvals`, params);
  return {
    repository,
    runId,
    url: str(run.html_url) ?? `https://github.com/${repository}/actions/runs/${runId}`,
    event: str(run.event),
    actor: str((run.actor as Record<string, unknown> | null)?.login),
    triggeringActor: str((run.triggering_actor as Record<string, unknown> | null)?.login),
    headSha: str(run.head_sha),
    workflow: str(run.path) ?? str(run.name),
    approvals: Array.isArray(approvals)
      ? approvals.map((a: Record<string, unknown>) => ({
          user: str((a.user as Record<string, unknown> | null)?.login) ?? '(unknown)',
          state: str(a.state) ?? '',
          environments: Array.isArray(a.environments) ? a.environments.map((e: Record<string, unknown>) => str(e.name) ?? '').filter((n) => n !== '') : [],
          comment: str(a.comment) ?? '',
        }))
      : [],
  };
}

/** Every distinct (repository, run id) of the sessions, fetched one after the other. */
export async function fetchRuns(client: GitHubRunsClient, wanted: ReadonlyArray<{ repository: string; runId: string }>): Promise<Map<string, RunInfo>> {
  const runs = new Map<string, RunInfo>();
  for (const { repository, runId } of wanted) {
    const id = `${repository}#${runId}`;
    if (!runs.has(id)) runs.set(id, await fetchRun(client, repository, runId));
  }
  return runs;
}

/** The client over @actions/github's Octokit (loaded only for --github), as reach uses it. */
export async function octokitRunsClient(token: string, baseUrl: string | undefined, version: string): Promise<GitHubRunsClient> {
  const [{ gitHubApi }, { octokitTransport }] = await Promise.all([import('../github/api.js'), import('../github/octokit.js')]);
  const base = baseUrl ?? 'https://api.github.com';
  return gitHubApi({ baseUrl: base, transport: await octokitTransport(token, base, `keyless/${version}`) });
}
