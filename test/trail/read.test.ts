/** The readers: the streaming scanner at every chunk boundary, every corpus file, and bad input as warnings. */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonContainerScanner, type ContainerKind } from '../../src/trail/read/json-scanner.js';
import { listFiles, readFile, readStream, type ReadCounts } from '../../src/trail/read/sources.js';
import type { CloudTrailRecord } from '../../src/trail/read/shapes.js';
import { CORPUS } from '../helpers/corpus.js';
import { sampleTrail, SUCCESS, tempDir, writeLog } from './helpers/records.js';

function scanInPieces(text: string, size: number): { kind: ContainerKind; text: string }[] {
  const out: { kind: ContainerKind; text: string }[] = [];
  const scanner = new JsonContainerScanner({ element: (kind, bytes) => out.push({ kind, text: bytes.toString('utf8') }), oversized: () => out.push({ kind: 'value', text: 'OVERSIZED' }) });
  const buf = Buffer.from(text, 'utf8');
  for (let i = 0; i < buf.length; i += size) scanner.push(buf.subarray(i, i + size));
  expect(scanner.incomplete).toBe(false);
  return out;
}

async function readAll(input: Readable | string, shown = 'x'): Promise<{ records: CloudTrailRecord[]; warnings: string[]; counts: ReadCounts }> {
  const records: CloudTrailRecord[] = [];
  const warnings: string[] = [];
  const counts: ReadCounts = { records: 0, skipped: 0, files: 0 };
  const sink = { record: (r: CloudTrailRecord) => records.push(r), warning: (w: string) => warnings.push(w) };
  if (typeof input === 'string') await readFile(input, shown, sink, counts);
  else await readStream(input, shown, sink, counts);
  return { records, warnings, counts };
}

const tricky = { eventName: 'Put"Object]', eventTime: '2025-01-01T00:00:00Z', eventSource: 's3', requestParameters: { key: 'a\\"}{[\\\\', 'ü': '💥' } };
const cases: { name: string; text: string; kinds: ContainerKind[]; names: string[] }[] = [
  { name: 'S3 log file', text: JSON.stringify({ Records: [tricky, SUCCESS] }), kinds: ['Records', 'Records'], names: ['Put"Object]', 'AssumeRoleWithWebIdentity'] },
  { name: 'Records after another key', text: `{"x":{"Records":[1]},"Records" : [ ${JSON.stringify(tricky)} ] , "y": "Records"}`, kinds: ['Records'], names: ['Put"Object]'] },
  { name: 'lookup-events', text: JSON.stringify({ Events: [{ EventId: 'a', CloudTrailEvent: JSON.stringify(tricky) }], NextToken: 'n' }), kinds: ['Events'], names: [] },
  { name: 'Lake rows', text: JSON.stringify({ QueryStatus: 'FINISHED', QueryResultRows: [[{ eventName: 'A' }, { eventTime: 'T' }]] }), kinds: ['QueryResultRows'], names: [] },
  { name: 'JSON Lines', text: `${JSON.stringify(tricky)}\n${JSON.stringify(SUCCESS)}\n`, kinds: ['value', 'value'], names: ['Put"Object]', 'AssumeRoleWithWebIdentity'] },
];

describe('JsonContainerScanner', () => {
  for (const c of cases) {
    it(`${c.name}: the same elements whatever the chunk size`, () => {
      const whole = scanInPieces(c.text, 1 << 20);
      expect(whole.map((e) => e.kind)).toEqual(c.kinds);
      if (c.names.length > 0) expect(whole.map((e) => (JSON.parse(e.text) as { eventName: string }).eventName)).toEqual(c.names);
      for (const size of [1, 2, 3, 7, 64]) expect(scanInPieces(c.text, size)).toEqual(whole);
    });
  }
});

