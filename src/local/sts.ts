// A loopback AWS STS that speaks the Query protocol (form-encoded request, XML answer) the way
// the real service does: AssumeRoleWithWebIdentity unsigned, GetCallerIdentity and AssumeRole
// SigV4-signed with credentials it issued itself. Behaviours inject the failures seen in the wild.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { readBody, startLoopbackServer, type LoopbackServer } from './http.js';
import {
  parseAmzDate,
  parseAuthorization,
  sha256Hex,
  toAmzDate,
  UNSIGNED_PAYLOAD,
  verifySignature,
  firstHeader,
  type SignableRequest,
} from './sigv4.js';
import { renderXml, xmlElement, type XmlElement } from './xml.js';

export type StsBehaviour =
  | { kind: 'ok' }
  | { kind: 'error'; status: number; code: string; message: string; type?: 'Sender' | 'Receiver' }
  /** Accept the connection, read the request, never answer. */
  | { kind: 'hang' }
  /** Destroy the socket after reading the request (ECONNRESET). */
  | { kind: 'reset' }
  /** Write the headers and part of the body, then destroy the socket. */
  | { kind: 'reset-mid-response' }
  | { kind: 'raw'; status: number; body: string; contentType?: string }
  /** Answer as 'ok' after a delay. */
  | { kind: 'slow'; delayMs: number }
  /** As 'ok', but the credentials' Expiration is in the past. */
  | { kind: 'expired-credentials' }
  /** As 'ok', but the credentials expire this many seconds from now, whatever was asked for. */
  | { kind: 'short-lived-credentials'; expiresInSeconds: number };

export interface StsCall {
  action: string;
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  at: number;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  /** The assumed-role ARN: arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION */
  arn: string;
  account: string;
  /** AROA…:SESSION */
  assumedRoleId: string;
  roleArn: string;
  roleSessionName: string;
  issuedBy: 'AssumeRoleWithWebIdentity' | 'AssumeRole';
}

export interface LocalSts {
  /** http://127.0.0.1:PORT (use as AWS_ENDPOINT_URL_STS / endpoint). */
  readonly url: string;
  /** Every request, including those that then hang or fail. */
  readonly calls: StsCall[];
  /** Behaviours for the next calls in order; once used up, the default applies. No arguments: forget what is left. */
  script(...behaviours: StsBehaviour[]): void;
  setDefault(behaviour: StsBehaviour): void;
  /** Answer Throttling to this fraction of calls at random (0..1); checked before the script. */
  setThrottleRate(rate: number, random?: () => number): void;
  /** TCP connections accepted so far: tests that promise "no request" count these. */
  readonly connections: number;
  /** Credentials issued so far, by access key id. */
  readonly issued: Map<string, IssuedCredentials>;
  close(): Promise<void>;
}

export interface TrustedIssuer {
  url: string;
  jwksUrl: string;
  /** Accepted `aud` values (the IAM OIDC provider's client IDs); absent = any. */
  audiences?: string[];
  /** How long fetched keys are reused; default 0 = fetch on every call, so rotation and faults apply at once. */
  jwksCacheMs?: number;
}

export interface LocalStsOptions {
  /** Verify the web identity token against this issuer's JWKS and audiences, like real STS. */
  trustedIssuer?: TrustedIssuer;
  /** May these claims assume the role? false → 403 AccessDenied. Default: allow. */
  authorize?: (claims: Record<string, unknown>, roleArn: string) => boolean;
  /** May this assumed-role ARN chain into roleArn with AssumeRole? Default: allow. */
  authorizeAssumeRole?: (callerArn: string, roleArn: string) => boolean;
  /**
   * AssumeRole refuses session tags whose keys and values together exceed this many characters
   * (PackedPolicyTooLarge), standing in for STS's packed-size limit. Default: no limit.
   */
  maxPackedTagCharacters?: number;
}

