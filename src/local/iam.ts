// A loopback AWS IAM that speaks the Query protocol (form-encoded POST, Version=2010-05-08, XML
// answers with IAM's element names and its ErrorResponse) for OIDC providers and roles. Every
// request must be SigV4-signed for service "iam" with one of the access keys given at start.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, startLoopbackServer, type LoopbackServer } from './http.js';
import { IAM_ACTIONS, IAM_WRITE_ACTIONS, IamError, type IamAccount, type IamOidcProvider, type IamRole } from './iam-actions.js';
import { firstHeader, parseAmzDate, parseAuthorization, sha256Hex, toAmzDate, UNSIGNED_PAYLOAD, verifySignature, type SignableRequest } from './sigv4.js';
import { renderXml, xmlElement, type XmlElement } from './xml.js';

export { AWS_MANAGED_POLICIES, IAM_WRITE_ACTIONS, type IamOidcProvider, type IamRole } from './iam-actions.js';

export const IAM_XML_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
const API_VERSION = '2010-05-08';
const ALLOWED_CLOCK_SKEW_MS = 15 * 60 * 1000;
const SIGNATURE_DOES_NOT_MATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export interface IamAccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Required on each request signed with this key when set (temporary credentials). */
  readonly sessionToken?: string;
}

export interface IamCall {
  readonly action: string;
  readonly params: Record<string, string>;
  /** The HTTP status of the answer. */
  status: number;
  readonly at: number;
}

export interface LocalIamOptions {
  /** The keys it accepts; default one fixed test key pair, {@link DEFAULT_IAM_KEY}. */
  readonly keys?: readonly IamAccessKey[];
  /** Default 123456789012. */
  readonly account?: string;
  /** Default aws; the signing region is that partition's IAM region (us-east-1 for aws). */
  readonly partition?: string;
  readonly signingRegion?: string;
  /** Customer managed policy ARNs that exist (AWS managed ones: see AWS_MANAGED_POLICIES). */
  readonly policies?: readonly string[];
}

export interface LocalIam {
  /** http://127.0.0.1:PORT (use as AWS_ENDPOINT_URL_IAM / endpoint). */
  readonly url: string;
  readonly account: string;
  /** Every request, in order, with the status it was answered with. */
  readonly calls: IamCall[];
  /** The calls that changed (or tried to change) state. */
  writeCalls(): IamCall[];
  /** Roles by lower-cased name, and providers by lower-cased URL without scheme: the fake's state, to seed or inspect. */
  readonly roles: Map<string, IamRole>;
  readonly providers: Map<string, IamOidcProvider>;
  /** Adds a role as if created earlier (its trust policy is not checked). */
  addRole(role: { name: string; assumeRolePolicyDocument: string; path?: string; maxSessionDuration?: number; permissionsBoundary?: string; attachedPolicies?: string[]; description?: string }): IamRole;
  addProvider(url: string, clientIds?: string[]): IamOidcProvider;
  /** Answer the next call of `action` (any action when omitted) with this error instead. */
  failNext(error: { action?: string; status: number; code: string; message: string }): void;
  close(): Promise<void>;
}

export const DEFAULT_IAM_KEY: IamAccessKey = { accessKeyId: 'AKIAKEYLESSLOCALIAM1', secretAccessKey: 'local-iam-secret-key/for-tests-only+0000' };

const SIGNING_REGIONS: Readonly<Record<string, string>> = { aws: 'us-east-1', 'aws-cn': 'cn-north-1', 'aws-us-gov': 'us-gov-west-1' };

