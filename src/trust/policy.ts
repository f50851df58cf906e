/**
 * Parsing and normalising IAM role trust policy documents. Accepts the document itself, the
 * `AssumeRolePolicyDocument` wrapper (and `aws iam get-role`'s `{"Role": {...}}`), a JSON string of any
 * of those, and the URL-encoded string IAM's API returns. Malformed documents throw a
 * {@link TrustPolicyError} naming the JSON path of the problem.
 */
import { index, member } from './path.js';
import { describe, isPlainObject, TrustPolicyError } from './policy-error.js';
import { parseStatement, type ParsedStatement } from './policy-statement.js';

export { TrustPolicyError } from './policy-error.js';
export { parseConditionElement } from './condition-element.js';
export type { ParsedConditionBlock, ParsedConditionEntry } from './condition-element.js';
export type { ParsedPrincipal, ParsedStatement } from './policy-statement.js';

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
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);

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
