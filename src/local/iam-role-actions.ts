// The loopback IAM's role actions: roles, their trust policies, boundaries and attached managed
// policies, with the checks IAM makes on each.
import { createHash } from 'node:crypto';
import { AWS_MANAGED_POLICIES, IamError, isoSeconds, listResult, noSuchEntity, paginate, required, validation, type IamAccount, type IamAction, type IamRole, type Params } from './iam-model.js';
import { xmlElement, type XmlElement } from './xml.js';

const malformed = (message: string) => new IamError(400, 'MalformedPolicyDocument', message);

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

export const ROLE_ACTIONS: Readonly<Record<string, IamAction>> = {
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
  GetPolicy: (state, params) => {
    const arn = required(params, 'PolicyArn');
    if (!/^arn:[\w-]+:iam::(\d{12}|aws):policy\/.+$/.test(arn)) throw new IamError(400, 'InvalidInput', `ARN ${arn} is not valid.`);
    if (!policyExists(state, arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    return xmlElement('GetPolicyResult', [xmlElement('Policy', [xmlElement('PolicyName', name), xmlElement('Arn', arn), xmlElement('IsAttachable', 'true')])]);
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
