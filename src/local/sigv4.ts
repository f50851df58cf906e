// AWS Signature Version 4, as pure functions: the local STS verifies requests with them and
// the tests sign with them. Follows the documented algorithm (canonical request → string to
// sign → HMAC chain); checked against AWS's published test-suite vectors in the tests.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** Header names in any case; several values for one name are kept in order. */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface SignableRequest {
  readonly method: string;
  /** The path as sent on the wire (already percent-encoded), without the query. */
  readonly path: string;
  /** The raw query string as sent, without the leading '?'. */
  readonly query?: string;
  readonly headers: HeaderMap;
  readonly body?: string | Uint8Array;
}

export interface CanonicalOptions {
  /** Every AWS service except S3 encodes each path segment a second time. Default true. */
  readonly doubleEncodePath?: boolean;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmacSha256(key: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 encoding as SigV4 wants it: only A-Z a-z 0-9 - _ . ~ stay literal, hex in upper case. */
export function uriEncode(value: string, encodeSlash = true): string {
  let encoded = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(char) || (char === '/' && !encodeSlash)) encoded += char;
    else encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

function decodeLeniently(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // a stray '%' is taken literally rather than failing the whole request
  }
}

export function canonicalUri(wirePath: string, options: CanonicalOptions = {}): string {
  const path = wirePath === '' ? '/' : wirePath;
  const doubleEncode = options.doubleEncodePath ?? true;
  return path
    .split('/')
    .map((segment) => (doubleEncode ? uriEncode(segment) : uriEncode(decodeLeniently(segment))))
    .join('/');
}

export function canonicalQueryString(rawQuery: string | undefined): string {
  if (rawQuery === undefined || rawQuery === '') return '';
  const pairs = rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const equals = part.indexOf('=');
      const key = equals === -1 ? part : part.slice(0, equals);
      const value = equals === -1 ? '' : part.slice(equals + 1);
      return [uriEncode(decodeLeniently(key)), uriEncode(decodeLeniently(value))] as const;
    });
  pairs.sort(([keyA, valueA], [keyB, valueB]) => compareCodeUnits(keyA, keyB) || compareCodeUnits(valueA, valueB));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** All values of one header, looked up case-insensitively. */
export function headerValues(headers: HeaderMap, name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
  }
  return values;
}

export function firstHeader(headers: HeaderMap, name: string): string | undefined {
  return headerValues(headers, name)[0];
}

export function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/** One `name:value\n` line per signed header, in the order given (SignedHeaders is sorted). */
export function canonicalHeaders(headers: HeaderMap, signedHeaders: readonly string[]): string {
  return signedHeaders
    .map((name) => `${name}:${headerValues(headers, name).map(canonicalHeaderValue).join(',')}\n`)
    .join('');
}

/** The x-amz-content-sha256 header when present, else the SHA-256 of the body. */
export function payloadHash(request: SignableRequest): string {
  return firstHeader(request.headers, 'x-amz-content-sha256') ?? sha256Hex(request.body ?? '');
}

export function canonicalRequest(
  request: SignableRequest,
  signedHeaders: readonly string[],
  options: CanonicalOptions = {},
): string {
  return [
    request.method.toUpperCase(),
    canonicalUri(request.path, options),
    canonicalQueryString(request.query),
    canonicalHeaders(request.headers, signedHeaders),
    signedHeaders.join(';'),
    payloadHash(request),
  ].join('\n');
}

export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}

export function stringToSign(amzDate: string, scope: string, canonicalRequestText: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonicalRequestText)].join('\n');
}

export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const dateKey = hmacSha256(`AWS4${secretAccessKey}`, date);
  const regionKey = hmacSha256(dateKey, region);
  const serviceKey = hmacSha256(regionKey, service);
  return hmacSha256(serviceKey, 'aws4_request');
}

/** 2015-08-30T12:36:00.000Z → 20150830T123600Z */
export function toAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** 20150830T123600Z → Date, or undefined if it is not that format. */
export function parseAmzDate(amzDate: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second));
  // Date.UTC rolls 20150231 over into March; a real timestamp survives the round trip.
  return toAmzDate(date) === amzDate ? date : undefined;
}

