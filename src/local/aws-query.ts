// What the loopback STS and IAM share: AWS's Query protocol (form-encoded parameters in, XML out,
// errors as ErrorResponse) and SigV4 checking against the keys a fake knows, with the real
// services' error codes and messages.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { firstHeader, parseAmzDate, parseAuthorization, sha256Hex, toAmzDate, UNSIGNED_PAYLOAD, verifySignature, type SignableRequest } from './sigv4.js';
import { renderXml, xmlElement, type XmlElement } from './xml.js';

/** An error answer in the services' ErrorResponse shape. */
export class QueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}

export interface QueryRequest {
  readonly params: Record<string, string>;
  readonly signable: SignableRequest;
  readonly requestId: string;
}

/** Parameters from the query string and a form-encoded body; headers kept as SigV4 signs them. */
export function parseQueryRequest(request: IncomingMessage, body: Buffer): QueryRequest {
  const rawUrl = request.url ?? '/';
  const queryStart = rawUrl.indexOf('?');
  const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const query = queryStart === -1 ? '' : rawUrl.slice(queryStart + 1);
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) params[key] = value;
  const contentType = request.headers['content-type'] ?? '';
  if (request.method === 'POST' && (contentType === '' || contentType.includes('application/x-www-form-urlencoded'))) {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params[key] = value;
  }
  // Repeated headers stay apart: SigV4 joins their values with ',' (Node would use ', ').
  const headers: Record<string, string[]> = {};
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) (headers[request.rawHeaders[i]!.toLowerCase()] ??= []).push(request.rawHeaders[i + 1]!);
  return { params, signable: { method: request.method ?? 'GET', path, query, headers, body }, requestId: randomUUID() };
}

export interface KnownKey {
  readonly secretAccessKey: string;
  /** Required on every request signed with this key when set (temporary credentials). */
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

const ALLOWED_CLOCK_SKEW_MS = 15 * 60 * 1000;
const SIGNATURE_DOES_NOT_MATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** SigV4 check of a request, as the services make it; returns the access key id that signed it. */
export function authenticate(request: QueryRequest, service: string, lookup: (accessKeyId: string) => KnownKey | undefined, signingRegion?: string): string {
  const { signable, params } = request;
  const header = firstHeader(signable.headers, 'authorization');
  if (header === undefined) throw new QueryError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  const authorization = parseAuthorization(header);
  if ('error' in authorization) throw new QueryError(400, 'IncompleteSignature', authorization.error);
  if (authorization.service !== service) throw new QueryError(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: '${service}'.`);
  if (signingRegion !== undefined && authorization.region !== signingRegion) {
    throw new QueryError(403, 'SignatureDoesNotMatch', `Credential should be scoped to a valid region, not '${authorization.region}'.`);
  }
  const amzDate = firstHeader(signable.headers, 'x-amz-date');
  const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signedAt === undefined) {
    throw new QueryError(400, 'IncompleteSignature', "Authorization header requires existence of a valid 'X-Amz-Date' header.");
  }
  if (authorization.date !== amzDate.slice(0, 8)) {
    throw new QueryError(
      403,
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${authorization.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  checkClockSkew(amzDate, signedAt);
  const key = lookup(authorization.accessKeyId);
  const sessionToken = firstHeader(signable.headers, 'x-amz-security-token') ?? params['X-Amz-Security-Token'];
  if (key === undefined || (key.sessionToken !== undefined && sessionToken !== key.sessionToken)) {
    throw new QueryError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  }
  const declared = firstHeader(signable.headers, 'x-amz-content-sha256');
  const bodyAltered = declared !== undefined && declared !== UNSIGNED_PAYLOAD && declared !== sha256Hex(signable.body ?? '');
  if (bodyAltered || !verifySignature(signable, authorization, key.secretAccessKey).valid) {
    throw new QueryError(403, 'SignatureDoesNotMatch', SIGNATURE_DOES_NOT_MATCH);
  }
  if (key.expiration !== undefined && key.expiration.getTime() <= Date.now()) {
    throw new QueryError(400, 'ExpiredToken', 'The security token included in the request is expired');
  }
  return authorization.accessKeyId;
}

/** SigV4 requests are valid for 15 minutes either side of the server's clock. */
function checkClockSkew(amzDate: string, signedAt: Date): void {
  const now = Date.now();
  const earliest = now - ALLOWED_CLOCK_SKEW_MS;
  const latest = now + ALLOWED_CLOCK_SKEW_MS;
  const nowText = toAmzDate(new Date(now));
  if (signedAt.getTime() < earliest) {
    throw new QueryError(403, 'SignatureDoesNotMatch', `Signature expired: ${amzDate} is now earlier than ${toAmzDate(new Date(earliest))} (${nowText} - 15 min.)`);
  }
  if (signedAt.getTime() > latest) {
    throw new QueryError(403, 'SignatureDoesNotMatch', `Signature not yet current: ${amzDate} is still later than ${toAmzDate(new Date(latest))} (${nowText} + 15 min.)`);
  }
}

export interface QueryAnswer {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

export function successAnswer(responseName: string, result: XmlElement | undefined, requestId: string, namespace: string): QueryAnswer {
  const body = renderXml(xmlElement(responseName, [result, xmlElement('ResponseMetadata', [xmlElement('RequestId', requestId)])], { xmlns: namespace }));
  return { status: 200, body, contentType: 'text/xml' };
}

export function errorAnswer(error: QueryError, requestId: string, namespace: string): QueryAnswer {
  const body = renderXml(
    xmlElement(
      'ErrorResponse',
      [xmlElement('Error', [xmlElement('Type', error.type), xmlElement('Code', error.code), xmlElement('Message', error.message)]), xmlElement('RequestId', requestId)],
      { xmlns: namespace },
    ),
  );
  return { status: error.status, body, contentType: 'text/xml' };
}

export function answerHeaders(requestId: string, answer: QueryAnswer, contentLength: number): Record<string, string> {
  return { 'x-amzn-RequestId': requestId, 'Content-Type': answer.contentType, 'Content-Length': String(contentLength) };
}

export function sendAnswer(response: ServerResponse, requestId: string, answer: QueryAnswer): void {
  if (response.destroyed) return;
  const bytes = Buffer.from(answer.body, 'utf8');
  response.writeHead(answer.status, answerHeaders(requestId, answer, bytes.length));
  response.end(bytes);
}