export async function startLocalIam(options: LocalIamOptions = {}): Promise<LocalIam> {
  const keys = new Map((options.keys ?? [DEFAULT_IAM_KEY]).map((k) => [k.accessKeyId, k]));
  const partition = options.partition ?? 'aws';
  const signingRegion = options.signingRegion ?? SIGNING_REGIONS[partition] ?? 'us-east-1';
  const state: IamAccount = {
    account: options.account ?? '123456789012',
    partition,
    roles: new Map(),
    providers: new Map(),
    policies: new Set(options.policies ?? []),
  };
  const calls: IamCall[] = [];
  const failures: { action?: string; status: number; code: string; message: string }[] = [];

  function authenticate(signable: SignableRequest, params: Record<string, string>): void {
    const header = firstHeader(signable.headers, 'authorization');
    if (header === undefined) throw new IamError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    const authorization = parseAuthorization(header);
    if ('error' in authorization) throw new IamError(400, 'IncompleteSignature', authorization.error);
    if (authorization.service !== 'iam') throw new IamError(403, 'SignatureDoesNotMatch', "Credential should be scoped to correct service: 'iam'.");
    if (authorization.region !== signingRegion) {
      throw new IamError(403, 'SignatureDoesNotMatch', `Credential should be scoped to a valid region, not '${authorization.region}'.`);
    }
    const amzDate = firstHeader(signable.headers, 'x-amz-date');
    const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate);
    if (amzDate === undefined || signedAt === undefined) throw new IamError(400, 'IncompleteSignature', "Authorization header requires existence of a valid 'X-Amz-Date' header.");
    if (authorization.date !== amzDate.slice(0, 8)) {
      throw new IamError(403, 'SignatureDoesNotMatch', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${authorization.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
    }
    if (Math.abs(signedAt.getTime() - Date.now()) > ALLOWED_CLOCK_SKEW_MS) {
      throw new IamError(403, 'SignatureDoesNotMatch', `Signature expired: ${amzDate} is now earlier or later than the server's ${toAmzDate(new Date())} ± 15 min.`);
    }
    const key = keys.get(authorization.accessKeyId);
    if (key === undefined) throw new IamError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    const sessionToken = firstHeader(signable.headers, 'x-amz-security-token') ?? params['X-Amz-Security-Token'];
    if (key.sessionToken !== undefined && sessionToken !== key.sessionToken) {
      throw new IamError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    const declared = firstHeader(signable.headers, 'x-amz-content-sha256');
    const bodyAltered = declared !== undefined && declared !== UNSIGNED_PAYLOAD && declared !== sha256Hex(signable.body ?? '');
    if (bodyAltered || !verifySignature(signable, authorization, key.secretAccessKey).valid) {
      throw new IamError(403, 'SignatureDoesNotMatch', SIGNATURE_DOES_NOT_MATCH);
    }
  }

  function perform(action: string, params: Record<string, string>, signable: SignableRequest): XmlElement | undefined {
    authenticate(signable, params);
    const version = params['Version'];
    const handler = IAM_ACTIONS[action];
    if (version !== API_VERSION || handler === undefined) throw new IamError(400, 'InvalidAction', `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`);
    const failure = failures.findIndex((f) => f.action === undefined || f.action === action);
    if (failure >= 0) {
      const f = failures.splice(failure, 1)[0]!;
      throw new IamError(f.status, f.code, f.message);
    }
    return handler(state, params);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const { params, signable } = parseRequest(request, body);
    const action = params['Action'] ?? '';
    const call: IamCall = { action, params, status: 200, at: Date.now() };
    calls.push(call);
    const requestId = randomUUID();
    let status = 200;
    let xml: string;
    try {
      if (request.method !== 'POST' && request.method !== 'GET') throw new IamError(405, 'InvalidAction', `Method ${request.method ?? ''} is not allowed`);
      const result = perform(action, params, signable);
      xml = renderXml(
        xmlElement(`${action}Response`, [result, xmlElement('ResponseMetadata', [xmlElement('RequestId', requestId)])], { xmlns: IAM_XML_NAMESPACE }),
      );
    } catch (error) {
      if (!(error instanceof IamError)) throw error;
      status = error.status;
      xml = renderXml(
        xmlElement(
          'ErrorResponse',
          [xmlElement('Error', [xmlElement('Type', error.type), xmlElement('Code', error.code), xmlElement('Message', error.message)]), xmlElement('RequestId', requestId)],
          { xmlns: IAM_XML_NAMESPACE },
        ),
      );
    }
    call.status = status;
    const bytes = Buffer.from(xml, 'utf8');
    response.writeHead(status, { 'x-amzn-RequestId': requestId, 'Content-Type': 'text/xml', 'Content-Length': String(bytes.length) });
    response.end(bytes);
  }

  const loopback: LoopbackServer = await startLoopbackServer(handle);
  return {
    url: loopback.origin,
    account: state.account,
    calls,
    writeCalls: () => calls.filter((c) => IAM_WRITE_ACTIONS.has(c.action)),
    roles: state.roles,
    providers: state.providers,
    addRole(role) {
      const path = role.path ?? '/';
      const arn = `arn:${partition}:iam::${state.account}:role${path}${role.name}`;
      const created: IamRole = {
        name: role.name,
        path,
        id: `AROA${sha256Hex(arn).slice(0, 17).toUpperCase()}`,
        arn,
        createDate: new Date('2024-01-02T03:04:05Z'),
        assumeRolePolicyDocument: role.assumeRolePolicyDocument,
        ...(role.description !== undefined ? { description: role.description } : {}),
        maxSessionDuration: role.maxSessionDuration ?? 3600,
        ...(role.permissionsBoundary !== undefined ? { permissionsBoundary: role.permissionsBoundary } : {}),
        attachedPolicies: [...(role.attachedPolicies ?? [])],
      };
      state.roles.set(role.name.toLowerCase(), created);
      return created;
    },
    addProvider(url, clientIds = ['sts.amazonaws.com']) {
      const key = url.replace(/^https:\/\//, '').replace(/\/+$/, '');
      const provider: IamOidcProvider = { arn: `arn:${partition}:iam::${state.account}:oidc-provider/${key}`, url: key, clientIds: [...clientIds], thumbprints: [], createDate: new Date('2024-01-02T03:04:05Z') };
      state.providers.set(key.toLowerCase(), provider);
      return provider;
    },
    failNext(error) {
      failures.push(error);
    },
    close: () => loopback.close(),
  };
}

function parseRequest(request: IncomingMessage, body: Buffer): { params: Record<string, string>; signable: SignableRequest } {
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
  return { params, signable: { method: request.method ?? 'GET', path, query, headers, body } };
}
