/**
 * --live: CloudTrail LookupEvents in the caller's account and region, first by event name
 * (AssumeRoleWithWebIdentity), then by each GitHub session's access key id (and the keys those
 * sessions chained into with AssumeRole). LookupEvents allows 2 requests per second per account
 * and region, so requests are spaced 500 ms apart; the SDK retries a ThrottlingException.
 * The SDK is loaded only here, and AWS_ENDPOINT_URL_CLOUDTRAIL (read by the SDK) points it elsewhere.
 */
import type { CloudTrailRecord } from '../read/shapes.js';
import { isRecord } from '../read/shapes.js';
import { githubProviderOf, textAt } from '../sessions/fields.js';
import type { TrailPeriod } from '../types.js';
import { TrailSourceError } from '../errors.js';

export const LOOKUP_INTERVAL_MS = 500;

export interface LiveOptions {
  readonly region: string;
  readonly period: TrailPeriod;
  readonly progress: (text: string) => void;
  /** For tests of the pacing: how to wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

type Attribute = { AttributeKey: 'EventName' | 'AccessKeyId'; AttributeValue: string };

/** The access key a record hands out that the trail follows: a GitHub web-identity session's, or one chained from a followed key. */
export function keyToFollow(record: CloudTrailRecord, followed: ReadonlySet<string>): string | null {
  if (record.errorCode !== undefined && record.errorCode !== null) return null;
  const issued = textAt(record, 'responseElements', 'credentials', 'accessKeyId');
  if (issued === null) return null;
  if (record.eventName === 'AssumeRoleWithWebIdentity') {
    const arn = textAt(record, 'responseElements', 'provider') ?? textAt(record, 'userIdentity', 'identityProvider');
    return githubProviderOf(arn) !== undefined ? issued : null;
  }
  const caller = textAt(record, 'userIdentity', 'accessKeyId');
  return record.eventName === 'AssumeRole' && caller !== null && followed.has(caller) ? issued : null;
}

export async function* liveRecords(options: LiveOptions): AsyncGenerator<CloudTrailRecord> {
  const { CloudTrailClient, LookupEventsCommand } = await import('@aws-sdk/client-cloudtrail');
  const client = new CloudTrailClient({ region: options.region });
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const send = async (command: InstanceType<typeof LookupEventsCommand>) => {
    try {
      return await client.send(command);
    } catch (error) {
      const e = error as Error;
      throw new TrailSourceError(`--live: CloudTrail LookupEvents failed (${e.name}: ${e.message}); it needs cloudtrail:LookupEvents in region ${JSON.stringify(options.region)}`);
    }
  };
  let last = 0;
  let requests = 0;
  const followed = new Set<string>();
  const queue: Attribute[] = [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRoleWithWebIdentity' }];
  try {
    while (queue.length > 0) {
      const attribute = queue.shift()!;
      let token: string | undefined;
      let events = 0;
      do {
        const wait = last + LOOKUP_INTERVAL_MS - Date.now();
        if (requests > 0 && wait > 0) await sleep(wait);
        requests++;
        const answer = await send(
          new LookupEventsCommand({
            LookupAttributes: [attribute],
            ...(options.period.since !== undefined ? { StartTime: new Date(options.period.since) } : {}),
            ...(options.period.until !== undefined ? { EndTime: new Date(options.period.until) } : {}),
            MaxResults: 50,
            ...(token !== undefined ? { NextToken: token } : {}),
          }),
        );
        // Spaced from the answer, not the request: the service counts arrivals, and the first request is slow (SDK set-up).
        last = Date.now();
        token = answer.NextToken;
        for (const event of answer.Events ?? []) {
          let record: unknown;
          try {
            record = JSON.parse(event.CloudTrailEvent ?? '');
          } catch {
            continue;
          }
          if (!isRecord(record)) continue;
          events++;
          const key = keyToFollow(record, followed);
          if (key !== null && !followed.has(key)) {
            followed.add(key);
            queue.push({ AttributeKey: 'AccessKeyId', AttributeValue: key });
          }
          yield record;
        }
      } while (token !== undefined);
      options.progress(`keyless: --live: ${attribute.AttributeKey} ${JSON.stringify(attribute.AttributeValue)}: ${events} events (${requests} requests, ${queue.length} keys to go)\n`);
    }
  } finally {
    client.destroy();
  }
}