describe('sources', () => {
  const { dir, remove } = tempDir();
  afterAll(remove);

  it('parses every CloudTrail file of the corpus (records and S3 log files)', async () => {
    const files = listFiles(join(CORPUS, 'cloudtrail'), '/');
    const expected: Record<string, number> = {};
    for (const f of files) {
      const { records, warnings } = await readAll(f.full, f.shown);
      expected[f.shown.split('/').pop()!] = records.length;
      // The two fragments are not records (userIdentity only, additionalEventData only): a warning, no crash.
      if (/fragment|awsdocs-iam/.test(f.shown)) expect(warnings).toHaveLength(1);
      else expect(warnings, f.shown).toEqual([]);
    }
    expect(expected['ccbrown__cloud-snitch__222222222222_CloudTrail_us-east-1_20250306T0230Z_QF6qcgyiaVnSueXa.json.gz']).toBe(20);
    expect(expected['ccbrown__cloud-snitch__333333333333_CloudTrail_us-east-1_20250306T0320Z_ZgdYr0lP8M9fWEH8.json.gz']).toBe(1);
    expect(Object.values(expected).reduce((a, b) => a + b, 0)).toBe(28);
  });

  it('walks the AWSLogs layout, gzip recognised by its bytes, plain JSON too', async () => {
    writeLog(dir, 'a.json.gz', sampleTrail().slice(0, 3));
    writeLog(dir, 'b.json', sampleTrail().slice(3), false);
    writeFileSync(join(dir, 'notes.txt'), 'not a log');
    const files = listFiles(dir, '/');
    expect(files.map((f) => f.full.slice(dir.length))).toEqual(['/AWSLogs/774305579662/CloudTrail/us-east-1/2025/04/16/a.json.gz', '/AWSLogs/774305579662/CloudTrail/us-east-1/2025/04/16/b.json']);
    let total = 0;
    for (const f of files) total += (await readAll(f.full)).records.length;
    expect(total).toBe(sampleTrail().length);
  });

  it('corrupt gzip: a warning naming the file, the records before it kept', async () => {
    const good = gzipSync(JSON.stringify({ Records: sampleTrail() }));
    const bad = Buffer.from(good);
    bad.fill(0x41, Math.floor(bad.length / 2));
    const path = join(dir, 'corrupt.json.gz');
    writeFileSync(path, bad);
    const { warnings, counts } = await readAll(path, '"corrupt.json.gz"');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^"corrupt\.json\.gz": not a valid gzip file \(Z_[A-Z_]+\) after record \d+/);
    expect(counts.skipped).toBe(1);
  });

  it('truncated file and a record of another shape: warnings with the record index, the rest read', async () => {
    const text = JSON.stringify({ Records: [SUCCESS, { ...SUCCESS, eventTime: '\u001b[2J' }, SUCCESS] });
    const { records, warnings } = await readAll(Readable.from([Buffer.from(text.slice(0, text.length - 200))]), 'standard input');
    expect(records).toHaveLength(1);
    expect(warnings).toEqual([
      'standard input: record 1 skipped: not a CloudTrail record (no eventName and eventTime or eventSource)',
      'standard input: truncated after record 2; the records before it were read',
    ]);
    const truncatedGzip = gzipSync(text).subarray(0, 300);
    const g = await readAll(Readable.from([truncatedGzip]), 'standard input');
    expect(g.warnings[0]).toMatch(/not a valid gzip file \(Z_BUF_ERROR\)|unexpected end/);
  });

  it('lookup-events output and CloudTrail Lake rows give the same record as the S3 file', async () => {
    const lookup = JSON.stringify({ Events: [{ EventId: SUCCESS.eventID, EventName: SUCCESS.eventName, CloudTrailEvent: JSON.stringify(SUCCESS) }] });
    const lake = JSON.stringify({
      QueryStatus: 'FINISHED',
      QueryResultRows: [Object.entries(SUCCESS).map(([k, v]) => ({ [k]: typeof v === 'object' && v !== null ? JSON.stringify(v) : v }))],
    });
    const raw = JSON.stringify({ QueryResultRows: [[{ eventJson: JSON.stringify(SUCCESS) }]] });
    for (const text of [lookup, lake, raw]) {
      const { records, warnings } = await readAll(Readable.from([Buffer.from(text)]));
      expect(warnings).toEqual([]);
      expect(records).toEqual([SUCCESS]);
    }
    const bad = await readAll(Readable.from([Buffer.from(JSON.stringify({ Events: [{ EventId: 'x' }, { CloudTrailEvent: '{nope' }] }))]), 'events.json');
    expect(bad.warnings).toEqual([
      'events.json: record 0 skipped: a lookup-events event without a CloudTrailEvent string',
      expect.stringMatching(/^events\.json: record 1 skipped: its CloudTrailEvent is not valid JSON/),
    ]);
  });

  it('an empty directory reads nothing', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(statSync(empty).isDirectory()).toBe(true);
    expect(listFiles(empty, '/')).toEqual([]);
    expect(readdirSync(empty)).toEqual([]);
  });
});
