// A loopback AWS STS that speaks the Query protocol (form-encoded request, XML answer) the way
// the real service does: AssumeRoleWithWebIdentity unsigned, GetCallerIdentity and AssumeRole
// SigV4-signed with credentials it issued itself. Behaviours inject the failures seen in the wild.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, startLoopbackServer, type LoopbackServer } from './http.js';
import {
  answerHeaders,
  authenticate as queryAuthenticate,
  errorAnswer,
  parseQueryRequest,
  QueryError as StsError,
  sendAnswer,
  successAnswer,
  type QueryAnswer,
  type QueryRequest,
} from './aws-query.js';
import {
  parseRoleArn,
  randomBase32,
  roleId,
  validateAssumeRoleInput,
  validateSessionPolicy,
  validationError,
  type RoleArn,
} from './sts-validation.js';
import { xmlElement, type XmlElement } from './xml.js';
import { webIdentityChecker } from './sts-tokens.js';
import type { IssuedCredentials, LocalSts, LocalStsOptions, StsBehaviour, StsCall } from './sts-types.js';

export type { IssuedCredentials, LocalSts, LocalStsOptions, StsBehaviour, StsCall, TrustedIssuer } from './sts-types.js';

export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const API_VERSION = '2011-06-15';
const ROLE_CHAINING_LIMIT_SECONDS = 3600;


export async function startLocalSts(options: LocalStsOptions = {}): Promise<LocalSts> {
  const calls: StsCall[] = [];
  const issued = new Map<string, IssuedCredentials>();
  const scripted: StsBehaviour[] = [];
  let defaultBehaviour: StsBehaviour = { kind: 'ok' };
  let throttleRate = 0;
  let throttleRandom: () => number = Math.random;
  const tokens = webIdentityChecker(options.trustedIssuer);

  function nextBehaviour(): StsBehaviour {
    if (throttleRate > 0 && throttleRandom() < throttleRate) {
      return { kind: 'error', status: 400, code: 'Throttling', message: 'Rate exceeded', type: 'Sender' };
    }
    return scripted.shift() ?? defaultBehaviour;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const received = parseQueryRequest(request, body);
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
        return sendAnswer(response, received.requestId, {
          status: behaviour.status,
          body: behaviour.body,
          contentType: behaviour.contentType ?? 'text/xml',
        });
      case 'error':
        return sendAnswer(
          response,
          received.requestId,
          errorAnswer(new StsError(behaviour.status, behaviour.code, behaviour.message, behaviour.type), received.requestId, STS_XML_NAMESPACE),
        );
      case 'reset-mid-response': {
        const answer = await answerFor(received, undefined);
        const bytes = Buffer.from(answer.body, 'utf8');
        response.writeHead(answer.status, answerHeaders(received.requestId, answer, bytes.length));
        response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => request.socket.destroy());
        return;
      }
      case 'slow':
        await new Promise<void>((resolve) => loopback.later(resolve, behaviour.delayMs));
        return sendAnswer(response, received.requestId, await answerFor(received, undefined));
      case 'ok':
        return sendAnswer(response, received.requestId, await answerFor(received, undefined));
      case 'expired-credentials':
        return sendAnswer(response, received.requestId, await answerFor(received, -3600));
      case 'short-lived-credentials':
        return sendAnswer(response, received.requestId, await answerFor(received, behaviour.expiresInSeconds));
    }
  }

  async function answerFor(received: QueryRequest, lifetime: number | undefined): Promise<QueryAnswer> {
    try {
      return await performAction(received, lifetime);
    } catch (error) {
      if (error instanceof StsError) return errorAnswer(error, received.requestId, STS_XML_NAMESPACE);
      throw error;
    }
  }

  async function performAction(received: QueryRequest, lifetime: number | undefined): Promise<QueryAnswer> {
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

  async function assumeRoleWithWebIdentity(received: QueryRequest, lifetime: number | undefined): Promise<QueryAnswer> {
    const { params } = received;
    const input = validateAssumeRoleInput(params, { webIdentityToken: true });
    const role = parseRoleArn(input.roleArn);
    if (role === undefined) throw validationError('Request ARN is invalid');
    const sessionPolicy = validateSessionPolicy(params);

    const token = params['WebIdentityToken'] as string;
    const claims = await tokens.check(token);
    if (options.authorize !== undefined && !options.authorize(claims, input.roleArn)) {
      throw new StsError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    }

    const credentials = issueCredentials(role, input.roleSessionName, lifetime ?? input.durationSeconds, 'AssumeRoleWithWebIdentity');
    const issuer = typeof claims['iss'] === 'string' ? claims['iss'] : '';
    const sourceIdentity = claims['https://aws.amazon.com/source_identity'];
    const result = xmlElement('AssumeRoleWithWebIdentityResult', [
      xmlElement('SubjectFromWebIdentityToken', typeof claims['sub'] === 'string' ? claims['sub'] : ''),
      xmlElement('Audience', tokens.acceptedAudience(claims['aud'])),
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
    return successAnswer('AssumeRoleWithWebIdentityResponse', result, received.requestId, STS_XML_NAMESPACE);
  }

  function getCallerIdentity(received: QueryRequest): QueryAnswer {
    const caller = authenticate(received);
    const result = xmlElement('GetCallerIdentityResult', [
      xmlElement('Arn', caller.arn),
      xmlElement('UserId', caller.assumedRoleId),
      xmlElement('Account', caller.account),
    ]);
    return successAnswer('GetCallerIdentityResponse', result, received.requestId, STS_XML_NAMESPACE);
  }

  function assumeRole(received: QueryRequest, lifetime: number | undefined): QueryAnswer {
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
    return successAnswer('AssumeRoleResponse', result, received.requestId, STS_XML_NAMESPACE);
  }

  /** SigV4 check of a request signed with credentials this STS issued; returns whose they are. */
  function authenticate(received: QueryRequest): IssuedCredentials {
    return issued.get(queryAuthenticate(received, 'sts', (accessKeyId) => issued.get(accessKeyId)))!;
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
