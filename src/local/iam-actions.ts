// The state and the actions of the loopback IAM: OIDC providers, roles, their trust policies,
// boundaries and attached managed policies, with IAM's validation, error codes and messages.
import { createHash } from 'node:crypto';
import { xmlElement, type XmlElement } from './xml.js';

export interface IamRole {
  name: string;
  path: string;
  id: string;
  arn: string;
  createDate: Date;
  /** As submitted; IAM answers it URL-encoded. */
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  permissionsBoundary?: string;
  attachedPolicies: string[];
}

export interface IamOidcProvider {
  arn: string;
  /** Host and path, without `https://`, as GetOpenIDConnectProvider answers it. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  createDate: Date;
}

/** An answer in IAM's ErrorResponse shape. */
export class IamError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender') {
    super(message);
  }
}

const noSuchEntity = (message: string) => new IamError(404, 'NoSuchEntity', message);
const malformed = (message: string) => new IamError(400, 'MalformedPolicyDocument', message);

/** The AWS managed policies this fake knows (AttachRolePolicy needs an existing policy). */
export const AWS_MANAGED_POLICIES = ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess', 'AmazonS3ReadOnlyAccess', 'AmazonS3FullAccess', 'AWSCloudFormationFullAccess'];

export interface IamAccount {
  readonly account: string;
  readonly partition: string;
  readonly roles: Map<string, IamRole>;
  readonly providers: Map<string, IamOidcProvider>;
  /** Customer managed policy ARNs that exist, besides the AWS managed ones. */
  readonly policies: Set<string>;
}

type Params = Readonly<Record<string, string>>;

/** `Name.member.1`, `Name.member.2`, … in index order. */
export function memberList(params: Params, name: string): string[] {
  const prefix = `${name}.member.`;
  return Object.entries(params)
    .filter(([key]) => key.startsWith(prefix) && /^\d+$/.test(key.slice(prefix.length)))
    .sort(([a], [b]) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map(([, value]) => value);
}

/** IAM's input validation message: "1 validation error detected: Value 'x' at 'member' failed to satisfy constraint: …". */
function validation(value: string | undefined, member: string, constraint: string): IamError {
  return new IamError(400, 'ValidationError', `1 validation error detected: Value ${value === undefined ? 'null' : `'${value}'`} at '${member}' failed to satisfy constraint: ${constraint}`);
}

function required(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined) throw validation(undefined, name.charAt(0).toLowerCase() + name.slice(1), 'Member must not be null');
  return value;
}

function roleName(params: Params, name = 'RoleName'): string {
  const value = required(params, name);
  if (!/^[\w+=,.@-]{1,64}$/.test(value)) throw validation(value, 'roleName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
  return value;
}

/** A stable id of the given kind (AROA for roles), derived from the ARN so it repeats across runs. */
function entityId(prefix: string, arn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = createHash('sha256').update(arn).digest();
  return prefix + Array.from(bytes.subarray(0, 17), (b) => alphabet[b & 31]).join('');
}

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function findRole(state: IamAccount, name: string): IamRole {
  // Role names are unique regardless of case, and found regardless of case.
  const role = state.roles.get(name.toLowerCase());
  if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return role;
}

function policyExists(state: IamAccount, arn: string): boolean {
  const aws = new RegExp(`^arn:${state.partition}:iam::aws:policy/(.+)$`).exec(arn);
  return (aws !== null && AWS_MANAGED_POLICIES.includes(aws[1]!)) || state.policies.has(arn);
}

function checkPolicyArn(state: IamAccount, arn: string, what: 'attach' | 'boundary'): void {
  if (!/^arn:[\w-]+:iam::(\d{12}|aws):policy\/.+$/.test(arn)) throw new IamError(400, 'InvalidInput', `ARN ${arn} is not valid.`);
  if (!policyExists(state, arn)) {
    throw what === 'attach' ? noSuchEntity(`Policy ${arn} does not exist or is not attachable.`) : new IamError(400, 'InvalidInput', `Policy ${arn} does not exist or is not attachable.`);
  }
}

/** IAM parses the document, limits its size and checks that a federated OIDC principal of this account exists. */
function checkTrustPolicy(state: IamAccount, document: string): void {
  let policy: unknown;
  try {
    policy = JSON.parse(document);
  } catch {
    throw malformed('This policy contains invalid Json');
  }
  const length = document.replace(/\s/g, '').length;
  if (length > 2048) throw new IamError(409, 'LimitExceeded', 'Cannot exceed quota for ACLSizePerRole: 2048');
  const statements = (policy as { Statement?: unknown }).Statement;
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    const federated = (statement as { Principal?: { Federated?: unknown } } | undefined)?.Principal?.Federated;
    for (const arn of Array.isArray(federated) ? federated : federated === undefined ? [] : [federated]) {
      const m = /^arn:[\w-]+:iam::(\d{12}):oidc-provider\/(.+)$/.exec(String(arn));
      if (m && m[1] === state.account && !state.providers.has(m[2]!.toLowerCase())) {
        throw malformed(`Invalid principal in policy: "Federated":"${String(arn)}"`);
      }
    }
  }
}

