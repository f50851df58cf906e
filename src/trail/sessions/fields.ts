/** Pure readers of one CloudTrail record's fields, and what Keyless derives from them. */
import { conditionKeyPrefix, isGitHubProvider } from '../../trust/keys.js';
import type { CloudTrailRecord } from '../read/shapes.js';
import type { ClientKind } from '../types.js';

export function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function field(record: unknown, ...path: string[]): unknown {
  let value = record;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function textAt(record: CloudTrailRecord, ...path: string[]): string | null {
  return text(field(record, ...path));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LOCALE_TIME = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2})\s?([AP]M)$/;

/**
 * CloudTrail logs STS's expiration as a locale string in UTC (`Apr 16, 2025, 3:46:56 AM`; older
 * records `Sep 15, 2021 4:00:36 AM`): ISO 8601, or the text as logged when it does not parse.
 */
export function parseExpiration(value: unknown): string | null {
  const raw = text(value);
  if (raw === null) return null;
  const m = LOCALE_TIME.exec(raw.replace(/\u202f/g, ' ').trim());
  if (!m) return Number.isNaN(Date.parse(raw)) ? raw : new Date(raw).toISOString();
  const month = MONTHS.indexOf(m[1]!);
  let hour = Number(m[4]) % 12;
  if (m[7] === 'PM') hour += 12;
  if (month < 0) return raw;
  return new Date(Date.UTC(Number(m[3]), month, Number(m[2]), hour, Number(m[5]), Number(m[6]))).toISOString();
}

const KEYLESS_SESSION = /^GitHubActions-(\d+)-(\d+)$/;

/** Run id and attempt from Keyless's default session name `GitHubActions-<run id>-<attempt>`. */
export function runFromSessionName(name: string): { runId: string; runAttempt: string } | undefined {
  const m = KEYLESS_SESSION.exec(name);
  return m ? { runId: m[1]!, runAttempt: m[2]! } : undefined;
}

/**
 * Which client assumed the role: configure-aws-credentials names itself in the user agent;
 * Keyless is recognised by its name there or, failing that, by its session-name form.
 */
export function clientOf(userAgent: string | null, sessionName: string): ClientKind {
  const agent = (userAgent ?? '').toLowerCase();
  if (agent.includes('configure-aws-credentials')) return 'configure-aws-credentials';
  if (agent.includes('keyless') || KEYLESS_SESSION.test(sessionName)) return 'keyless';
  return 'other';
}

/** `repo:octo-org/app:environment:prod` → octo-org/app and prod (null where the subject does not say). */
export function subjectParts(subject: string): { repository: string | null; environment: string | null } {
  const repo = /(?:^|:)repo:([^:]+)/.exec(subject)?.[1];
  const owner = /(?:^|:)repository_owner:([^:]+)/.exec(subject)?.[1];
  const name = /(?:^|:)repository:([^:]+)/.exec(subject)?.[1];
  const repository = repo ?? (name !== undefined ? (name.includes('/') || owner === undefined ? name : `${owner}/${name}`) : null);
  const environment = /(?:^|:)environment:([^:]+)/.exec(subject)?.[1] ?? null;
  return { repository: repository ?? null, environment };
}

/** Read-only per CloudTrail's `readOnly`, else by the action's verb. */
export function isReadOnly(record: CloudTrailRecord): boolean {
  if (typeof record.readOnly === 'boolean') return record.readOnly;
  return /^(Get|List|Describe|Head|Lookup|Search|Query|Scan|Select|BatchGet)/.test(String(record.eventName));
}

/** An IP address, not an AWS service acting for the caller (`cloudformation.amazonaws.com`, `AWS Internal`). */
export function isNetworkAddress(value: string | null): value is string {
  return value !== null && /^[0-9a-fA-F.:]+$/.test(value);
}

/**
 * The GitHub provider (`token.actions.githubusercontent.com[/slug]`, GHE.com, GHES) an
 * `oidc-provider/…` ARN names; undefined for other providers. Lenient about the account part,
 * which published records sometimes alter.
 */
export function githubProviderOf(arn: string | null): string | undefined {
  const m = arn === null ? null : /:oidc-provider\/(.+)$/.exec(arn);
  if (!m) return undefined;
  const provider = conditionKeyPrefix(m[1]!);
  return isGitHubProvider(provider) ? provider : undefined;
}

/** The record's eventTime, or '' when an author trimmed it. */
export function eventTime(record: CloudTrailRecord): string {
  return typeof record.eventTime === 'string' ? record.eventTime : '';
}
