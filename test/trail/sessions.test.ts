/** Session building: the corpus's real records, then trails built from their shapes. */
import { describe, expect, it } from 'vitest';
import { TrailBuilder, MAX_PENDING_KEYS } from '../../src/trail/sessions/build.js';
import { clientOf, parseExpiration, runFromSessionName, subjectParts } from '../../src/trail/sessions/fields.js';
import { assumeRecord, callRecord, ROLE, sampleTrail, SUCCESS } from './helpers/records.js';

describe('fields', () => {
  it.each([
    ['Apr 16, 2025, 3:46:56 AM', '2025-04-16T03:46:56.000Z'],
    ['Sep 15, 2021 4:00:36 AM', '2021-09-15T04:00:36.000Z'],
    ['Dec 1, 2025, 12:05:00 PM', '2025-12-01T12:05:00.000Z'],
    ['Dec 1, 2025, 12:05:00 AM', '2025-12-01T00:05:00.000Z'],
    ['Jan 2, 2026, 11:59:59\u202fPM', '2026-01-02T23:59:59.000Z'],
    ['2025-04-16T03:46:56Z', '2025-04-16T03:46:56.000Z'],
    ['soon', 'soon'],
    ['', null],
  ])('expiration %j → %j', (raw, iso) => expect(parseExpiration(raw)).toBe(iso));

  it.each([
    ['GitHubActions-1234567890-2', { runId: '1234567890', runAttempt: '2' }],
    ['GitHubActions', undefined],
    ['GitHubActions-12-x', undefined],
  ])('session name %j', (name, run) => expect(runFromSessionName(name)).toEqual(run));

  it.each([
    [SUCCESS.userAgent as string, 'GitHubActions', 'configure-aws-credentials'],
    ['aws-sdk-js/3.700.0 keyless/1.0.0', 'x', 'keyless'],
    ['aws-sdk-js/3.700.0', 'GitHubActions-1-1', 'keyless'],
    ['Boto3/1.34', 'botocore-session-1631674835', 'other'],
  ])('client of %j %j', (agent, name, kind) => expect(clientOf(agent, name)).toBe(kind));

  it.each([
    ['repo:octo-org/app:environment:prod', 'octo-org/app', 'prod'],
    ['repo:octo-org/app:ref:refs/heads/main', 'octo-org/app', null],
    ['repository_owner:octo-org:repository:app:environment:e', 'octo-org/app', 'e'],
    ['system:serviceaccount:argo:x', null, null],
  ])('subject %j', (sub, repository, environment) => expect(subjectParts(sub)).toEqual({ repository, environment }));
});

describe('TrailBuilder', () => {
  const build = (records: Record<string, unknown>[], period = {}) => {
    const b = new TrailBuilder(period);
    for (const r of records) b.add(r);
    return b.finish();
  };

  it('the real 2025 record is one session with every field', () => {
    const { sessions } = build([SUCCESS]);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      kind: 'web-identity', time: '2025-04-16T02:46:56Z', account: '774305579662', role: ROLE,
      subject: 'repo:ccbrown/cloud-snitch:ref:refs/heads/main', audience: 'sts.amazonaws.com', provider: 'token.actions.githubusercontent.com',
      sessionName: 'GitHubActions', runId: null, sourceIp: '52.154.133.36', client: 'configure-aws-credentials',
      accessKeyId: 'ASIA3ISBVQKHJOCMRQJH', expiration: '2025-04-16T03:46:56.000Z', repository: 'ccbrown/cloud-snitch',
    });
  });

  it('calls by key, chained sessions, failed attempts, in any order', () => {
    const records = sampleTrail();
    for (const order of [records, [...records].reverse()]) {
      const { sessions, failed } = build(order);
      expect(sessions.map((s) => s.accessKeyId)).toEqual(['ASIAKEYLESS000000001', 'ASIAOTHER00000000002']);
      const [first, second] = sessions;
      expect(first!.runId).toBe('1234567890');
      expect(first!.client).toBe('keyless');
      expect(Object.fromEntries(first!.activity.calls)).toEqual({ 's3:PutObject': 1, 's3:GetObject': 1, 'sts:AssumeRole': 1 });
      expect([first!.activity.reads, first!.activity.writes]).toEqual([2, 1]);
      expect(first!.chained).toHaveLength(1);
      expect(first!.chained[0]).toMatchObject({ kind: 'chained', role: 'arn:aws:iam::774305579662:role/deployer', subject: 'repo:octo-org/app:environment:prod', runId: '1234567890' });
      expect(Object.fromEntries(first!.chained[0]!.activity.calls)).toEqual({ 'lambda:UpdateFunctionCode': 1 });
      expect(second!.activity.errors).toBe(1);
      expect([...second!.activity.ips]).toEqual(['203.0.113.9']);
      expect(failed).toMatchObject([{ subject: 'repo:evil-org/fork:ref:refs/heads/main', errorCode: 'AccessDenied', count: 2 }]);
    }
  });

  it('--since/--until keep [since, until)', () => {
    const r = build(sampleTrail(), { since: '2025-04-16T02:30:00Z', until: '2025-04-16T04:01:00Z' });
    expect(r.sessions.map((s) => s.accessKeyId)).toEqual(['ASIAOTHER00000000002']);
    expect(r.failed[0]!.count).toBe(1);
    expect(r.counts.outsidePeriod).toBe(6);
  });

  it('calls of keys never seen wait in a bounded map', () => {
    expect(MAX_PENDING_KEYS).toBe(100_000);
    const b = new TrailBuilder({}, 100);
    for (let i = 0; i < 105; i++) b.add(callRecord(`ASIAPENDING${i}`, '2025-04-16T01:00:00Z'));
    b.add(assumeRecord({ key: 'ASIAPENDING7', time: '2025-04-16T00:00:00Z' }));
    expect(b.unattributedKeys).toBe(5);
    expect(b.finish().sessions[0]!.activity.calls.size).toBe(1);
  });

  it('other providers (EKS, Cognito) are counted, not sessions', async () => {
    const { corpusJson } = await import('../helpers/corpus.js');
    const cognito = corpusJson<Record<string, unknown>>('cloudtrail', 'records', 'aidansteele__AssumeRoleWithWebIdentity_cognito_github_claims_as_principalTags_2023-10-25.json');
    const r = build([cognito]);
    expect(r.sessions).toEqual([]);
    expect(r.counts.otherProviders).toBe(1);
  });
});