export interface ParsedAuthorization {
  readonly accessKeyId: string;
  /** YYYYMMDD from the credential scope. */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly scope: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, SignedHeaders=a;b, Signature=hex`. */
export function parseAuthorization(header: string): ParsedAuthorization | { error: string } {
  const trimmed = header.trim();
  if (!trimmed.startsWith(`${SIGV4_ALGORITHM} `)) return { error: `Authorization header is not ${SIGV4_ALGORITHM}` };
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(SIGV4_ALGORITHM.length).split(',')) {
    const equals = part.indexOf('=');
    if (equals === -1) return { error: `Authorization header field without '=': ${part.trim()}` };
    fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    return { error: 'Authorization header requires Credential, SignedHeaders and Signature' };
  }
  const credentialParts = credential.split('/');
  if (credentialParts.length !== 5 || credentialParts[4] !== 'aws4_request') {
    return { error: `malformed Credential: ${credential}` };
  }
  const [accessKeyId, date, region, service] = credentialParts as [string, string, string, string, string];
  return {
    accessKeyId,
    date,
    region,
    service,
    scope: credentialScope(date, region, service),
    signedHeaders: signedHeaders.split(';').map((name) => name.toLowerCase()),
    signature: signature.toLowerCase(),
  };
}

export interface SigningParams {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly region: string;
  readonly service: string;
  /** Signing time; default now. */
  readonly date?: Date;
  /** Add x-amz-content-sha256 (S3 needs it; STS does not). Default false. */
  readonly addContentSha256Header?: boolean;
  readonly doubleEncodePath?: boolean;
}

export interface SignedRequest {
  /** The request's headers plus x-amz-date, the session token (if any) and Authorization. */
  readonly headers: Record<string, string>;
  readonly authorization: string;
  readonly signature: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

/** Signs every header given (the caller must include `host`), like the AWS SDKs do. */
export function signRequest(request: SignableRequest, params: SigningParams): SignedRequest {
  const amzDate = toAmzDate(params.date ?? new Date());
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = typeof value === 'string' ? value : value.join(',');
  }
  if (headers['host'] === undefined) throw new Error('signRequest needs a host header');
  headers['x-amz-date'] = amzDate;
  if (params.sessionToken !== undefined) headers['x-amz-security-token'] = params.sessionToken;
  if (params.addContentSha256Header === true) headers['x-amz-content-sha256'] = sha256Hex(request.body ?? '');

  const signedHeaders = Object.keys(headers).sort(compareCodeUnits);
  const withHeaders: SignableRequest = { ...request, headers };
  const canonical = canonicalRequest(withHeaders, signedHeaders, { doubleEncodePath: params.doubleEncodePath ?? true });
  const scope = credentialScope(amzDate.slice(0, 8), params.region, params.service);
  const toSign = stringToSign(amzDate, scope, canonical);
  const signature = hmacSha256(
    deriveSigningKey(params.secretAccessKey, amzDate.slice(0, 8), params.region, params.service),
    toSign,
  ).toString('hex');
  const authorization =
    `${SIGV4_ALGORITHM} Credential=${params.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return {
    headers: { ...headers, authorization },
    authorization,
    signature,
    canonicalRequest: canonical,
    stringToSign: toSign,
  };
}

export interface SignatureCheck {
  readonly valid: boolean;
  readonly expectedSignature: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

/**
 * Recomputes the signature of a received request with the secret of the access key it names.
 * The request time comes from x-amz-date; checking it against the clock is the caller's job.
 */
export function verifySignature(
  request: SignableRequest,
  authorization: ParsedAuthorization,
  secretAccessKey: string,
  options: CanonicalOptions = {},
): SignatureCheck {
  const amzDate = firstHeader(request.headers, 'x-amz-date') ?? '';
  const canonical = canonicalRequest(request, authorization.signedHeaders, options);
  const toSign = stringToSign(amzDate, authorization.scope, canonical);
  const expectedSignature = hmacSha256(
    deriveSigningKey(secretAccessKey, authorization.date, authorization.region, authorization.service),
    toSign,
  ).toString('hex');
  const given = Buffer.from(authorization.signature, 'utf8');
  const expected = Buffer.from(expectedSignature, 'utf8');
  const valid = given.length === expected.length && timingSafeEqual(given, expected);
  return { valid, expectedSignature, canonicalRequest: canonical, stringToSign: toSign };
}