export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const API_VERSION = '2011-06-15';
const DEFAULT_DURATION_SECONDS = 3600;
const ROLE_CHAINING_LIMIT_SECONDS = 3600;
const ALLOWED_CLOCK_SKEW_MS = 15 * 60 * 1000;
const SENSITIVE_VALUE = '*** Sensitive Data Redacted ***';
const SIGNATURE_DOES_NOT_MATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const CANNOT_FETCH_KEYS =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

/** An error answer in STS's ErrorResponse shape. */
class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}

const validationError = (message: string) => new StsError(400, 'ValidationError', message);
const invalidIdentityToken = (message: string) => new StsError(400, 'InvalidIdentityToken', message);

interface Answer {
  status: number;
  body: string;
  contentType: string;
}

interface ReceivedRequest {
  params: Record<string, string>;
  signable: SignableRequest;
  requestId: string;
}

export async function startLocalSts(options: LocalStsOptions = {}): Promise<LocalSts> {
  const calls: StsCall[] = [];
  const issued = new Map<string, IssuedCredentials>();
  const scripted: StsBehaviour[] = [];
  let defaultBehaviour: StsBehaviour = { kind: 'ok' };
  let throttleRate = 0;
  let throttleRandom: () => number = Math.random;
  const trusted = options.trustedIssuer;
  const remoteKeys =
    trusted === undefined
      ? undefined
      : createRemoteJWKSet(new URL(trusted.jwksUrl), {
          timeoutDuration: 2000,
          cooldownDuration: 0,
          cacheMaxAge: trusted.jwksCacheMs ?? 0,
          headers: { 'user-agent': 'keyless-local-sts' },
        });

  function nextBehaviour(): StsBehaviour {
    if (throttleRate > 0 && throttleRandom() < throttleRate) {
      return { kind: 'error', status: 400, code: 'Throttling', message: 'Rate exceeded', type: 'Sender' };
    }
    return scripted.shift() ?? defaultBehaviour;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const received = parseRequest(request, body);
    calls.push({
      action: received.params['Action'] ?? '',
      params: received.params,
      headers: { ...request.headers },
      at: Date.now(),
    });

    const behaviour = nextBehaviour();
    switch (behaviour.kind) {
      case 'hang':
        return; // loopback.close() destroys the socket
      case 'reset':
        request.socket.destroy();
        return;
      case 'raw':
        return send(response, received.requestId, {
          status: behaviour.status,
          body: behaviour.body,
          contentType: behaviour.contentType ?? 'text/xml',
        });
      case 'error':
        return send(
          response,
          received.requestId,
          errorAnswer(new StsError(behaviour.status, behaviour.code, behaviour.message, behaviour.type), received.requestId),
        );
      case 'reset-mid-response': {
        const answer = await answerFor(received, undefined);
        const bytes = Buffer.from(answer.body, 'utf8');
        response.writeHead(answer.status, headersFor(received.requestId, answer, bytes.length));
        response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => request.socket.destroy());
        return;
      }
      case 'slow':
        await new Promise<void>((resolve) => loopback.later(resolve, behaviour.delayMs));
        return send(response, received.requestId, await answerFor(received, undefined));
      case 'ok':
        return send(response, received.requestId, await answerFor(received, undefined));
      case 'expired-credentials':
        return send(response, received.requestId, await answerFor(received, -3600));
      case 'short-lived-credentials':
        return send(response, received.requestId, await answerFor(received, behaviour.expiresInSeconds));
    }
  }

  async function answerFor(received: ReceivedRequest, lifetime: number | undefined): Promise<Answer> {
    try {
      return await performAction(received, lifetime);
    } catch (error) {
      if (error instanceof StsError) return errorAnswer(error, received.requestId);
      throw error;
    }
  }

  async function performAction(received: ReceivedRequest, lifetime: number | undefined): Promise<Answer> {
    const { params } = received;
    const action = params['Action'] ?? '';
    const version = params['Version'] ?? API_VERSION;
    if (version !== API_VERSION) {
      throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version ${version}`);
    }
    switch (action) {
      case 'AssumeRoleWithWebIdentity':
        return assumeRoleWithWebIdentity(received, lifetime);
      case 'GetCallerIdentity':
        return getCallerIdentity(received);
      case 'AssumeRole':
        return assumeRole(received, lifetime);
      default:
        throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version ${version}`);
    }
  }

  async function assumeRoleWithWebIdentity(received: ReceivedRequest, lifetime: number | undefined): Promise<Answer> {
    const { params } = received;
    const input = validateAssumeRoleInput(params, { webIdentityToken: true });
    const role = parseRoleArn(input.roleArn);
    if (role === undefined) throw validationError('Request ARN is invalid');
    const sessionPolicy = validateSessionPolicy(params);

    const token = params['WebIdentityToken'] as string;
    const claims = await checkWebIdentityToken(token);
    if (options.authorize !== undefined && !options.authorize(claims, input.roleArn)) {
      throw new StsError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    }

    const credentials = issueCredentials(role, input.roleSessionName, lifetime ?? input.durationSeconds, 'AssumeRoleWithWebIdentity');
    const issuer = typeof claims['iss'] === 'string' ? claims['iss'] : '';
    const sourceIdentity = claims['https://aws.amazon.com/source_identity'];
    const result = xmlElement('AssumeRoleWithWebIdentityResult', [
      xmlElement('SubjectFromWebIdentityToken', typeof claims['sub'] === 'string' ? claims['sub'] : ''),
      xmlElement('Audience', acceptedAudience(claims['aud'])),
      assumedRoleUserElement(credentials),
      xmlElement('Credentials', [
        xmlElement('SessionToken', credentials.sessionToken),
        xmlElement('SecretAccessKey', credentials.secretAccessKey),
        xmlElement('Expiration', formatExpiration(credentials.expiration)),
        xmlElement('AccessKeyId', credentials.accessKeyId),
      ]),
      typeof sourceIdentity === 'string' ? xmlElement('SourceIdentity', sourceIdentity) : undefined,
      // Real STS names the IAM OIDC provider resource: its ARN ends in the issuer without scheme.
      xmlElement('Provider', `arn:${role.partition}:iam::${role.account}:oidc-provider/${issuer.replace(/^https?:\/\//, '')}`),
      sessionPolicy === undefined ? undefined : xmlElement('PackedPolicySize', String(sessionPolicy.packedPolicySize)),
    ]);
    return successAnswer('AssumeRoleWithWebIdentityResponse', result, received.requestId);
  }

  async function checkWebIdentityToken(token: string): Promise<Record<string, unknown>> {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw invalidIdentityToken('The web identity token is not a valid JWT');
    }
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (trusted !== undefined && claims.iss !== trusted.url) {
      throw invalidIdentityToken(`No OpenIDConnect provider found in your account for ${String(claims.iss)}`);
    }
    if (typeof claims.exp === 'number' && claims.exp <= nowSeconds) {
      throw new StsError(
        400,
        'ExpiredTokenException',
        `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${claims.exp}`,
      );
    }
    if (trusted === undefined || remoteKeys === undefined) return { ...claims };

    try {
      // RS256 only, as for GitHub's provider: this is what defeats alg none and HS256 confusion.
      await jwtVerify(token, remoteKeys, { issuer: trusted.url, algorithms: ['RS256'], clockTolerance: 60 });
    } catch (error) {
      throw tokenVerificationError(error);
    }
    const audiences = trusted.audiences;
    if (audiences !== undefined) {
      const tokenAudiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!tokenAudiences.some((audience) => typeof audience === 'string' && audiences.includes(audience))) {
        throw invalidIdentityToken('Incorrect token audience');
      }
    }
    return { ...claims };
  }

  function acceptedAudience(aud: unknown): string {
    if (typeof aud === 'string') return aud;
    if (!Array.isArray(aud)) return '';
    const accepted = aud.find((value) => typeof value === 'string' && (trusted?.audiences?.includes(value) ?? true));
    return typeof accepted === 'string' ? accepted : '';
  }

  function getCallerIdentity(received: ReceivedRequest): Answer {
    const caller = authenticate(received);
    const result = xmlElement('GetCallerIdentityResult', [
      xmlElement('Arn', caller.arn),
      xmlElement('UserId', caller.assumedRoleId),
      xmlElement('Account', caller.account),
    ]);
    return successAnswer('GetCallerIdentityResponse', result, received.requestId);
  }

  function assumeRole(received: ReceivedRequest, lifetime: number | undefined): Answer {
    const caller = authenticate(received);
    const { params } = received;
    const input = validateAssumeRoleInput(params, { webIdentityToken: false });
    const role = parseRoleArn(input.roleArn);
    if (role === undefined) throw validationError(`${input.roleArn} is invalid`);
    const sessionPolicy = validateSessionPolicy(params);
    // Every caller here holds role credentials, so this is always role chaining.
    if (input.durationSeconds > ROLE_CHAINING_LIMIT_SECONDS) {
      throw validationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    const tagCharacters = Object.entries(params)
      .filter(([name]) => /^Tags\.member\.\d+\.(Key|Value)$/.test(name))
      .reduce((sum, [, value]) => sum + value.length, 0);
    if (options.maxPackedTagCharacters !== undefined && tagCharacters > options.maxPackedTagCharacters) {
      const percent = Math.round((tagCharacters / options.maxPackedTagCharacters) * 100);
      throw new StsError(400, 'PackedPolicyTooLarge', `Packed size of session tags consumes ${percent}% of allotted space.`);
    }
    if (options.authorizeAssumeRole !== undefined && !options.authorizeAssumeRole(caller.arn, input.roleArn)) {
      throw new StsError(
        403,
        'AccessDenied',
        `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}`,
      );
    }
    const credentials = issueCredentials(role, input.roleSessionName, lifetime ?? input.durationSeconds, 'AssumeRole');
    const result = xmlElement('AssumeRoleResult', [
      assumedRoleUserElement(credentials),
      xmlElement('Credentials', [
        xmlElement('AccessKeyId', credentials.accessKeyId),
        xmlElement('SecretAccessKey', credentials.secretAccessKey),
        xmlElement('SessionToken', credentials.sessionToken),
        xmlElement('Expiration', formatExpiration(credentials.expiration)),
      ]),
      sessionPolicy === undefined ? undefined : xmlElement('PackedPolicySize', String(sessionPolicy.packedPolicySize)),
    ]);
    return successAnswer('AssumeRoleResponse', result, received.requestId);
  }

  /** SigV4 check of a request signed with credentials this STS issued; returns whose they are. */
  function authenticate(received: ReceivedRequest): IssuedCredentials {
    const { signable } = received;
    const authorizationHeader = firstHeader(signable.headers, 'authorization');
    if (authorizationHeader === undefined) {
      throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    }
    const authorization = parseAuthorization(authorizationHeader);
    if ('error' in authorization) throw new StsError(400, 'IncompleteSignature', authorization.error);
    if (authorization.service !== 'sts') {
      throw new StsError(403, 'SignatureDoesNotMatch', "Credential should be scoped to correct service: 'sts'.");
    }
    const amzDate = firstHeader(signable.headers, 'x-amz-date');
    const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate);
    if (amzDate === undefined || signedAt === undefined) {
      throw new StsError(400, 'IncompleteSignature', "Authorization header requires existence of a valid 'X-Amz-Date' header.");
    }
    if (authorization.date !== amzDate.slice(0, 8)) {
      throw new StsError(
        403,
        'SignatureDoesNotMatch',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${authorization.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    }
    checkClockSkew(amzDate, signedAt);

    const credentials = issued.get(authorization.accessKeyId);
    const sessionToken = firstHeader(signable.headers, 'x-amz-security-token') ?? received.params['X-Amz-Security-Token'];
    if (credentials === undefined || sessionToken !== credentials.sessionToken) {
      throw new StsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    const declaredPayloadHash = firstHeader(signable.headers, 'x-amz-content-sha256');
    const bodyAltered =
      declaredPayloadHash !== undefined &&
      declaredPayloadHash !== UNSIGNED_PAYLOAD &&
      declaredPayloadHash !== sha256Hex(signable.body ?? '');
    if (bodyAltered || !verifySignature(signable, authorization, credentials.secretAccessKey).valid) {
      throw new StsError(403, 'SignatureDoesNotMatch', SIGNATURE_DOES_NOT_MATCH);
    }
    if (credentials.expiration.getTime() <= Date.now()) {
      throw new StsError(400, 'ExpiredToken', 'The security token included in the request is expired');
    }
    return credentials;
  }

  function issueCredentials(
    role: RoleArn,
    roleSessionName: string,
    /** Seconds from now; negative for credentials that have already expired. */
    lifetimeSeconds: number,
    issuedBy: IssuedCredentials['issuedBy'],
  ): IssuedCredentials {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const expiresAt = nowSeconds + lifetimeSeconds;
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIA${randomBase32(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      // Real session tokens are long opaque base64 blobs; this prefix is how they all start.
      sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(600).toString('base64')}`,
      expiration: new Date(expiresAt * 1000),
      arn: `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${roleSessionName}`,
      account: role.account,
      assumedRoleId: `${roleId(role.arn)}:${roleSessionName}`,
      roleArn: role.arn,
      roleSessionName,
      issuedBy,
    };
    issued.set(credentials.accessKeyId, credentials);
    return credentials;
  }

  const loopback: LoopbackServer = await startLoopbackServer(handle);

  return {
    url: loopback.origin,
    calls,
    script(...behaviours) {
      if (behaviours.length === 0) scripted.length = 0;
      scripted.push(...behaviours);
    },
    setDefault(behaviour) {
      defaultBehaviour = behaviour;
    },
    setThrottleRate(rate, random = Math.random) {
      throttleRate = Math.min(1, Math.max(0, rate));
      throttleRandom = random;
    },
    issued,
    get connections() {
      return loopback.connections;
    },
    close: () => loopback.close(),
  };
}

function parseRequest(request: IncomingMessage, body: Buffer): ReceivedRequest {
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

  // Keep repeated headers apart: SigV4 joins their values with ',' (Node would use ', ').
  const headers: Record<string, string[]> = {};
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    const name = (request.rawHeaders[index] as string).toLowerCase();
    (headers[name] ??= []).push(request.rawHeaders[index + 1] as string);
  }
  return {
    params,
    signable: { method: request.method ?? 'GET', path, query, headers, body },
    requestId: randomUUID(),
  };
}

interface AssumeRoleInput {
  roleArn: string;
  roleSessionName: string;
  durationSeconds: number;
}

/** The service's input validation, with its message format ("N validation errors detected: …"). */
function validateAssumeRoleInput(params: Record<string, string>, required: { webIdentityToken: boolean }): AssumeRoleInput {
  const problems: string[] = [];
  const describe = (value: string | undefined, member: string, constraint: string, sensitive = false) =>
    `Value ${value === undefined ? 'null' : `'${sensitive ? SENSITIVE_VALUE : value}'`} at '${member}' failed to satisfy constraint: ${constraint}`;

  const roleArn = params['RoleArn'];
  if (roleArn === undefined) problems.push(describe(roleArn, 'roleArn', 'Member must not be null'));
  else if (roleArn.length < 20) problems.push(describe(roleArn, 'roleArn', 'Member must have length greater than or equal to 20'));
  else if (roleArn.length > 2048) problems.push(describe(roleArn, 'roleArn', 'Member must have length less than or equal to 2048'));

  const sessionName = params['RoleSessionName'];
  if (sessionName === undefined) problems.push(describe(sessionName, 'roleSessionName', 'Member must not be null'));
  else if (sessionName.length < 2) problems.push(describe(sessionName, 'roleSessionName', 'Member must have length greater than or equal to 2'));
  else if (sessionName.length > 64) problems.push(describe(sessionName, 'roleSessionName', 'Member must have length less than or equal to 64'));
  else if (!/^[\w+=,.@-]*$/.test(sessionName)) {
    problems.push(describe(sessionName, 'roleSessionName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]*'));
  }

  if (required.webIdentityToken) {
    const token = params['WebIdentityToken'];
    if (token === undefined) problems.push(describe(token, 'webIdentityToken', 'Member must not be null'));
    else if (token.length < 4) problems.push(describe(token, 'webIdentityToken', 'Member must have length greater than or equal to 4', true));
    else if (token.length > 20000) problems.push(describe(token, 'webIdentityToken', 'Member must have length less than or equal to 20000', true));
  }

  const durationText = params['DurationSeconds'];
  const durationSeconds = durationText === undefined ? DEFAULT_DURATION_SECONDS : Number(durationText);
  if (!Number.isInteger(durationSeconds)) problems.push(describe(durationText, 'durationSeconds', 'Member must be an integer'));
  else if (durationSeconds < 900) problems.push(describe(durationText, 'durationSeconds', 'Member must have value greater than or equal to 900'));
  else if (durationSeconds > 43200) problems.push(describe(durationText, 'durationSeconds', 'Member must have value less than or equal to 43200'));

  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 validation error detected' : `${problems.length} validation errors detected`;
    throw validationError(`${count}: ${problems.join('; ')}`);
  }
  return { roleArn: roleArn as string, roleSessionName: sessionName as string, durationSeconds };
}

/** Session policy inputs (Policy, PolicyArns.member.N.arn); returns the PackedPolicySize to report. */
function validateSessionPolicy(params: Record<string, string>): { packedPolicySize: number } | undefined {
  const policy = params['Policy'];
  const policyArns = Object.entries(params)
    .filter(([key]) => /^PolicyArns\.member\.\d+\.arn$/.test(key))
    .map(([, value]) => value);
  if (policy === undefined && policyArns.length === 0) return undefined;

  if (policy !== undefined) {
    if (policy.length > 2048) {
      throw validationError("1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048");
    }
    try {
      JSON.parse(policy);
    } catch {
      throw new StsError(400, 'MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
    }
  }
  if (policyArns.length > 10) {
    throw validationError("1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10");
  }
  for (const arn of policyArns) {
    if (!/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/.test(arn)) throw validationError(`${arn} is invalid`);
  }
  // STS compresses policies into the session token; this is a rough stand-in for its percentage.
  const packedBytes = (policy?.replace(/\s+/g, '').length ?? 0) + policyArns.length * 48;
  const packedPolicySize = Math.max(1, Math.ceil((packedBytes / 2048) * 100));
  if (packedPolicySize > 100) {
    throw new StsError(
      400,
      'PackedPolicyTooLarge',
      `Packed policy consumes ${packedPolicySize}% of allotted space, please use smaller policy for session.`,
    );
  }
  return { packedPolicySize };
}

interface RoleArn {
  arn: string;
  partition: string;
  account: string;
  /** Last path segment: arn:aws:iam::123456789012:role/path/to/Name → Name */
  name: string;
}

function parseRoleArn(arn: string): RoleArn | undefined {
  const match = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/((?:[\x21-\x7e]+\/)*)([\w+=,.@-]{1,64})$/.exec(arn);
  if (match === null) return undefined;
  return { arn, partition: match[1] as string, account: match[2] as string, name: match[4] as string };
}

/** A role's unique id is stable (AROA + 17 characters); derive it from the ARN so it is too. */
function roleId(roleArn: string): string {
  return `AROA${base32(createHash('sha256').update(roleArn).digest()).slice(0, 17)}`;
}

function randomBase32(length: number): string {
  return base32(randomBytes(length)).slice(0, length);
}

/** AWS key ids use the RFC 4648 base32 alphabet (upper case and 2-7). */
function base32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return output;
}

function assumedRoleUserElement(credentials: IssuedCredentials): XmlElement {
  return xmlElement('AssumedRoleUser', [
    xmlElement('Arn', credentials.arn),
    xmlElement('AssumedRoleId', credentials.assumedRoleId),
  ]);
}

/** ISO 8601 to the second, as STS writes it: 2014-10-24T23:00:23Z */
function formatExpiration(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function successAnswer(responseName: string, result: XmlElement, requestId: string): Answer {
  const body = renderXml(
    xmlElement(
      responseName,
      [result, xmlElement('ResponseMetadata', [xmlElement('RequestId', requestId)])],
      { xmlns: STS_XML_NAMESPACE },
    ),
  );
  return { status: 200, body, contentType: 'text/xml' };
}

function errorAnswer(error: StsError, requestId: string): Answer {
  const body = renderXml(
    xmlElement(
      'ErrorResponse',
      [
        xmlElement('Error', [
          xmlElement('Type', error.type),
          xmlElement('Code', error.code),
          xmlElement('Message', error.message),
        ]),
        xmlElement('RequestId', requestId),
      ],
      { xmlns: STS_XML_NAMESPACE },
    ),
  );
  return { status: error.status, body, contentType: 'text/xml' };
}

function tokenVerificationError(error: unknown): StsError {
  if (error instanceof joseErrors.JWTExpired) {
    const exp = typeof error.payload.exp === 'number' ? error.payload.exp : 0;
    return new StsError(
      400,
      'ExpiredTokenException',
      `Token expired: current date/time ${Math.floor(Date.now() / 1000)} must be before the expiration date/time ${exp}`,
    );
  }
  // jose reports a non-200 or non-JSON JWKS answer with its generic error code.
  const keysUnavailable =
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    (error instanceof joseErrors.JOSEError && error.code === 'ERR_JOSE_GENERIC');
  if (keysUnavailable) {
    return invalidIdentityToken(CANNOT_FETCH_KEYS);
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return invalidIdentityToken(`The web identity token's ${error.claim} claim is not valid: ${error.message}`);
  }
  if (error instanceof joseErrors.JOSEError) {
    // Bad signature, unknown kid, disallowed alg (none, HS256), malformed JWS.
    return invalidIdentityToken('The web identity token signature could not be verified');
  }
  // fetch() failures (connection refused, non-JSON body) surface as plain errors.
  return invalidIdentityToken(CANNOT_FETCH_KEYS);
}

function headersFor(requestId: string, answer: Answer, contentLength: number): Record<string, string> {
  return {
    'x-amzn-RequestId': requestId,
    'Content-Type': answer.contentType,
    'Content-Length': String(contentLength),
  };
}

function send(response: ServerResponse, requestId: string, answer: Answer): void {
  if (response.destroyed) return;
  const bytes = Buffer.from(answer.body, 'utf8');
  response.writeHead(answer.status, headersFor(requestId, answer, bytes.length));
  response.end(bytes);
}

/** SigV4 requests are valid for 15 minutes either side of the server's clock. */
function checkClockSkew(amzDate: string, signedAt: Date): void {
  const now = Date.now();
  const earliest = now - ALLOWED_CLOCK_SKEW_MS;
  const latest = now + ALLOWED_CLOCK_SKEW_MS;
  const nowText = toAmzDate(new Date(now));
  if (signedAt.getTime() < earliest) {
    throw new StsError(403, 'SignatureDoesNotMatch', `Signature expired: ${amzDate} is now earlier than ${toAmzDate(new Date(earliest))} (${nowText} - 15 min.)`);
  }
  if (signedAt.getTime() > latest) {
    throw new StsError(403, 'SignatureDoesNotMatch', `Signature not yet current: ${amzDate} is still later than ${toAmzDate(new Date(latest))} (${nowText} + 15 min.)`);
  }
}
