/**
 * Builds the trail from records in any order, one at a time: each successful
 * AssumeRoleWithWebIdentity from a GitHub provider is a session; every later call carrying its
 * access key id is its activity; an AssumeRole made with its key is a chained session, followed the
 * same way. Calls seen before their session (files are not in time order across regions) wait in a
 * bounded map, so memory does not grow with the input.
 */
import type { CloudTrailRecord } from '../read/shapes.js';
import { MAX_IPS, type Activity, type FailedAttempt, type Session, type TrailPeriod, type TrailResult } from '../types.js';
import { clientOf, eventTime, field, githubProviderOf, isNetworkAddress, isReadOnly, parseExpiration, runFromSessionName, subjectParts, text, textAt } from './fields.js';

/** Keys whose calls wait for their session; beyond it, calls of unknown keys are not kept. */
export const MAX_PENDING_KEYS = 100_000;

export function emptyActivity(): Activity {
  return { calls: new Map(), reads: 0, writes: 0, errors: 0, ips: new Set() };
}

type SessionSeed = Omit<Session, 'activity' | 'chained'>;

export class TrailBuilder {
  private readonly sessions = new Map<string, Session>();
  private readonly pending = new Map<string, Activity>();
  private readonly failed = new Map<string, FailedAttempt>();
  private pendingOverflow = 0;
  readonly counts = { records: 0, skipped: 0, files: 0, outsidePeriod: 0, otherProviders: 0 };
  private first: string | undefined;
  private last: string | undefined;

  constructor(
    private readonly period: TrailPeriod = {},
    private readonly maxPendingKeys = MAX_PENDING_KEYS,
  ) {}

  add(record: CloudTrailRecord): void {
    const time = eventTime(record);
    if ((time === '' && (this.period.since !== undefined || this.period.until !== undefined)) || (this.period.since !== undefined && time < this.period.since) || (this.period.until !== undefined && time >= this.period.until)) {
      this.counts.outsidePeriod++;
      return;
    }
    if (this.first === undefined || time < this.first) this.first = time;
    if (this.last === undefined || time > this.last) this.last = time;
    if (record.eventName === 'AssumeRoleWithWebIdentity' && record.eventSource === 'sts.amazonaws.com') {
      this.webIdentity(record);
      return;
    }
    const key = textAt(record, 'userIdentity', 'accessKeyId');
    if (key === null || textAt(record, 'userIdentity', 'type') !== 'AssumedRole') return;
    this.recordCall(key, record);
    if (record.eventName === 'AssumeRole' && record.errorCode === undefined) this.chain(key, record);
  }

  private webIdentity(record: CloudTrailRecord): void {
    const providerArn = textAt(record, 'responseElements', 'provider') ?? textAt(record, 'userIdentity', 'identityProvider');
    const provider = githubProviderOf(providerArn);
    if (provider === undefined) {
      this.counts.otherProviders++;
      return;
    }
    const role = textAt(record, 'requestParameters', 'roleArn') ?? '(unknown role)';
    const subject = textAt(record, 'responseElements', 'subjectFromWebIdentityToken') ?? textAt(record, 'userIdentity', 'userName') ?? '(unknown subject)';
    const errorCode = text(record.errorCode);
    if (errorCode !== null) {
      this.failedAttempt(record, role, subject, provider, errorCode);
      return;
    }
    const key = textAt(record, 'responseElements', 'credentials', 'accessKeyId');
    if (key === null) return;
    const sessionName = textAt(record, 'requestParameters', 'roleSessionName') ?? '';
    const userAgent = text(record.userAgent);
    const run = runFromSessionName(sessionName);
    this.open({
      ...this.common(record, key, role, sessionName, userAgent),
      kind: 'web-identity',
      subject,
      audience: textAt(record, 'responseElements', 'audience'),
      provider,
      runId: run?.runId ?? null,
      runAttempt: run?.runAttempt ?? null,
      ...subjectParts(subject),
      client: clientOf(userAgent, sessionName),
      parentKey: null,
    });
  }

  private common(record: CloudTrailRecord, key: string, role: string, sessionName: string, userAgent: string | null) {
    return {
      time: eventTime(record),
      account: text(record.recipientAccountId),
      region: text(record.awsRegion),
      role,
      sessionName,
      sourceIp: text(record.sourceIPAddress),
      userAgent,
      accessKeyId: key,
      expiration: parseExpiration(field(record, 'responseElements', 'credentials', 'expiration')),
      eventId: text(record.eventID),
    };
  }

