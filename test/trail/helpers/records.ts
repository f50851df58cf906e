/**
 * Test trails built from the corpus's exact shapes: the real 2025 GitHub-OIDC
 * AssumeRoleWithWebIdentity (cloud-snitch), the real AccessDenied attempt (argo-plugin) and a real
 * AssumedRole call from an S3 log file, with the gruntwork session's webIdFederationData.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { CORPUS, corpusJson } from '../../helpers/corpus.js';

type Rec = Record<string, any>;

export const SUCCESS: Rec = corpusJson('cloudtrail', 'records', 'cloud-snitch__AssumeRoleWithWebIdentity_github_success_2025-04-16.json');
export const DENIED: Rec = corpusJson('cloudtrail', 'records', 'argo-plugin__AssumeRoleWithWebIdentity_eks_AccessDenied_2023-11-08.json');
const LOG = JSON.parse(gunzipSync(readFileSync(join(CORPUS, 'cloudtrail', 'raw', 'ccbrown__cloud-snitch__222222222222_CloudTrail_us-east-1_20250306T0230Z_QF6qcgyiaVnSueXa.json.gz'))).toString('utf8')) as { Records: Rec[] };
export const CALL: Rec = LOG.Records.find((r) => r.userIdentity?.type === 'AssumedRole')!;
export const ACCOUNT = '774305579662';
export const ROLE = SUCCESS.requestParameters.roleArn as string;
export const PROVIDER_ARN = SUCCESS.responseElements.provider as string;

const clone = (r: Rec): Rec => JSON.parse(JSON.stringify(r)) as Rec;

export interface SessionSpec {
  key: string;
  time: string;
  subject?: string;
  role?: string;
  sessionName?: string;
  ip?: string;
  userAgent?: string;
}

/** The real success record with another key, time, subject, role and session name. */
export function assumeRecord(spec: SessionSpec): Rec {
  const r = clone(SUCCESS);
  const subject = spec.subject ?? r.responseElements.subjectFromWebIdentityToken;
  r.eventTime = spec.time;
  r.eventID = `evt-${spec.key}`;
  r.userIdentity.userName = subject;
  r.responseElements.subjectFromWebIdentityToken = subject;
  r.responseElements.credentials.accessKeyId = spec.key;
  if (spec.role) r.requestParameters.roleArn = spec.role;
  if (spec.sessionName) r.requestParameters.roleSessionName = spec.sessionName;
  if (spec.ip) r.sourceIPAddress = spec.ip;
  if (spec.userAgent) r.userAgent = spec.userAgent;
  return r;
}

/** The real AssumedRole call, made with `key` as a GitHub web-identity session (gruntwork's sessionContext shape). */
export function callRecord(key: string, time: string, options: { source?: string; name?: string; readOnly?: boolean; error?: string; ip?: string; webIdentity?: boolean } = {}): Rec {
  const r = clone(CALL);
  r.userIdentity.accessKeyId = key;
  if (options.webIdentity !== false) r.userIdentity.sessionContext.webIdFederationData = { federatedProvider: PROVIDER_ARN, attributes: {} };
  r.eventTime = time;
  r.eventID = `evt-${key}-${time}-${options.name ?? ''}`;
  if (options.source) r.eventSource = options.source;
  if (options.name) r.eventName = options.name;
  if (options.readOnly !== undefined) r.readOnly = options.readOnly;
  if (options.error) {
    r.errorCode = options.error;
    r.errorMessage = 'denied';
  }
  r.sourceIPAddress = options.ip ?? SUCCESS.sourceIPAddress;
  return r;
}

/** An AssumeRole made with `parentKey`, handing out `key` for `role`. */
export function chainRecord(parentKey: string, key: string, time: string, role: string): Rec {
  const r = callRecord(parentKey, time, { source: 'sts.amazonaws.com', name: 'AssumeRole', readOnly: true });
  r.requestParameters = { roleArn: role, roleSessionName: 'chained' };
  r.responseElements = { credentials: { accessKeyId: key, sessionToken: '', expiration: 'Apr 16, 2025, 4:00:00 AM' }, assumedRoleUser: { arn: `${role}/chained` } };
  return r;
}

export function deniedRecord(time: string, subject: string, role = ROLE): Rec {
  const r = clone(DENIED);
  r.eventTime = time;
  r.userIdentity.identityProvider = PROVIDER_ARN;
  r.userIdentity.userName = subject;
  r.requestParameters.roleArn = role;
  return r;
}

/** A temp folder removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-trail-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes records as an S3 log file (gzipped {"Records":[…]}) under the AWSLogs layout. */
export function writeLog(root: string, name: string, records: Rec[], gzip = true): string {
  const path = join(root, 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', '2025', '04', '16', name);
  mkdirSync(dirname(path), { recursive: true });
  const text = JSON.stringify({ Records: records });
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

/** A small trail: two sessions (one chained), calls, a foreign-IP call, a denied attempt. */
export function sampleTrail(): Rec[] {
  return [
    assumeRecord({ key: 'ASIAKEYLESS000000001', time: '2025-04-16T02:00:00Z', subject: 'repo:octo-org/app:environment:prod', sessionName: 'GitHubActions-1234567890-1', userAgent: 'aws-sdk-js/3.700.0 ua/2.1 os/linux' }),
    callRecord('ASIAKEYLESS000000001', '2025-04-16T02:01:00Z', { source: 's3.amazonaws.com', name: 'PutObject', readOnly: false }),
    callRecord('ASIAKEYLESS000000001', '2025-04-16T02:02:00Z', { source: 's3.amazonaws.com', name: 'GetObject', readOnly: true }),
    chainRecord('ASIAKEYLESS000000001', 'ASIACHAINED000000001', '2025-04-16T02:03:00Z', 'arn:aws:iam::774305579662:role/deployer'),
    callRecord('ASIACHAINED000000001', '2025-04-16T02:04:00Z', { source: 'lambda.amazonaws.com', name: 'UpdateFunctionCode', readOnly: false, webIdentity: false }),
    assumeRecord({ key: 'ASIAOTHER00000000002', time: '2025-04-16T03:00:00Z', subject: 'repo:evil-org/fork:pull_request' }),
    callRecord('ASIAOTHER00000000002', '2025-04-16T03:05:00Z', { source: 'iam.amazonaws.com', name: 'CreateUser', readOnly: false, error: 'AccessDenied', ip: '203.0.113.9' }),
    deniedRecord('2025-04-16T04:00:00Z', 'repo:evil-org/fork:ref:refs/heads/main'),
    deniedRecord('2025-04-16T04:01:00Z', 'repo:evil-org/fork:ref:refs/heads/main'),
  ];
}