function maxSession(params: Params): number | undefined {
  const text = params['MaxSessionDuration'];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw validation(text, 'maxSessionDuration', 'Member must be an integer');
  if (value < 3600) throw validation(text, 'maxSessionDuration', 'Member must have value greater than or equal to 3600');
  if (value > 43200) throw validation(text, 'maxSessionDuration', 'Member must have value less than or equal to 43200');
  return value;
}

export function roleElement(role: IamRole, detail: 'full' | 'list'): XmlElement {
  return xmlElement('Role', [
    xmlElement('Path', role.path),
    xmlElement('RoleName', role.name),
    xmlElement('RoleId', role.id),
    xmlElement('Arn', role.arn),
    xmlElement('CreateDate', isoSeconds(role.createDate)),
    // The real API answers the trust policy URL-encoded, in GetRole and ListRoles alike.
    xmlElement('AssumeRolePolicyDocument', encodeURIComponent(role.assumeRolePolicyDocument)),
    role.description === undefined ? undefined : xmlElement('Description', role.description),
    xmlElement('MaxSessionDuration', String(role.maxSessionDuration)),
    detail === 'full' && role.permissionsBoundary !== undefined
      ? xmlElement('PermissionsBoundary', [xmlElement('PermissionsBoundaryType', 'Policy'), xmlElement('PermissionsBoundaryArn', role.permissionsBoundary)])
      : undefined,
    detail === 'full' ? xmlElement('RoleLastUsed', []) : undefined,
  ]);
}

/** Marker / IsTruncated / MaxItems over items sorted by `key`; the marker is opaque (the next key, base64url). */
export function paginate<T>(items: readonly T[], key: (item: T) => string, params: Params): { page: T[]; marker?: string } {
  const maxText = params['MaxItems'];
  const max = maxText === undefined ? 100 : Number(maxText);
  if (!Number.isInteger(max) || max < 1) throw validation(maxText, 'maxItems', 'Member must have value greater than or equal to 1');
  if (max > 1000) throw validation(maxText, 'maxItems', 'Member must have value less than or equal to 1000');
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  let start = 0;
  const marker = params['Marker'];
  if (marker !== undefined) {
    const from = Buffer.from(marker, 'base64url').toString('utf8');
    if (marker === '' || Buffer.from(from, 'utf8').toString('base64url') !== marker) throw new IamError(400, 'InvalidInput', 'Invalid Marker.');
    start = sorted.findIndex((item) => key(item) >= from);
    if (start < 0) start = sorted.length;
  }
  const page = sorted.slice(start, start + max);
  const next = sorted[start + max];
  return next === undefined ? { page } : { page, marker: Buffer.from(key(next), 'utf8').toString('base64url') };
}

