/** Reads every source into a TrailBuilder, one record at a time; warnings go to `warn` as they come. */
import { TrailBuilder } from '../sessions/build.js';
import type { TrailPeriod, TrailResult } from '../types.js';
import { listFiles, readFile, readStream, type ReadCounts, type RecordSink } from './sources.js';
import type { CloudTrailRecord } from './shapes.js';
import type { Readable } from 'node:stream';

export interface TrailSources {
  /** Files and directories, as given (`-` is standard input), relative to `cwd`. */
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly stdin?: () => Readable;
  /** Records from elsewhere (--live), after the files. */
  readonly extra?: () => AsyncIterable<CloudTrailRecord>;
}

export interface ReadTrailResult {
  readonly result: TrailResult;
  /** Files read, as shown. */
  readonly files: string[];
  readonly unattributedKeys: number;
}

export async function readTrail(sources: TrailSources, period: TrailPeriod, warn: (text: string) => void): Promise<ReadTrailResult> {
  const builder = new TrailBuilder(period);
  const counts: ReadCounts = builder.counts;
  const sink: RecordSink = { record: (r) => builder.add(r), warning: warn };
  const files: string[] = [];
  for (const path of sources.paths) {
    if (path === '-') {
      files.push('(standard input)');
      await readStream(sources.stdin!(), 'standard input', sink, counts);
      continue;
    }
    for (const file of listFiles(path, sources.cwd)) {
      files.push(file.shown);
      await readFile(file.full, JSON.stringify(file.shown), sink, counts);
    }
  }
  if (sources.extra) {
    for await (const record of sources.extra()) {
      counts.records++;
      builder.add(record);
    }
  }
  return { result: builder.finish(), files, unattributedKeys: builder.unattributedKeys };
}
