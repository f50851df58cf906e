/**
 * The --github join: for each run id, the run (event, actor, triggering actor, head SHA, workflow)
 * and who approved which environment, through @actions/github's Octokit. A 403 or 404 is an
 * error naming the permission the token needs. The client is behind a small interface so tests
 * use a loopback GitHub API and the CLI loads Octokit only for --github.
 */
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

/** What the join needs from GitHub: one JSON document per GET, or the HTTP status that refused. */
export interface GitHubRunsClient {
  get(path: string): Promise<{ status: number; body: unknown }>;
}


const PERMISSION = 'a token with "actions: read" on the repository (GITHUB_TOKEN with permissions: actions: read, or a PAT with repo scope)';

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

async function getJson(client: GitHubRunsClient, path: string): Promise<unknown> {
  const { status, body } = await client.get(path);
  if (status === 403 || status === 404) {
    const why = status === 404 ? 'not found (or not visible to this token)' : 'forbidden';
    throw new TrailSourceError(`--github: GET ${path} answered ${status} ${why}: it needs ${PERMISSION}`);
  }
  if (status < 200 || status >= 300) throw new TrailSourceError(`--github: GET ${path} answered HTTP ${status}`);
  return body;
}

export async function fetchRun(client: GitHubRunsClient, repository: string, runId: string): Promise<RunInfo> {
  const base = `/repos/${repository}/actions/runs/${encodeURIComponent(runId)}`;
  const run = (await getJson(client, base)) as Record<string, unknown>;
  const approvals = (await getJson(client, `${base}/approvals`)) as unknown;
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

/** The client over @actions/github's Octokit (loaded lazily: the CLI bundle stubs it unless --github needs it). */
export async function octokitRunsClient(token: string, baseUrl: string | undefined): Promise<GitHubRunsClient> {
  const { getOctokit } = (await import('@actions/github')) as Partial<typeof import('@actions/github')>;
  // The bundles swap @actions/github for a context-only stand-in (scripts/bundle): say so rather than crash.
  if (typeof getOctokit !== 'function') throw new TrailSourceError('--github: this build of keyless was bundled without the GitHub client (@actions/github is replaced in scripts/bundle)');
  const octokit = getOctokit(token, baseUrl !== undefined ? { baseUrl } : {});
  return {
    get: async (path) => {
      try {
        const response = await octokit.request(`GET ${path}`);
        return { status: response.status, body: response.data as unknown };
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (typeof status === 'number') return { status, body: null };
        throw error;
      }
    },
  };
}
