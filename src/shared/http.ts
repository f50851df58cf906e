/**
 * The one HTTP client for the runner's token endpoint, OIDC discovery and JWKS: Node's own
 * http/https (already loaded by Node, unlike fetch's undici), a hard timeout on every request,
 * and an optional proxy.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { KeylessError } from './errors.js';

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpRequest {
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly timeoutMs: number;
  /** Responses larger than this are cut off with an error: a JWKS or token is a few kB. */
  readonly maxBytes?: number;
}

export class HttpError extends Error {
  constructor(
    message: string,
    /** 'timeout' | 'network' | 'too-large' */
    readonly kind: 'timeout' | 'network' | 'too-large',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface HttpAgents {
  readonly httpAgent?: http.Agent;
  readonly httpsAgent?: https.Agent;
}

export interface ProxySettings {
  readonly proxy: string | undefined;
  readonly noProxy: string | undefined;
}

/** The proxy inputs, else the runner's proxy variables (RunContext.proxy). */
export function proxyFrom(input: ProxySettings, runner: { readonly url: string | undefined; readonly noProxy: string | undefined }): ProxySettings {
  return { proxy: input.proxy ?? runner.url, noProxy: input.noProxy ?? runner.noProxy };
}

/** Node's own proxy support in http.Agent (proxyEnv) arrived in 24.5 and 22.21. */
export function nodeSupportsAgentProxy(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 24 || (major === 24 && minor >= 5) || (major === 22 && minor >= 21) || major === 23;
}

/** Agents that tunnel through the proxy; Node ≥ 22.21/24.5 implements this natively (proxyEnv). */
export function proxyAgents(settings: ProxySettings, nodeVersion: string): HttpAgents {
  if (!settings.proxy) return {};
  if (!nodeSupportsAgentProxy(nodeVersion)) {
    // Older Node would silently ignore the option and go direct, around the proxy.
    throw new KeylessError(
      'invalid-input',
      `A proxy is configured (input http-proxy or HTTPS_PROXY / HTTP_PROXY), and this Node.js ${nodeVersion} cannot use one; the action needs Node ≥ 24.5 for proxies (runs.using node24 on an up-to-date runner has it).`,
    );
  }
  const proxyEnv = {
    HTTP_PROXY: settings.proxy,
    HTTPS_PROXY: settings.proxy,
    NO_PROXY: settings.noProxy ?? '',
  };
  // proxyEnv is newer than @types/node 20; older Node ignores it.
  const options = { keepAlive: true, proxyEnv } as http.AgentOptions;
  return { httpAgent: new http.Agent(options), httpsAgent: new https.Agent(options as https.AgentOptions) };
}

export function httpGet(
  request: HttpRequest,
  agents: HttpAgents = {},
): Promise<HttpResponse> {
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  const agent = url.protocol === 'https:' ? agents.httpsAgent : agents.httpAgent;
  const maxBytes = request.maxBytes ?? 1_000_000;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: 'GET', headers: { accept: 'application/json', 'user-agent': 'keyless-action', ...request.headers }, agent });
    const timer = setTimeout(() => {
      req.destroy(new HttpError(`no complete answer within ${request.timeoutMs / 1000} s`, 'timeout'));
    }, request.timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error instanceof HttpError ? error : new HttpError(describeNetworkError(error), 'network', { cause: error }));
    });
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy(new HttpError(`response larger than ${maxBytes} bytes`, 'too-large'));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', (error) => {
        clearTimeout(timer);
        reject(new HttpError(describeNetworkError(error), 'network', { cause: error }));
      });
    });
    req.end();
  });
}

export function describeNetworkError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
