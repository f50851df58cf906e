// A loopback AWS IAM that speaks the Query protocol (form-encoded POST, Version=2010-05-08, XML
// answers with IAM's element names and its ErrorResponse) for OIDC providers and roles. Every
// request must be SigV4-signed for service "iam" with one of the access keys given at start.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, startLoopbackServer, type LoopbackServer } from './http.js';
import { IAM_ACTIONS, IAM_WRITE_ACTIONS } from './iam-actions.js';
import { IamError, type IamAccount, type IamOidcProvider, type IamRole } from './iam-model.js';
import { sha256Hex } from './sigv4.js';
import type { XmlElement } from './xml.js';
import { authenticate as queryAuthenticate, errorAnswer, parseQueryRequest, QueryError, sendAnswer, successAnswer, type QueryRequest } from './aws-query.js';

export { IAM_WRITE_ACTIONS } from './iam-actions.js';
export { AWS_MANAGED_POLICIES, type IamOidcProvider, type IamRole } from './iam-model.js';

export const IAM_XML_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
const API_VERSION = '2010-05-08';

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

  function perform(action: string, received: QueryRequest): XmlElement | undefined {
    const { params } = received;
    queryAuthenticate(received, 'iam', (accessKeyId) => keys.get(accessKeyId), signingRegion);
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
    const received = parseQueryRequest(request, body);
    const { params, requestId } = received;
    const action = params['Action'] ?? '';
    const call: IamCall = { action, params, status: 200, at: Date.now() };
    calls.push(call);
    let answer;
    try {
      if (request.method !== 'POST' && request.method !== 'GET') throw new IamError(405, 'InvalidAction', `Method ${request.method ?? ''} is not allowed`);
      answer = successAnswer(`${action}Response`, perform(action, received), requestId, IAM_XML_NAMESPACE);
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      answer = errorAnswer(error, requestId, IAM_XML_NAMESPACE);
    }
    call.status = answer.status;
    sendAnswer(response, requestId, answer);
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
