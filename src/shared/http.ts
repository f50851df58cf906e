/**
 * The one HTTP client for the runner's token endpoint, OIDC discovery and JWKS: Node's own
 * http/https (already loaded by Node, unlike fetch's undici), a hard timeout on every request,
 * and an optional proxy.
 */
import type * as http from 'node:http';
import type * as https from 'node:https';
import type * as tls from 'node:tls';
import { createRequire } from 'node:module';
import { KeylessError } from './errors.js';
import { parseRetryAfter } from './retry.js';

// node:http, node:https and node:tls cost a few ms of CPU to load: loaded on first use, so that
// the action's TCP handshakes (connections.ts, node:net only) leave before they load.
const load = createRequire(import.meta.url);
export const nodeHttp = (): typeof http => load('node:http') as typeof http;
export const nodeHttps = (): typeof https => load('node:https') as typeof https;
export const nodeTls = (): typeof tls => load('node:tls') as typeof tls;

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

/** A request with a body (STS's form-encoded Query calls). */
export interface HttpPost extends HttpRequest {
  readonly body: string;
  readonly contentType: string;
}

/** How Keyless names itself to the services it calls (CloudTrail logs it for STS: trail reads it back). */
export const USER_AGENT = 'keyless-action';

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

/** An answer whose status the caller did not want, with what a retry decision needs. */
export class HttpStatusError extends Error {
  constructor(
    readonly response: HttpResponse,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return this.response.status;
  }

  /** The server's Retry-After, in ms from now. */
  get retryAfterMs(): number | undefined {
    return parseRetryAfter(this.response.headers['retry-after'], Date.now());
  }
}

/** Statuses that can succeed on a later attempt. */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

export interface HttpAgents {
  readonly httpAgent?: http.Agent;
  readonly httpsAgent?: https.Agent;
  /** The proxy these agents go through, without user name or password, for messages. */
  readonly proxy?: string;
}

export interface ProxySettings {
  readonly proxy: string | undefined;
  readonly noProxy: string | undefined;
}

/** The proxy inputs, else the runner's proxy variables (RunContext.proxy). */
export function proxyFrom(input: ProxySettings, runner: { readonly url: string | undefined; readonly noProxy: string | undefined }): ProxySettings {
  return { proxy: input.proxy ?? runner.url, noProxy: input.noProxy ?? runner.noProxy };
}

/** The one statement of which Node.js versions can use a proxy (README and messages quote it). */
export const PROXY_NODE_VERSIONS = 'Node.js 24.5 or later (or 22.21 or a later 22.x)';

/** Node's own proxy support in http.Agent (proxyEnv) arrived in 24.5.0 and was backported to 22.21.0; 23.x, out of support since June 2025, never got it. */
export function nodeSupportsAgentProxy(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > 24 || (major === 24 && minor >= 5) || (major === 22 && minor >= 21);
}

/** A proxy URL for messages: never its user name or password. */
export function describeProxy(proxy: string): string {
  try {
    const url = new URL(proxy);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/$/, '');
  } catch {
    return '(unparsable proxy URL)';
  }
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT']);

/** When a request could not get through because the proxy itself is unreachable, say so, naming it. */
export function proxyProblem(error: unknown, proxy: string | undefined): string | undefined {
  if (!proxy) return undefined;
  const e = error as { code?: string; address?: string; port?: number; hostname?: string };
  if (!e || !e.code || !CONNECT_ERRORS.has(e.code)) return undefined;
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    return undefined;
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const atProxy = (e.port === undefined || e.port === port) && (e.address === host || e.hostname === host || e.port === port);
  return atProxy ? `could not reach the proxy ${describeProxy(proxy)} (${e.code}); check the input http-proxy, or the variable that set it (HTTPS_PROXY, https_proxy, HTTP_PROXY or http_proxy), and that the proxy is running` : undefined;
}

/** Agents that tunnel through the proxy; Node ≥ 22.21/24.5 implements this natively (proxyEnv). */
export function proxyAgents(settings: ProxySettings, nodeVersion: string): HttpAgents {
  if (!settings.proxy) return {};
  if (!nodeSupportsAgentProxy(nodeVersion)) {
    // Older Node would silently ignore the option and go direct, around the proxy.
    throw new KeylessError(
      'invalid-input',
      `A proxy is configured (input http-proxy or HTTPS_PROXY / HTTP_PROXY), and this Node.js ${nodeVersion} cannot use one; proxies need ${PROXY_NODE_VERSIONS} (runs.using node24 on runner v2.328.0 or later has it).`,
    );
  }
  const proxyEnv = {
    HTTP_PROXY: settings.proxy,
    HTTPS_PROXY: settings.proxy,
    NO_PROXY: settings.noProxy ?? '',
  };
  // proxyEnv is newer than @types/node 20; older Node ignores it.
  const options = { keepAlive: true, proxyEnv } as http.AgentOptions;
  return { httpAgent: new (nodeHttp().Agent)(options), httpsAgent: new (nodeHttps().Agent)(options as https.AgentOptions), proxy: settings.proxy };
}

export function httpGet(request: HttpRequest, agents: HttpAgents = {}): Promise<HttpResponse> {
  return send(request, undefined, agents);
}

export function httpPost(request: HttpPost, agents: HttpAgents = {}): Promise<HttpResponse> {
  return send(request, Buffer.from(request.body, 'utf8'), agents);
}

function send(request: HttpRequest & { contentType?: string }, body: Buffer | undefined, agents: HttpAgents): Promise<HttpResponse> {
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? nodeHttps() : nodeHttp();
  const agent = url.protocol === 'https:' ? agents.httpsAgent : agents.httpAgent;
  const maxBytes = request.maxBytes ?? 1_000_000;
  return new Promise((resolve, reject) => {
    const bodyHeaders = body ? { 'content-type': request.contentType ?? 'application/octet-stream', 'content-length': String(body.length) } : {};
    const headers = { accept: 'application/json', 'user-agent': USER_AGENT, ...bodyHeaders, ...request.headers };
    const req = client.request(url, { method: body ? 'POST' : 'GET', headers, agent });
    const timer = setTimeout(() => {
      req.destroy(new HttpError(`no complete answer within ${Math.round(request.timeoutMs / 100) / 10} s`, 'timeout'));
    }, request.timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error instanceof HttpError ? error : new HttpError(proxyProblem(error, agents.proxy) ?? describeNetworkError(error), 'network', { cause: error }));
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
    req.end(body);
  });
}

export function describeNetworkError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
