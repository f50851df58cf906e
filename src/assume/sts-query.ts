/**
 * AssumeRoleWithWebIdentity in AWS's Query protocol, without the SDK: the form that goes out and
 * the reading of the XML that comes back. The call is unsigned (the token is the credential), so
 * nothing here needs keys. Answers come out in the SDK's output shape and errors in the shape of
 * the SDK's service exceptions, so retry, classification (sts-errors.ts) and readCredentials treat
 * both paths alike. Pure.
 */
import type { AssumeRoleWithWebIdentityCommandOutput } from '@aws-sdk/client-sts';
import { child, readXml, textAt, XmlReadError, type XmlNode } from '../shared/xml-read.js';
import { quoteCut } from '../shared/outside-text.js';

export const STS_API_VERSION = '2011-06-15';

export interface WebIdentityParameters {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly webIdentityToken: string;
  readonly durationSeconds?: number | undefined;
  readonly policy?: string | undefined;
  readonly policyArns?: readonly string[];
}

/** RFC 3986 percent-encoding, as the SDK writes Query parameters (it encodes !'()* too). */
const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The form-encoded body of one AssumeRoleWithWebIdentity request. */
export function webIdentityForm(p: WebIdentityParameters): string {
  const pairs: [string, string][] = [
    ['Action', 'AssumeRoleWithWebIdentity'],
    ['Version', STS_API_VERSION],
    ['RoleArn', p.roleArn],
    ['RoleSessionName', p.roleSessionName],
    ['WebIdentityToken', p.webIdentityToken],
  ];
  if (p.durationSeconds !== undefined) pairs.push(['DurationSeconds', String(p.durationSeconds)]);
  if (p.policy !== undefined) pairs.push(['Policy', p.policy]);
  (p.policyArns ?? []).forEach((arn, i) => pairs.push([`PolicyArns.member.${i + 1}.arn`, arn]));
  return pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
}

export interface QueryAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** An error answer, or an answer that could not be read, shaped like the SDK's exceptions for facts(). */
export class StsAnswerError extends Error {
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId: string | undefined };
  readonly $response: { readonly statusCode: number; readonly headers: Record<string, string | undefined> };

  constructor(name: string, message: string, answer: QueryAnswer, requestId: string | undefined) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: answer.status, requestId };
    this.$response = { statusCode: answer.status, headers: flatHeaders(answer.headers) };
  }
}

function flatHeaders(headers: QueryAnswer['headers']): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v[0] : v]));
}

/** What a message may show of a body that is not what was expected: its start, on one line. */
function glimpse(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line === '' ? '(an empty body)' : quoteCut(line, 120);
}

/** A request id as AWS writes them (a UUID, or letters, digits and dashes); anything else is not shown. */
const plainId = (id: string | undefined) => (id !== undefined && /^[\w-]{1,128}$/.test(id) ? id : undefined);
const headerRequestId = (answer: QueryAnswer) => plainId(flatHeaders(answer.headers)['x-amzn-requestid']);

/** An RFC 3339 date-time, as STS writes Expiration; anything else is refused, not guessed at. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * The time an RFC 3339 text names, in ms, or NaN. A day or hour that does not exist (Feb 30,
 * 24:00) is NaN, not rolled over; a leap second (:60) counts as the next second, as the SDK reads it.
 */
export function parseRfc3339(value: string): number {
  const m = RFC3339.exec(value);
  if (!m) return NaN;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [fraction = '', sign, offsetHours = '0', offsetMinutes = '0'] = m.slice(7);
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)));
  const exists =
    check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day && check.getUTCHours() === hour && check.getUTCMinutes() === minute && second <= 60;
  if (!exists || Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return NaN;
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  const milliseconds = Number(fraction.slice(1, 4).padEnd(3, '0'));
  return Date.UTC(year, month - 1, day, hour, minute, second, milliseconds) - offsetMs;
}

function readDate(value: string | undefined, answer: QueryAnswer, requestId: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = parseRfc3339(value);
  if (Number.isNaN(at)) throw new StsAnswerError('StsXmlError', `Expiration ${quoteCut(value, 60)} is not an RFC 3339 timestamp`, answer, requestId);
  return new Date(at);
}

function parse(answer: QueryAnswer, requestId: string | undefined): XmlNode | undefined {
  try {
    return readXml(answer.body);
  } catch (error) {
    if (!(error instanceof XmlReadError)) throw error;
    if (answer.status >= 300) return undefined;
    throw new StsAnswerError('StsXmlError', `${error.message}: ${glimpse(answer.body)}`, answer, requestId);
  }
}

/**
 * An error answer as the exception it stands for: the ErrorResponse's Code and Message. A body
 * that is no ErrorResponse keeps its status, so a 5xx is still retried and a 4xx is not.
 */
function errorFrom(answer: QueryAnswer): StsAnswerError {
  const root = parse(answer, headerRequestId(answer));
  // STS answers <ErrorResponse><Error>…; some Query services wrap it in <Response><Errors>.
  const holder = root?.name === 'ErrorResponse' ? root : root?.name === 'Response' ? child(root, 'Errors') : undefined;
  const code = textAt(holder, 'Error', 'Code');
  const requestId = headerRequestId(answer) ?? plainId(textAt(root, 'RequestId') ?? textAt(root, 'RequestID'));
  if (code === undefined || code.trim() === '') {
    return new StsAnswerError('UnknownError', `HTTP ${answer.status} with a body that is not an STS error: ${glimpse(answer.body)}`, answer, requestId);
  }
  return new StsAnswerError(code.trim(), textAt(holder, 'Error', 'Message') ?? '', answer, requestId);
}

export type WebIdentityOutput = Pick<AssumeRoleWithWebIdentityCommandOutput, 'Credentials' | 'AssumedRoleUser' | '$metadata'>;

/** The answer to AssumeRoleWithWebIdentity in the SDK's output shape; error answers throw StsAnswerError. */
export function readWebIdentityAnswer(answer: QueryAnswer): WebIdentityOutput {
  if (answer.status < 200 || answer.status >= 300) throw errorFrom(answer);
  const root = parse(answer, headerRequestId(answer));
  const requestId = headerRequestId(answer) ?? plainId(textAt(root, 'ResponseMetadata', 'RequestId'));
  if (root?.name !== 'AssumeRoleWithWebIdentityResponse') {
    throw new StsAnswerError('StsXmlError', `expected an AssumeRoleWithWebIdentityResponse, got ${glimpse(root?.name ?? '')}: ${glimpse(answer.body)}`, answer, requestId);
  }
  const result = child(root, 'AssumeRoleWithWebIdentityResult');
  const credentials = child(result, 'Credentials');
  const user = child(result, 'AssumedRoleUser');
  const expiration = readDate(textAt(credentials, 'Expiration'), answer, requestId);
  return {
    $metadata: { httpStatusCode: answer.status, requestId },
    Credentials: credentials && {
      AccessKeyId: textAt(credentials, 'AccessKeyId'),
      SecretAccessKey: textAt(credentials, 'SecretAccessKey'),
      SessionToken: textAt(credentials, 'SessionToken'),
      Expiration: expiration,
    } as NonNullable<AssumeRoleWithWebIdentityCommandOutput['Credentials']>,
    AssumedRoleUser: user && { Arn: textAt(user, 'Arn'), AssumedRoleId: textAt(user, 'AssumedRoleId') } as NonNullable<AssumeRoleWithWebIdentityCommandOutput['AssumedRoleUser']>,
  };
}
