/**
 * A loopback GitHub REST API: routes by GitHub's own path templates
 * (`/repos/{owner}/{repo}/environments`), each answering with a status, a JSON body and headers in
 * GitHub's documented shapes. It records every request (method and path, query left out) so that
 * tests can count them (and see the Authorization each carried). Used by the reach and trail tests
 * and the reach demo.
 */
import { startLoopbackServer } from './http.js';

export interface GitHubApiAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface GitHubApiRoute {
  readonly method: string;
  /** GitHub's path template, e.g. `/repos/{owner}/{repo}/rules/branches/{branch}`. */
  readonly path: string;
  answer(params: Readonly<Record<string, string>>, url: URL): GitHubApiAnswer | Promise<GitHubApiAnswer>;
}

export interface GitHubApiRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
}

export interface LocalGitHubApi {
  /** http://127.0.0.1:PORT: GITHUB_API_URL for the client. */
  readonly url: string;
  readonly requests: readonly GitHubApiRequest[];
  close(): Promise<void>;
}

/** A template as a matcher: each `{name}` is one path segment (URL-decoded). */
function matcher(template: string): (path: string) => Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${template.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{([a-z_]+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  return (path) => {
    const m = pattern.exec(path);
    if (!m) return undefined;
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
  };
}

export async function startLocalGitHubApi(routes: readonly GitHubApiRoute[]): Promise<LocalGitHubApi> {
  const compiled = routes.map((route) => ({ route, match: matcher(route.path) }));
  const requests: GitHubApiRequest[] = [];
  const server = await startLoopbackServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    requests.push({ method, path: url.pathname, authorization: request.headers.authorization });
    let answer: GitHubApiAnswer = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
    for (const { route, match } of compiled) {
      const params = route.method === method ? match(url.pathname) : undefined;
      if (params) {
        answer = await route.answer(params, url);
        break;
      }
    }
    const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
    response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    response.end(body);
  });
  return { url: server.origin, requests, close: () => server.close() };
}
