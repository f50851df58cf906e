/**
 * Reads CloudTrail sources one record at a time: files (gzip recognised by its magic bytes, not its
 * name), directories searched recursively (the `AWSLogs/<org>/<account>/CloudTrail/<region>/…`
 * layout included) and `-` for standard input. A corrupt gzip, a truncated file or a record of
 * another shape is a warning naming the file and record index; the rest is still read.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { JsonContainerScanner, type ContainerKind } from './json-scanner.js';
import { recordsOf, type CloudTrailRecord } from './shapes.js';

export interface ReadCounts {
  records: number;
  skipped: number;
  files: number;
}

export interface RecordSink {
  record(record: CloudTrailRecord): void;
  warning(text: string): void;
}

const LOG_FILE = /\.json(\.gz)?$|\.jsonl$|\.gz$/i;
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);

/** The files a path names (resolved against `cwd`): itself, or every log file under a directory, in name order; `shown` as given. */
export function listFiles(path: string, cwd: string): { full: string; shown: string }[] {
  const root = resolve(cwd, path);
  if (!statSync(root).isDirectory()) return [{ full: root, shown: path }];
  const out: { full: string; shown: string }[] = [];
  const walk = (dir: string, shownDir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = join(dir, entry.name);
      const shown = join(shownDir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(full, shown);
      } else if (LOG_FILE.test(entry.name)) out.push({ full, shown });
    }
  };
  walk(root, path);
  return out;
}

/** Reads one stream (a file or standard input) into the sink; `shown` names it in warnings. */
export async function readStream(input: Readable, shown: string, sink: RecordSink, counts: ReadCounts): Promise<void> {
  counts.files++;
  let index = 0;
  const scanner = new JsonContainerScanner({
    element: (kind: ContainerKind, bytes: Buffer) => {
      const records = recordsOf(kind, bytes);
      if (typeof records === 'string') {
        counts.skipped++;
        sink.warning(`${shown}: record ${index} skipped: ${records}`);
      } else {
        for (const record of records) {
          counts.records++;
          sink.record(record);
        }
      }
      index++;
    },
    oversized: (bytes) => {
      counts.skipped++;
      sink.warning(`${shown}: a top-level value of ${bytes} bytes skipped: expected {"Records":[…]}, {"Events":[…]}, {"QueryResultRows":[…]} or one record per line`);
    },
  });
  let gzip: boolean | undefined;
  let stream: AsyncIterable<Buffer> = input;
  try {
    const iterator = input[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done) {
      sink.warning(`${shown}: empty, no records`);
      return;
    }
    const head = first.value as Buffer;
    gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    stream = gzip ? rejoin(head, iterator).pipe(createGunzip()) : rejoin(head, iterator);
    for await (const chunk of stream) scanner.push(chunk as Buffer);
  } catch (error) {
    const e = error as Error & { code?: string };
    const what = gzip ? `not a valid gzip file (${e.code ?? e.message})` : `cannot be read (${e.code ?? e.message})`;
    sink.warning(`${shown}: ${what} after record ${index}; the records before it were read`);
    counts.skipped++;
    return;
  }
  if (scanner.incomplete) {
    counts.skipped++;
    sink.warning(`${shown}: truncated after record ${index}; the records before it were read`);
  }
}

async function* prepend(head: Buffer, rest: AsyncIterator<unknown>): AsyncGenerator<Buffer> {
  yield head;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value as Buffer;
}

/** The stream again, with its first chunk (read to recognise gzip) in front. */
function rejoin(head: Buffer, rest: AsyncIterator<unknown>): Readable {
  return Readable.from(prepend(head, rest), { objectMode: false });
}

/** Reads a file by path. */
export function readFile(path: string, shown: string, sink: RecordSink, counts: ReadCounts): Promise<void> {
  return readStream(createReadStream(path, { highWaterMark: 256 * 1024 }), shown, sink, counts);
}