  /** AssumeRole with a followed key: the new session inherits who its parent was. */
  private chain(parentKey: string, record: CloudTrailRecord): void {
    const key = textAt(record, 'responseElements', 'credentials', 'accessKeyId');
    if (key === null) return;
    const webId = textAt(record, 'userIdentity', 'sessionContext', 'webIdFederationData', 'federatedProvider');
    const parent = this.sessions.get(parentKey);
    if (!parent && githubProviderOf(webId) === undefined) return;
    const sessionName = textAt(record, 'requestParameters', 'roleSessionName') ?? '';
    const userAgent = text(record.userAgent);
    this.open({
      ...this.common(record, key, textAt(record, 'requestParameters', 'roleArn') ?? '(unknown role)', sessionName, userAgent),
      kind: 'chained',
      subject: parent?.subject ?? '',
      audience: null,
      provider: parent?.provider ?? '',
      runId: parent?.runId ?? null,
      runAttempt: parent?.runAttempt ?? null,
      repository: parent?.repository ?? null,
      environment: parent?.environment ?? null,
      client: clientOf(userAgent, sessionName),
      parentKey,
    });
  }

  private open(seed: SessionSeed): void {
    const same = this.sessions.get(seed.accessKeyId);
    if (same) {
      // The same record read twice (one eventID) is one session; a reused key (edited published records) is kept apart.
      if (same.eventId === seed.eventId) return;
      this.sessions.set(`${seed.accessKeyId}\u0000${seed.eventId ?? this.sessions.size}`, { ...seed, activity: emptyActivity(), chained: [] });
      return;
    }
    const activity = this.pending.get(seed.accessKeyId) ?? emptyActivity();
    this.pending.delete(seed.accessKeyId);
    this.sessions.set(seed.accessKeyId, { ...seed, activity, chained: [] });
  }

  private recordCall(key: string, record: CloudTrailRecord): void {
    let activity = this.sessions.get(key)?.activity ?? this.pending.get(key);
    if (!activity) {
      if (this.pending.size >= this.maxPendingKeys) {
        this.pendingOverflow++;
        return;
      }
      activity = emptyActivity();
      this.pending.set(key, activity);
    }
    const call = `${String(record.eventSource).replace(/\.amazonaws\.com$/, '')}:${String(record.eventName)}`;
    activity.calls.set(call, (activity.calls.get(call) ?? 0) + 1);
    if (isReadOnly(record)) activity.reads++;
    else activity.writes++;
    if (record.errorCode !== undefined && record.errorCode !== null) activity.errors++;
    const ip = text(record.sourceIPAddress);
    if (isNetworkAddress(ip) && activity.ips.size < MAX_IPS) activity.ips.add(ip);
    const time = eventTime(record);
    if (activity.first === undefined || time < activity.first) activity.first = time;
    if (activity.last === undefined || time > activity.last) activity.last = time;
  }

  private failedAttempt(record: CloudTrailRecord, role: string, subject: string, provider: string, errorCode: string): void {
    const id = `${role}\u0000${subject}\u0000${errorCode}`;
    const time = eventTime(record);
    const ip = text(record.sourceIPAddress);
    const seen = this.failed.get(id);
    if (seen) {
      seen.count++;
      if (time < seen.first) seen.first = time;
      if (time > seen.last) seen.last = time;
      if (ip !== null && seen.sourceIps.size < MAX_IPS) seen.sourceIps.add(ip);
      return;
    }
    this.failed.set(id, { role, subject, provider, errorCode, count: 1, first: time, last: time, sourceIps: new Set(ip !== null ? [ip] : []) });
  }

  /** Calls of keys that never met their session (bounded map overflow), for the summary. */
  get unattributedKeys(): number {
    return this.pendingOverflow;
  }

  finish(): TrailResult {
    const roots: Session[] = [];
    const byTime = [...this.sessions.values()].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    for (const session of byTime) {
      if (session.kind === 'web-identity') {
        roots.push(session);
        continue;
      }
      const parent = this.sessions.get(session.parentKey!);
      if (parent) {
        parent.chained.push(session);
        inherit(session, parent);
      }
    }
    const failed = [...this.failed.values()].sort((a, b) => (a.first < b.first ? -1 : 1));
    return { sessions: roots, failed, counts: { ...this.counts }, seen: { ...(this.first ? { first: this.first } : {}), ...(this.last ? { last: this.last } : {}) } };
  }
}

/** A chained session whose AssumeRole was read before its parent's: who it was comes from the parent. */
function inherit(child: Session, parent: Session): void {
  if (child.subject !== '') return;
  Object.assign(child, { subject: parent.subject, provider: parent.provider, runId: parent.runId, runAttempt: parent.runAttempt, repository: parent.repository, environment: parent.environment });
}
