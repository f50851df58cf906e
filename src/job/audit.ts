/**
 * The audit trail: one JSON record per successful assumption (JSON Lines, one record a line),
 * appended by the action and by every credential-process refresh to the same job-scoped file.
 * A record identifies the token by its jti and SHA-256 and the session by STS's ids: never the
 * token, never a credential (not even the access key id).
 */
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type { AssumedRole } from '../assume/sts.js';
import type { Claims } from '../verify/token.js';
import type { RoleArn } from '../inputs/settings.js';
import type { RunContext } from '../inputs/context.js';
import { ensurePrivateDir } from './paths.js';
import { appendPrivateFile } from './private-files.js';
import { escapeHtml } from '../export/summary.js';

/** Claims copied into the record, under their own names. */
export const AUDITED_CLAIMS = [
  'issuer',
  'sub',
  'repository',
  'repository_id',
  'ref',
  'environment',
  'job_workflow_ref',
  'run_id',
  'run_attempt',
  'actor',
  'runner_environment',
] as const;

type AuditedClaim = (typeof AUDITED_CLAIMS)[number];

export type AuditRecord = {
  readonly version: 1;
  readonly time: string;
  /** Who assumed: the action step, or the credential-process program on a refresh. */
  readonly source: 'action' | 'credential-process';
  readonly operation: 'AssumeRoleWithWebIdentity' | 'AssumeRole';
  /** Where the run context came from: the verified token, or (role chaining) the runner's variables. */
  readonly context_from: 'token' | 'runner-environment';
  readonly token_jti: string | null;
  readonly token_sha256: string | null;
  readonly role_arn: string;
  readonly session_name: string;
  readonly assumed_role_arn: string;
  readonly assumed_role_id: string;
  readonly account: string;
  readonly expiration: string;
  readonly sts_request_id: string | null;
  readonly profile: string | null;
  /** Role chaining: the identity whose credentials signed the AssumeRole. */
  readonly source_arn: string | null;
} & { readonly [claim in AuditedClaim]: string | null };

/** What chaining records instead of claims: the runner's own facts for the same claims. */
const FROM_RUN: Partial<Record<AuditedClaim, keyof RunContext['run']>> = {
  repository: 'repository',
  repository_id: 'repositoryId',
  ref: 'ref',
  run_id: 'id',
  run_attempt: 'attempt',
  actor: 'actor',
  runner_environment: 'runnerEnvironment',
};

export interface AuditInput {
  readonly source: AuditRecord['source'];
  readonly now: Date;
  readonly role: RoleArn;
  readonly sessionName: string;
  readonly assumed: AssumedRole;
  readonly profile: string | undefined;
  /** The web identity path: the token and its verified claims. */
  readonly token?: { readonly value: string; readonly claims: Claims };
  /** The chaining path: the runner's facts, and the source identity. */
  readonly run?: RunContext['run'];
  readonly sourceArn?: string;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Pure: the record for one assumption. */
export function buildAuditRecord(input: AuditInput): AuditRecord {
  const { token, run, assumed } = input;
  const context = {} as Record<AuditedClaim, string | null>;
  for (const name of AUDITED_CLAIMS) {
    if (token) context[name] = text(token.claims[name === 'issuer' ? 'iss' : name]);
    else {
      const field = FROM_RUN[name];
      context[name] = field ? text(run?.[field]) || null : null;
    }
  }
  return {
    version: 1,
    time: input.now.toISOString(),
    source: input.source,
    operation: token ? 'AssumeRoleWithWebIdentity' : 'AssumeRole',
    context_from: token ? 'token' : 'runner-environment',
    ...context,
    token_jti: token ? text(token.claims.jti) : null,
    token_sha256: token ? sha256Hex(token.value) : null,
    role_arn: input.role.arn,
    session_name: input.sessionName,
    assumed_role_arn: assumed.assumedRoleArn,
    assumed_role_id: assumed.assumedRoleId,
    account: assumed.account,
    expiration: assumed.expiration.toISOString(),
    sts_request_id: assumed.requestId ?? null,
    profile: input.profile ?? null,
    source_arn: token ? null : (input.sourceArn ?? null),
  };
}

/**
 * One line per record, in one write: concurrent appenders (a refresh during a step) never
 * interleave. Never through a symlink, never into another user's file.
 */
export function appendAuditRecord(file: string, record: AuditRecord): void {
  ensurePrivateDir(dirname(file));
  appendPrivateFile(file, `${JSON.stringify(record)}\n`);
}

/** Pure: the audit part of the job summary. The account is left out (it may be masked). */
export function renderAuditSummary(record: AuditRecord, file: string): string {
  const rows: [string, string][] = [
    ['Time', record.time],
    ['Operation', record.operation],
    ['Assumed role id', record.assumed_role_id],
    ['STS request id', record.sts_request_id ?? '(none)'],
  ];
  if (record.token_jti !== null) rows.push(['Token jti', record.token_jti]);
  if (record.token_sha256 !== null) rows.push(['Token SHA-256', record.token_sha256]);
  if (record.profile !== null) rows.push(['Profile', record.profile]);
  if (record.source_arn !== null) rows.push(['Chained from', record.source_arn]);
  const body = rows.map(([name, value]) => `<tr><th align="left">${escapeHtml(name)}</th><td><code>${escapeHtml(value)}</code></td></tr>`).join('');
  return `<h4>Audit record</h4>\n<table>${body}</table>\n<p>Appended to <code>${escapeHtml(file)}</code> (output <code>audit-file</code>); refreshes append their own records.</p>\n`;
}
