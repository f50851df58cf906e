/**
 * One AssumeRoleWithWebIdentity attempt sent with Node's own https client on the connection the
 * pool opened ahead, instead of through the AWS SDK: the SDK's client is about 50 ms of CPU to load
 * and evaluate, which on a real network lands while the handshakes are in flight and delays them.
 * The call is unsigned, so the SDK adds nothing but its serialiser and parser (sts-query.ts does
 * both). Failures come out in the SDK's shapes, for the same retry and the same messages.
 */
import { formatBytes, READ_LIMITS, BoundedReadError } from '../shared/bounded-read.js';
import { HttpError, httpPost, proxyProblem, type HttpAgents } from '../shared/http.js';
import { readWebIdentityAnswer, webIdentityForm, type WebIdentityOutput, type WebIdentityParameters } from './sts-query.js';

export interface DirectCall {
  /** The STS endpoint URL (stsOrigin()): the request goes where the SDK would send it (requestUrl). */
  readonly endpoint: string;
  readonly agents: HttpAgents;
}

const OPERATION = 'AssumeRoleWithWebIdentity';

/**
 * Where the SDK sends a Query request for an endpoint URL: its path with a trailing slash, no query
 * string, and no user name or password (which Node would otherwise send as Basic authorization).
 */
export function requestUrl(endpoint: string): string {
  const url = new URL(endpoint);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

export async function assumeWithWebIdentityDirect(call: DirectCall, parameters: WebIdentityParameters, timeoutMs: number): Promise<WebIdentityOutput> {
  const maxBytes = READ_LIMITS.stsBody;
  let answer;
  try {
    answer = await httpPost(
      {
        url: requestUrl(call.endpoint),
        body: webIdentityForm(parameters),
        contentType: 'application/x-www-form-urlencoded; charset=utf-8',
        headers: { accept: 'text/xml' },
        timeoutMs,
        maxBytes,
      },
      call.agents,
    );
  } catch (error) {
    throw asSdkError(error, call.agents.proxy, maxBytes);
  }
  return readWebIdentityAnswer(answer);
}

/** A failed request in the shape facts() reads from the SDK: a name, a network code, a message. */
function asSdkError(error: unknown, proxy: string | undefined, maxBytes: number): Error {
  if (!(error instanceof HttpError)) return error as Error;
  if (error.kind === 'too-large') {
    const limit = formatBytes(maxBytes);
    return new BoundedReadError(`the answer to ${OPERATION}`, 'too-large', `is larger than the ${limit} Keyless reads; expected at most ${limit}`);
  }
  if (error.kind === 'timeout') return Object.assign(new Error(error.message), { name: 'TimeoutError' });
  const cause = error.cause as { code?: unknown; message?: string } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  // Named by its code, as messages show it: ECONNREFUSED, ERR_TLS_CERT_ALTNAME_INVALID, …
  return Object.assign(new Error(proxyProblem(cause, proxy) ?? cause?.message ?? error.message), { name: code ?? 'NetworkError', code });
}