function listResult(name: string, listName: string, members: XmlElement[], marker: string | undefined): XmlElement {
  return xmlElement(name, [
    xmlElement(listName, members.map((m) => xmlElement('member', m.content))),
    xmlElement('IsTruncated', marker === undefined ? 'false' : 'true'),
    marker === undefined ? undefined : xmlElement('Marker', marker),
  ]);
}

function findProvider(state: IamAccount, params: Params): IamOidcProvider {
  const arn = required(params, 'OpenIDConnectProviderArn');
  const m = /^arn:[\w-]+:iam::(\d{12}):oidc-provider\/(.+)$/.exec(arn);
  if (!m) throw new IamError(400, 'InvalidInput', `ARN ${arn} is not valid.`);
  const provider = m[1] === state.account ? state.providers.get(m[2]!.toLowerCase()) : undefined;
  if (!provider) throw noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);
  return provider;
}

type Action = (state: IamAccount, params: Params) => XmlElement | undefined;

/** The actions, each returning its `…Result` element (undefined for the actions that answer only metadata). */
export const IAM_ACTIONS: Readonly<Record<string, Action>> = {
  ListOpenIDConnectProviders: (state) =>
    xmlElement('ListOpenIDConnectProvidersResult', [
      xmlElement('OpenIDConnectProviderList', [...state.providers.values()].sort((a, b) => (a.arn < b.arn ? -1 : 1)).map((p) => xmlElement('member', [xmlElement('Arn', p.arn)]))),
    ]),
  GetOpenIDConnectProvider: (state, params) => {
    const p = findProvider(state, params);
    return xmlElement('GetOpenIDConnectProviderResult', [
      xmlElement('ThumbprintList', p.thumbprints.map((t) => xmlElement('member', t))),
      xmlElement('CreateDate', isoSeconds(p.createDate)),
      xmlElement('ClientIDList', p.clientIds.map((c) => xmlElement('member', c))),
      xmlElement('Url', p.url),
    ]);
  },
  CreateOpenIDConnectProvider: (state, params) => {
    const url = required(params, 'Url');
    if (!/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(url)) throw new IamError(400, 'InvalidInput', 'Invalid URL: the URL must begin with https://');
    const thumbprints = memberList(params, 'ThumbprintList');
    for (const t of thumbprints) if (!/^[0-9a-fA-F]{40}$/.test(t)) throw validation(t, 'thumbprintList', 'Member must have length less than or equal to 40');
    const clientIds = memberList(params, 'ClientIDList');
    if (clientIds.length > 100) throw new IamError(409, 'LimitExceeded', 'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100');
    const path = url.slice('https://'.length).replace(/\/+$/, '');
    const host = path.split('/')[0]!.toLowerCase();
    const key = `${host}${path.slice(host.length)}`;
    if (state.providers.has(key.toLowerCase())) throw new IamError(409, 'EntityAlreadyExists', `Provider with url ${url} already exists.`);
    const arn = `arn:${state.partition}:iam::${state.account}:oidc-provider/${key}`;
    state.providers.set(key.toLowerCase(), { arn, url: key, clientIds: [...new Set(clientIds)], thumbprints, createDate: new Date() });
    return xmlElement('CreateOpenIDConnectProviderResult', [xmlElement('OpenIDConnectProviderArn', arn)]);
  },
  AddClientIDToOpenIDConnectProvider: (state, params) => {
    const provider = findProvider(state, params);
    const clientId = required(params, 'ClientID');
    // Idempotent, as documented: adding a client ID that is listed already is no error.
    if (!provider.clientIds.includes(clientId)) provider.clientIds.push(clientId);
    return undefined;
  },
  GetRole: (state, params) => xmlElement('GetRoleResult', [roleElement(findRole(state, roleName(params)), 'full')]),
  ListRoles: (state, params) => {
    const prefix = params['PathPrefix'] ?? '/';
    const roles = [...state.roles.values()].filter((r) => r.path.startsWith(prefix));
    const { page, marker } = paginate(roles, (r) => `${r.path}${r.name.toLowerCase()}`, params);
    return listResult('ListRolesResult', 'Roles', page.map((r) => roleElement(r, 'list')), marker);
  },
  CreateRole: (state, params) => {
    const name = roleName(params);
    const document = required(params, 'AssumeRolePolicyDocument');
    const path = params['Path'] ?? '/';
    if (!/^\/$|^\/[\x21-\x7f]+\/$/.test(path)) throw validation(path, 'path', 'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)');
    if (state.roles.has(name.toLowerCase())) throw new IamError(409, 'EntityAlreadyExists', `Role with name ${name} already exists.`);
    const maxSessionDuration = maxSession(params) ?? 3600;
    checkTrustPolicy(state, document);
    const boundary = params['PermissionsBoundary'];
    if (boundary !== undefined) checkPolicyArn(state, boundary, 'boundary');
    const arn = `arn:${state.partition}:iam::${state.account}:role${path}${name}`;
    const role: IamRole = {
      name,
      path,
      id: entityId('AROA', arn),
      arn,
      createDate: new Date(),
      assumeRolePolicyDocument: document,
      ...(params['Description'] !== undefined ? { description: params['Description'] } : {}),
      maxSessionDuration,
      ...(boundary !== undefined ? { permissionsBoundary: boundary } : {}),
      attachedPolicies: [],
    };
    state.roles.set(name.toLowerCase(), role);
    return xmlElement('CreateRoleResult', [roleElement(role, 'full')]);
  },
  UpdateAssumeRolePolicy: (state, params) => {
    const role = findRole(state, roleName(params));
    const document = required(params, 'PolicyDocument');
    checkTrustPolicy(state, document);
    role.assumeRolePolicyDocument = document;
    return undefined;
  },
  UpdateRole: (state, params) => {
    const role = findRole(state, roleName(params));
    const duration = maxSession(params);
    if (duration !== undefined) role.maxSessionDuration = duration;
    if (params['Description'] !== undefined) role.description = params['Description'];
    return xmlElement('UpdateRoleResult', []);
  },
  PutRolePermissionsBoundary: (state, params) => {
    const role = findRole(state, roleName(params));
    const boundary = required(params, 'PermissionsBoundary');
    checkPolicyArn(state, boundary, 'boundary');
    role.permissionsBoundary = boundary;
    return undefined;
  },
  AttachRolePolicy: (state, params) => {
    const role = findRole(state, roleName(params));
    const arn = required(params, 'PolicyArn');
    checkPolicyArn(state, arn, 'attach');
    if (!role.attachedPolicies.includes(arn)) {
      if (role.attachedPolicies.length >= 10) throw new IamError(409, 'LimitExceeded', 'Cannot exceed quota for PoliciesPerRole: 10');
      role.attachedPolicies.push(arn);
    }
    return undefined;
  },
  ListAttachedRolePolicies: (state, params) => {
    const role = findRole(state, roleName(params));
    const { page, marker } = paginate(role.attachedPolicies, (arn) => arn, params);
    const members = page.map((arn) => xmlElement('member', [xmlElement('PolicyName', arn.slice(arn.lastIndexOf('/') + 1)), xmlElement('PolicyArn', arn)]));
    return listResult('ListAttachedRolePoliciesResult', 'AttachedPolicies', members, marker);
  },
};

/** The actions that change state: a re-run that changes nothing makes none of them. */
export const IAM_WRITE_ACTIONS = new Set(['CreateOpenIDConnectProvider', 'AddClientIDToOpenIDConnectProvider', 'CreateRole', 'UpdateAssumeRolePolicy', 'UpdateRole', 'PutRolePermissionsBoundary', 'AttachRolePolicy']);
