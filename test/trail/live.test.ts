/**
 * --live against a loopback CloudTrail (JSON 1.1 LookupEvents, paginated, throttling above 2
 * requests per second) through @aws-sdk/client-cloudtrail: by event name, then by each session's
 * access key id and the keys it chained into; requests spaced at least 500 ms; progress on stderr.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalCloudTrail, type LocalCloudTrail } from '../../src/local/cloudtrail.js';
import { trail } from './helpers/cli.js';
import { sampleTrail, tempDir } from './helpers/records.js';

const { dir, remove } = tempDir();
let cloudtrail: LocalCloudTrail;

beforeAll(async () => {
  cloudtrail = await startLocalCloudTrail({ records: sampleTrail(), pageSize: 2 });
  vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', cloudtrail.url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLOCALTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local-secret');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('AWS_PROFILE', '');
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await cloudtrail.close();
  remove();
});

describe('keyless trail --live', () => {
  it('follows sessions by key, paginated, within the rate limit', async () => {
    const r = await trail(['--live', '--json'], dir, { awsRegion: 'us-east-1' });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { sessions: { access_key_id: string; calls: Record<string, number> }[] };
    expect(doc.sessions.map((s) => s.access_key_id)).toEqual(['ASIAKEYLESS000000001', 'ASIACHAINED000000001', 'ASIAOTHER00000000002']);
    expect(doc.sessions[0]!.calls).toEqual({ 's3:PutObject': 1, 's3:GetObject': 1, 'sts:AssumeRole': 1 });
    const served = cloudtrail.requests.filter((q) => !q.throttled);
    // 4 AssumeRoleWithWebIdentity events in pages of 2 = 2 requests; 3 calls of the first key = 2; 1 of the second; 1 of the chained key.
    expect(served.map((q) => q.attribute)).toEqual([
      'EventName=AssumeRoleWithWebIdentity',
      'EventName=AssumeRoleWithWebIdentity',
      'AccessKeyId=ASIAOTHER00000000002',
      'AccessKeyId=ASIAKEYLESS000000001',
      'AccessKeyId=ASIAKEYLESS000000001',
      'AccessKeyId=ASIACHAINED000000001',
    ]);
    expect(cloudtrail.requests.every((q) => q.signed)).toBe(true);
    expect(cloudtrail.requests.filter((q) => q.throttled)).toEqual([]);
    for (let i = 1; i < served.length; i++) expect(served[i]!.at - served[i - 1]!.at).toBeGreaterThanOrEqual(490);
    expect(r.stderr).toContain('keyless: --live: EventName "AssumeRoleWithWebIdentity": 4 events (2 requests, 2 keys to go)');
  }, 20_000);

  it('a ThrottlingException is retried by the SDK', async () => {
    const throttling = await startLocalCloudTrail({ records: sampleTrail().slice(0, 1), throttleFirst: 1 });
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', throttling.url);
    try {
      const r = await trail(['--live', '--json'], dir, { awsRegion: 'us-east-1' });
      expect(r.code).toBe(0);
      expect(throttling.requests.map((q) => q.throttled)).toEqual([true, false, false]);
    } finally {
      vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', cloudtrail.url);
      await throttling.close();
    }
  }, 20_000);

  it('a refused LookupEvents is one message naming the permission, exit 2', async () => {
    const refusing = await startLocalCloudTrail({ records: [], throttleFirst: 100 });
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', refusing.url);
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    try {
      const r = await trail(['--live'], dir, { awsRegion: 'eu-west-1' });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--live: CloudTrail LookupEvents failed (ThrottlingException: Rate exceeded); it needs cloudtrail:LookupEvents in region "eu-west-1"');
    } finally {
      vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', cloudtrail.url);
      vi.stubEnv('AWS_MAX_ATTEMPTS', '');
      await refusing.close();
    }
  });
});
