/**
 * A small interface over GitHub's REST API for the commands that read settings or runs: GET a
 * documented path template, follow pagination (Link: rel="next"), wait out Retry-After and rate
 * limits, and turn 401/403/404 into an error that names the endpoint and the permission it needs.
 * Nothing that cannot succeed is retried. The transport is injected (octokit.ts gives Octokit's).
 */

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
}

/** Sends one GET to a full URL and gives back the answer whatever its status (never throws for a status). */
export type Transport = (url: string) => Promise<ApiResponse>;

export interface GitHubApiOptions {
  /** GITHUB_API_URL, e.g. https://api.github.com. */
  readonly baseUrl: string;
  readonly transport: Transport;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Longest wait for a rate limit or Retry-After; beyond it the call fails and says when to retry. Default 60 s. */
  readonly maxWaitMs?: number;
  readonly now?: () => number;
}

/** The permission (fine-grained / GITHUB_TOKEN `permissions:`) each endpoint needs, by its template. */
export const ENDPOINT_PERMISSIONS: Readonly<Record<string, string>> = {
  '/repos/{owner}/{repo}': 'metadata: read',
  '/repos/{owner}/{repo}/environments': 'actions: read',
  '/repos/{owner}/{repo}/environments/{environment_name}': 'actions: read',
  '/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies': 'actions: read',
  '/repos/{owner}/{repo}/actions/oidc/customization/sub': 'actions: read',
  '/repos/{owner}/{repo}/rules/branches/{branch}': 'metadata: read (read access to the repository)',
  '/repos/{owner}/{repo}/branches/{branch}/protection': 'administration: read (GITHUB_TOKEN cannot have it)',
  '/repos/{owner}/{repo}/actions/runs/{run_id}': 'actions: read',
  '/repos/{owner}/{repo}/actions/runs/{run_id}/approvals': 'actions: read',
};

export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';
  constructor(
    message: string,
    readonly status: number,
    /** `GET /repos/{owner}/{repo}/…` */
    readonly endpoint: string,
    readonly permission: string,
  ) {
    super(message);
  }
}

export interface GitHubApi {
  /** One GET; params fill the template (URL-encoded). Throws GitHubApiError. */
  get<T>(template: string, params: Readonly<Record<string, string | number>>): Promise<T>;
  /** Every page of a list; `pick` takes the items out of a page (default: the page is the list). */
  list<T>(template: string, params: Readonly<Record<string, string | number>>, pick?: (page: unknown) => readonly T[]): Promise<T[]>;
}

export function fillTemplate(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for ${whole} in ${template}`);
    return encodeURIComponent(String(value));
  });
}

/** The message GitHub put in an error body, quoted, or nothing. */
function bodyMessage(body: unknown): string {
  const m = (body as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? `: ${JSON.stringify(m.slice(0, 200))}` : '';
}

/** How long to wait before this answer can succeed, or undefined when waiting would not help. */
export function waitFor(response: ApiResponse, now: number): number | undefined {
  const h = response.headers;
  const retryAfter = h['retry-after'];
  if ((response.status === 429 || response.status === 403) && retryAfter !== undefined && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  if ((response.status === 429 || response.status === 403) && h['x-ratelimit-remaining'] === '0' && h['x-ratelimit-reset'] !== undefined) {
    return Math.max(0, Number(h['x-ratelimit-reset']) * 1000 - now);
  }
  if (response.status === 429) return 60_000;
  if (response.status === 502 || response.status === 503 || response.status === 504) return 1000;
  return undefined;
}

const MAX_ATTEMPTS = 3;

export function gitHubApi(options: GitHubApiOptions): GitHubApi {
  const base = options.baseUrl.replace(/\/+$/, '');
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxWait = options.maxWaitMs ?? 60_000;
  const now = options.now ?? Date.now;

  const fetchOne = async (url: string, template: string): Promise<ApiResponse> => {
    const endpoint = `GET ${template}`;
    const permission = ENDPOINT_PERMISSIONS[template] ?? 'read access';
    for (let attempt = 1; ; attempt++) {
      const response = await options.transport(url);
      if (response.status >= 200 && response.status < 300) return response;
      const wait = waitFor(response, now());
      if (wait !== undefined && attempt < MAX_ATTEMPTS && wait <= maxWait) {
        await sleep(wait);
        continue;
      }
      const what =
        response.status === 401
          ? 'the token was refused (401): give a valid GITHUB_TOKEN or GH_TOKEN'
          : response.status === 403 && wait !== undefined
            ? `rate limited (403) for ${Math.ceil(wait / 1000)} s more: run again later`
            : response.status === 403
              ? `forbidden (403): the token needs ${permission}`
              : response.status === 404
                ? `not found (404): the repository or setting does not exist, or the token cannot see it (it needs ${permission})`
                : response.status === 429
                  ? 'rate limited (429): run again later'
                  : `answered ${response.status}`;
      throw new GitHubApiError(`${endpoint}: ${what}${bodyMessage(response.body)}`, response.status, endpoint, permission);
    }
  };

  return {
    async get<T>(template: string, params: Readonly<Record<string, string | number>>): Promise<T> {
      return (await fetchOne(`${base}${fillTemplate(template, params)}`, template)).body as T;
    },
    async list<T>(template: string, params: Readonly<Record<string, string | number>>, pick?: (page: unknown) => readonly T[]): Promise<T[]> {
      const items: T[] = [];
      let url: string | undefined = `${base}${fillTemplate(template, params)}?per_page=100`;
      for (let pages = 0; url !== undefined && pages < 100; pages++) {
        const response = await fetchOne(url, template);
        items.push(...(pick ? pick(response.body) : (response.body as T[])));
        url = /<([^>]+)>;\s*rel="next"/.exec(response.headers.link ?? '')?.[1];
        // Follow only links to the same API: a Link header never sends the token elsewhere.
        if (url !== undefined && !url.startsWith(`${base}/`)) url = undefined;
      }
      return items;
    },
  };
}
