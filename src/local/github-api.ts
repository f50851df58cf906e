/**
 * A loopback GitHub REST API for tests: routes in GitHub's path templates
 * (`/repos/{owner}/{repo}/actions/runs/{run_id}`), answers in GitHub's documented shapes, and every
 * request recorded so a test can count them. Unrouted paths answer 404 as GitHub does.
 */
import type { IncomingMessage } from 'node:http';
import { startLoopbackServer } from './http.js';

export interface GitHubApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export interface GitHubApiRoute {
  readonly method: string;
  /** GitHub's template, e.g. /repos/{owner}/{repo}/actions/runs/{run_id}. */
  readonly path: string;
  answer(params: Record<string, string>, url: URL): GitHubApiAnswer | Promise<GitHubApiAnswer>;
}

export interface GitHubApiRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
}

export interface LocalGitHubApi {
  /** http://127.0.0.1:PORT (an API base URL, as GITHUB_API_URL). */
  readonly url: string;
  readonly requests: GitHubApiRequest[];
  close(): Promise<void>;
}

function matcher(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([a-z_]+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

export async function startLocalGitHubApi(routes: readonly GitHubApiRoute[]): Promise<LocalGitHubApi> {
  const compiled = routes.map((route) => ({ route, ...matcher(route.path) }));
  const requests: GitHubApiRequest[] = [];
  const server = await startLoopbackServer(async (request: IncomingMessage, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    requests.push({ method, path: url.pathname, authorization: request.headers.authorization });
    let answer: GitHubApiAnswer = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
    for (const { route, regex, names } of compiled) {
      const m = route.method === method ? regex.exec(url.pathname) : null;
      if (!m) continue;
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(m[i + 1]!)]));
      answer = await route.answer(params, url);
      break;
    }
    response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    response.end(JSON.stringify(answer.body));
  });
  return { url: server.origin, requests, close: () => server.close() };
}
