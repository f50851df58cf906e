/** Parsing one trust policy statement: Sid, Effect, Principal, Action or NotAction, Condition (NotPrincipal, Resource and NotResource refused). */
import { index, member } from './path.js';
import { parseConditionElement, type ParsedConditionBlock } from './condition-element.js';
import { describe, isPlainObject, TrustPolicyError } from './policy-error.js';

export interface ParsedPrincipal {
  /** `"Principal": "*"` or `{"AWS": "*"}`: anyone. */
  readonly anyone: boolean;
  readonly federated: readonly string[];
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly canonicalUser: readonly string[];
  /** JSON path of each Federated entry, in order. */
  readonly federatedPaths: readonly string[];
}

export interface ParsedStatement {
  readonly index: number;
  readonly path: string;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly principal: ParsedPrincipal;
  readonly principalPath: string;
  /** Action or NotAction. */
  readonly action: { readonly negated: boolean; readonly values: readonly string[]; readonly path: string };
  readonly conditions: readonly ParsedConditionBlock[];
  readonly conditionPath: string;
}

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const PRINCIPAL_TYPES = new Set(['AWS', 'Federated', 'Service', 'CanonicalUser']);

function stringList(value: unknown, path: string, what: string): { values: string[]; paths: string[] } {
  if (typeof value === 'string') return { values: [value], paths: [path] };
  if (Array.isArray(value)) {
    if (value.length === 0) throw new TrustPolicyError(`${what} is an empty list`, path);
    value.forEach((item, i) => {
      if (typeof item !== 'string') throw new TrustPolicyError(`${what} entries must be strings, got ${describe(item)}`, index(path, i));
    });
    return { values: value as string[], paths: value.map((_, i) => index(path, i)) };
  }
  throw new TrustPolicyError(`${what} must be a string or a list of strings, got ${describe(value)}`, path);
}

function parsePrincipal(value: unknown, path: string): ParsedPrincipal {
  if (value === '*') {
    return { anyone: true, federated: [], aws: [], service: [], canonicalUser: [], federatedPaths: [] };
  }
  if (!isPlainObject(value)) {
    throw new TrustPolicyError(`Principal must be "*" or an object such as {"Federated": "arn:aws:iam::…:oidc-provider/…"}, got ${describe(value)}`, path);
  }
  const lists: Record<string, { values: string[]; paths: string[] }> = {};
  for (const [type, entry] of Object.entries(value)) {
    const entryPath = member(path, type);
    if (!PRINCIPAL_TYPES.has(type)) {
      throw new TrustPolicyError(`unknown principal type ${JSON.stringify(type)}; expected one of AWS, Federated, Service, CanonicalUser`, entryPath);
    }
    lists[type] = stringList(entry, entryPath, `Principal.${type}`);
  }
  if (Object.keys(lists).length === 0) throw new TrustPolicyError('Principal is an empty object', path);
  const aws = lists.AWS?.values ?? [];
  return {
    anyone: aws.includes('*'),
    federated: lists.Federated?.values ?? [],
    federatedPaths: lists.Federated?.paths ?? [],
    aws,
    service: lists.Service?.values ?? [],
    canonicalUser: lists.CanonicalUser?.values ?? [],
  };
}

export function parseStatement(value: unknown, i: number, path: string): ParsedStatement {
  if (!isPlainObject(value)) throw new TrustPolicyError(`each statement must be an object, got ${describe(value)}`, path);
  for (const key of Object.keys(value)) {
    if (!STATEMENT_KEYS.has(key)) {
      throw new TrustPolicyError(
        `unknown statement element ${JSON.stringify(key)}; expected Sid, Effect, Principal, Action or NotAction, Condition`,
        member(path, key),
      );
    }
  }
  let sid: string | undefined;
  if ('Sid' in value) {
    if (typeof value.Sid !== 'string') throw new TrustPolicyError(`Sid must be a string, got ${describe(value.Sid)}`, member(path, 'Sid'));
    sid = value.Sid;
  }
  const effectPath = member(path, 'Effect');
  if (!('Effect' in value)) throw new TrustPolicyError('statement has no Effect; expected "Allow" or "Deny"', path);
  if (value.Effect !== 'Allow' && value.Effect !== 'Deny') {
    throw new TrustPolicyError(`Effect must be "Allow" or "Deny", got ${describe(value.Effect)}`, effectPath);
  }
  if ('NotPrincipal' in value) {
    throw new TrustPolicyError('NotPrincipal is not supported in role trust policies; use Principal', member(path, 'NotPrincipal'));
  }
  for (const field of ['Resource', 'NotResource']) {
    if (field in value) {
      // IAM refuses the document: MalformedPolicyDocument "Has prohibited field Resource".
      throw new TrustPolicyError(`${field} is not allowed in a role trust policy (IAM refuses it: "Has prohibited field ${field}"); the role itself is the resource`, member(path, field));
    }
  }
  if (!('Principal' in value)) {
    throw new TrustPolicyError('statement has no Principal; a trust policy statement names who may assume the role', path);
  }
  const principalPath = member(path, 'Principal');
  const principal = parsePrincipal(value.Principal, principalPath);

  const hasAction = 'Action' in value;
  const hasNotAction = 'NotAction' in value;
  if (hasAction && hasNotAction) throw new TrustPolicyError('statement has both Action and NotAction; use one', path);
  if (!hasAction && !hasNotAction) {
    throw new TrustPolicyError('statement has no Action; expected e.g. "Action": "sts:AssumeRoleWithWebIdentity"', path);
  }
  const actionKey = hasAction ? 'Action' : 'NotAction';
  const actionPath = member(path, actionKey);
  const action = { negated: hasNotAction, values: stringList(value[actionKey], actionPath, actionKey).values, path: actionPath };

  const conditionPath = member(path, 'Condition');
  const conditions = 'Condition' in value ? parseConditionElement(value.Condition, conditionPath) : [];
  return {
    index: i,
    path,
    ...(sid !== undefined ? { sid } : {}),
    effect: value.Effect,
    principal,
    principalPath,
    action,
    conditions,
    conditionPath,
  };
}
