/**
 * Parsing and normalising IAM role trust policy documents. Accepts the document itself, the
 * `AssumeRolePolicyDocument` wrapper (and `aws iam get-role`'s `{"Role": {...}}`), a JSON string of any
 * of those, and the URL-encoded string IAM's API returns. Malformed documents throw a
 * {@link TrustPolicyError} naming the JSON path of the problem.
 */
import { index, member } from './path.js';
import { parseOperator, type OperatorSpec } from './operators.js';

export class TrustPolicyError extends Error {
  override readonly name = 'TrustPolicyError';
  /** JSON path of the offending element, e.g. `$.Statement[0].Effect`. */
  readonly path: string;
  constructor(message: string, path: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

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

export interface ParsedConditionEntry {
  /** The condition key as written (IAM compares key names case-insensitively). */
  readonly key: string;
  readonly path: string;
  /** The values as strings (JSON numbers and booleans are converted, as IAM does). */
  readonly values: readonly string[];
  /** JSON path of each value: the key's path when a single value was written without an array. */
  readonly valuePaths: readonly string[];
}

export interface ParsedConditionBlock {
  readonly operator: OperatorSpec;
  readonly path: string;
  readonly entries: readonly ParsedConditionEntry[];
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

export interface ParsedPolicy {
  readonly version?: string;
  /** `$`, or `$.AssumeRolePolicyDocument` etc. when a wrapper was given. */
  readonly root: string;
  readonly statements: readonly ParsedStatement[];
  /** The document itself (unwrapped and JSON-decoded). */
  readonly document: Record<string, unknown>;
}

/** A trust policy document, as {@link generateTrustPolicy} returns it. */
export interface TrustPolicyDocument {
  Version: '2012-10-17';
  Statement: TrustPolicyStatement[];
}
export interface TrustPolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal: { Federated: string | string[] };
  Action: string | string[];
  Condition: Record<string, Record<string, string | string[]>>;
}

const POLICY_KEYS = new Set(['Version', 'Id', 'Statement']);
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
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value === 'object' ? 'an object' : `a ${typeof value}`}`;
}

/** Decodes a policy given as a string: JSON, or the URL-encoded JSON IAM's API returns. */
function decodeString(text: string, path: string): unknown {
  let source = text.trim();
  if (/^%7B/i.test(source)) {
    try {
      source = decodeURIComponent(source);
    } catch {
      throw new TrustPolicyError('looks URL-encoded but does not decode', path);
    }
  }
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new TrustPolicyError(`not valid JSON (${(error as Error).message})`, path);
  }
}

/** Finds the policy document inside the accepted wrappers; returns it with its path. */
function unwrap(input: unknown): { document: Record<string, unknown>; root: string } {
  let value = typeof input === 'string' ? decodeString(input, '$') : input;
  let root = '$';
  if (isPlainObject(value) && !('Statement' in value) && isPlainObject(value.Role) && 'AssumeRolePolicyDocument' in value.Role) {
    value = value.Role;
    root = member(root, 'Role');
  }
  if (isPlainObject(value) && 'AssumeRolePolicyDocument' in value && !('Statement' in value)) {
    root = member(root, 'AssumeRolePolicyDocument');
    value = value.AssumeRolePolicyDocument;
    if (typeof value === 'string') value = decodeString(value, root);
  }
  if (!isPlainObject(value)) {
    throw new TrustPolicyError(`expected a policy document (a JSON object with "Statement"), got ${describe(value)}`, root);
  }
  return { document: value, root };
}

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

function conditionValues(value: unknown, path: string): { values: string[]; paths: string[] } {
  const one = (item: unknown, itemPath: string): string => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new TrustPolicyError(`condition values must be strings (or numbers or booleans), got ${describe(item)}`, itemPath);
  };
  if (Array.isArray(value)) {
    return { values: value.map((item, i) => one(item, index(path, i))), paths: value.map((_, i) => index(path, i)) };
  }
  return { values: [one(value, path)], paths: [path] };
}

/** Parses a `Condition` element. Exported for evaluating bare condition blocks (test vectors). */
export function parseConditionElement(value: unknown, path = '$'): ParsedConditionBlock[] {
  if (!isPlainObject(value)) {
    throw new TrustPolicyError(`Condition must be an object of operators, e.g. {"StringEquals": {…}}, got ${describe(value)}`, path);
  }
  const blocks: ParsedConditionBlock[] = [];
  for (const [name, body] of Object.entries(value)) {
    const opPath = member(path, name);
    const operator = parseOperator(name);
    if (!operator) {
      throw new TrustPolicyError(
        `unknown condition operator ${JSON.stringify(name)}; expected e.g. StringEquals, StringLike, StringNotEquals, Null, Bool, optionally with an IfExists suffix and a ForAnyValue:/ForAllValues: prefix`,
        opPath,
      );
    }
    if (!isPlainObject(body)) {
      throw new TrustPolicyError(`${name} must map condition keys to values, e.g. {"token.actions.githubusercontent.com:sub": "repo:…"}, got ${describe(body)}`, opPath);
    }
    const entries: ParsedConditionEntry[] = [];
    for (const [key, raw] of Object.entries(body)) {
      const keyPath = member(opPath, key);
      if (key.trim() === '') throw new TrustPolicyError('empty condition key', keyPath);
      const { values, paths } = conditionValues(raw, keyPath);
      entries.push({ key, path: keyPath, values, valuePaths: paths });
    }
    blocks.push({ operator, path: opPath, entries });
  }
  return blocks;
}

function parseStatement(value: unknown, i: number, path: string): ParsedStatement {
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

/** Parses and validates a trust policy; throws {@link TrustPolicyError} for a malformed one. */
export function parseTrustPolicy(input: unknown): ParsedPolicy {
  const { document, root } = unwrap(input);
  for (const key of Object.keys(document)) {
    if (!POLICY_KEYS.has(key)) {
      throw new TrustPolicyError(`unknown policy element ${JSON.stringify(key)}; expected Version, Id, Statement`, member(root, key));
    }
  }
  let version: string | undefined;
  if ('Version' in document) {
    if (typeof document.Version !== 'string' || !VERSIONS.has(document.Version)) {
      throw new TrustPolicyError(`Version must be "2012-10-17" (or the legacy "2008-10-17"), got ${describe(document.Version)}`, member(root, 'Version'));
    }
    version = document.Version;
  }
  const statementPath = member(root, 'Statement');
  if (!('Statement' in document)) throw new TrustPolicyError('policy has no Statement', root);
  const raw = document.Statement;
  let statements: ParsedStatement[];
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw new TrustPolicyError('Statement is an empty list', statementPath);
    statements = raw.map((s, i) => parseStatement(s, i, index(statementPath, i)));
  } else if (isPlainObject(raw)) {
    statements = [parseStatement(raw, 0, statementPath)];
  } else {
    throw new TrustPolicyError(`Statement must be an object or a list of objects, got ${describe(raw)}`, statementPath);
  }
  return { ...(version !== undefined ? { version } : {}), root, statements, document };
}
