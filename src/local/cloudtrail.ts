/**
 * A loopback CloudTrail for --live: LookupEvents in the JSON 1.1 protocol
 * (`X-Amz-Target: CloudTrail_20131101.LookupEvents`), one
 * lookup attribute (EventName, AccessKeyId, …), StartTime/EndTime in epoch seconds, pages of at most
 * `pageSize` events with an opaque NextToken, and a ThrottlingException when more than the documented 2
 * requests come in one second (per account and region). Every request is recorded.
 */
import { readBody, sendJson, startLoopbackServer } from './http.js';

/** The SDK sends the short form; AWS's documentation shows the long one. */
const TARGETS = new Set(['com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents', 'CloudTrail_20131101.LookupEvents']);
const ATTRIBUTE_FIELDS: Record<string, (r: Record<string, any>) => unknown> = {
  EventName: (r) => r.eventName,
  AccessKeyId: (r) => r.userIdentity?.accessKeyId,
  EventSource: (r) => r.eventSource,
  EventId: (r) => r.eventID,
  Username: (r) => r.userIdentity?.userName,
};

export interface LocalCloudTrailOptions {
  /** The records the account's event history holds. */
  readonly records: readonly Record<string, unknown>[];
  /** Events per page (LookupEvents' MaxResults caps it too). */
  readonly pageSize?: number;
  /** Requests served in any one second before ThrottlingException (the documented 2). */
  readonly perSecond?: number;
  /** Answer the first N requests with ThrottlingException regardless (to see the client retry). */
  readonly throttleFirst?: number;
}

export interface CloudTrailRequest {
  readonly at: number;
  readonly attribute: string;
  readonly throttled: boolean;
  readonly signed: boolean;
}

export interface LocalCloudTrail {
  readonly url: string;
  readonly requests: CloudTrailRequest[];
  close(): Promise<void>;
}

export async function startLocalCloudTrail(options: LocalCloudTrailOptions): Promise<LocalCloudTrail> {
  const requests: CloudTrailRequest[] = [];
  const perSecond = options.perSecond ?? 2;
  const served: number[] = [];
  const server = await startLoopbackServer(async (request, response) => {
    const body = await readBody(request);
    if (request.method !== 'POST' || !TARGETS.has(String(request.headers['x-amz-target']))) {
      sendJson(response, 400, { __type: 'UnknownOperationException', message: `unknown operation ${String(request.headers['x-amz-target'])}` }, { 'Content-Type': 'application/x-amz-json-1.1' });
      return;
    }
    const input = JSON.parse(body.toString('utf8') || '{}') as { LookupAttributes?: { AttributeKey: string; AttributeValue: string }[]; StartTime?: number; EndTime?: number; MaxResults?: number; NextToken?: string };
    const attribute = input.LookupAttributes?.[0];
    const now = Date.now();
    while (served.length > 0 && now - served[0]! >= 1000) served.shift();
    const throttled = requests.length < (options.throttleFirst ?? 0) || served.length >= perSecond;
    requests.push({ at: now, attribute: attribute ? `${attribute.AttributeKey}=${attribute.AttributeValue}` : '', throttled, signed: /^AWS4-HMAC-SHA256 Credential=/.test(String(request.headers.authorization)) });
    if (throttled) {
      sendJson(response, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, { 'Content-Type': 'application/x-amz-json-1.1' });
      return;
    }
    served.push(now);
    const pick = attribute ? ATTRIBUTE_FIELDS[attribute.AttributeKey] : undefined;
    const inPeriod = (r: Record<string, any>): boolean => {
      const t = Date.parse(String(r.eventTime)) / 1000;
      return (input.StartTime === undefined || t >= input.StartTime) && (input.EndTime === undefined || t <= input.EndTime);
    };
    // Newest first, as CloudTrail returns them.
    const matching = options.records
      .filter((r) => (!pick || pick(r as Record<string, any>) === attribute!.AttributeValue) && inPeriod(r as Record<string, any>))
      .sort((a, b) => (String(a.eventTime) < String(b.eventTime) ? 1 : -1));
    const start = input.NextToken !== undefined ? Number(Buffer.from(input.NextToken, 'base64url').toString()) : 0;
    const size = Math.min(options.pageSize ?? 50, input.MaxResults ?? 50);
    const page = matching.slice(start, start + size);
    const next = start + size < matching.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
    sendJson(
      response,
      200,
      {
        Events: page.map((r: Record<string, any>) => ({
          EventId: r.eventID,
          EventName: r.eventName,
          ReadOnly: String(r.readOnly),
          AccessKeyId: r.userIdentity?.accessKeyId,
          EventTime: Date.parse(String(r.eventTime)) / 1000,
          EventSource: r.eventSource,
          Username: r.userIdentity?.userName,
          Resources: [],
          CloudTrailEvent: JSON.stringify(r),
        })),
        ...(next !== undefined ? { NextToken: next } : {}),
      },
      { 'Content-Type': 'application/x-amz-json-1.1' },
    );
  });
  return { url: server.origin, requests, close: () => server.close() };
}
