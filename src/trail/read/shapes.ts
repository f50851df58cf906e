/**
 * Turns one scanned element into CloudTrail records: an S3 log file's record as is, a
 * `lookup-events` event's `CloudTrailEvent` string parsed, a CloudTrail Lake result row (a list of
 * one-key objects) merged into one record. Anything else is a record of another shape.
 */
import type { ContainerKind } from './json-scanner.js';

export type CloudTrailRecord = Record<string, unknown>;

/** Record-valued columns that Lake returns as JSON text. */
const NESTED_COLUMNS = new Set(['userIdentity', 'requestParameters', 'responseElements', 'additionalEventData', 'resources', 'tlsDetails']);

/** CloudTrail's eventTime form; anything else is a record of another shape (and never reaches the terminal). */
const EVENT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** A CloudTrail record: an object with eventName and eventSource (eventTime too, except in records authors trimmed). */
export function isRecord(value: unknown): value is CloudTrailRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as CloudTrailRecord;
  return typeof r.eventName === 'string' && (typeof r.eventTime === 'string' || typeof r.eventSource === 'string') && (r.eventTime === undefined || (typeof r.eventTime === 'string' && EVENT_TIME.test(r.eventTime)));
}

/** The records in one element; a string saying why when it is not one. */
export function recordsOf(kind: ContainerKind, bytes: Buffer): CloudTrailRecord[] | string {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return `not valid JSON (${JSON.stringify((error as Error).message)})`;
  }
  if (kind === 'Events') return fromLookupEvent(value);
  if (kind === 'QueryResultRows') return fromLakeRow(value);
  if (kind === 'value' && Array.isArray(value)) {
    const records = value.filter(isRecord);
    return records.length === value.length ? records : 'an array holding values that are not CloudTrail records';
  }
  return isRecord(value) ? [value] : 'not a CloudTrail record (no eventName and eventTime or eventSource)';
}

function fromLookupEvent(value: unknown): CloudTrailRecord[] | string {
  const text = (value as { CloudTrailEvent?: unknown } | null)?.CloudTrailEvent;
  if (typeof text !== 'string') return 'a lookup-events event without a CloudTrailEvent string';
  try {
    const record = JSON.parse(text) as unknown;
    return isRecord(record) ? [record] : 'its CloudTrailEvent is not a CloudTrail record';
  } catch (error) {
    return `its CloudTrailEvent is not valid JSON (${JSON.stringify((error as Error).message)})`;
  }
}

function fromLakeRow(value: unknown): CloudTrailRecord[] | string {
  if (!Array.isArray(value)) return 'a Lake result row that is not a list of columns';
  const record: CloudTrailRecord = {};
  for (const column of value) {
    if (typeof column !== 'object' || column === null) continue;
    for (const [name, raw] of Object.entries(column as Record<string, unknown>)) record[name] = lakeValue(name, raw);
  }
  // `SELECT eventJson …` (an event data store that keeps the raw event): that is the record.
  if (typeof record.eventJson === 'string') return fromLookupEvent({ CloudTrailEvent: record.eventJson });
  return isRecord(record) ? [record] : 'a Lake result row without eventName and eventTime columns';
}

function lakeValue(name: string, raw: unknown): unknown {
  if (typeof raw !== 'string' || !NESTED_COLUMNS.has(name)) return raw;
  const text = raw.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return raw === '' ? null : raw;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return raw;
  }
}
