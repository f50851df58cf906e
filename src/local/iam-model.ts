// The loopback IAM's account state (OIDC providers, roles, policies that exist) and what its
// actions share: IAM's error answers, its input validation messages, its pagination.
import { QueryError } from './aws-query.js';
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

/** An error answer in IAM's ErrorResponse shape. */
export class IamError extends QueryError {}

export const noSuchEntity = (message: string) => new IamError(404, 'NoSuchEntity', message);

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

export type Params = Readonly<Record<string, string>>;

/** An action: its `…Result` element, or undefined for the actions that answer only metadata. */
export type IamAction = (state: IamAccount, params: Params) => XmlElement | undefined;

/** `Name.member.1`, `Name.member.2`, … in index order. */
export function memberList(params: Params, name: string): string[] {
  const prefix = `${name}.member.`;
  return Object.entries(params)
    .filter(([key]) => key.startsWith(prefix) && /^\d+$/.test(key.slice(prefix.length)))
    .sort(([a], [b]) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map(([, value]) => value);
}

/** IAM's input validation message: "1 validation error detected: Value 'x' at 'member' failed to satisfy constraint: …". */
export function validation(value: string | undefined, member: string, constraint: string): IamError {
  return new IamError(400, 'ValidationError', `1 validation error detected: Value ${value === undefined ? 'null' : `'${value}'`} at '${member}' failed to satisfy constraint: ${constraint}`);
}

export function required(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined) throw validation(undefined, name.charAt(0).toLowerCase() + name.slice(1), 'Member must not be null');
  return value;
}

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
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

export function listResult(name: string, listName: string, members: XmlElement[], marker: string | undefined): XmlElement {
  return xmlElement(name, [
    xmlElement(listName, members.map((m) => xmlElement('member', m.content))),
    xmlElement('IsTruncated', marker === undefined ? 'false' : 'true'),
    marker === undefined ? undefined : xmlElement('Marker', marker),
  ]);
}
