// Benchmark of `keyless trail` (not a test): generates gzipped CloudTrail logs in the AWSLogs layout
// from the corpus's record shapes, in a temp folder deleted at the end, then measures records per
// second and peak memory of `keyless trail DIR --json` side by side with
// `zcat … | jq -c '.Records[] | select(.eventName == "AssumeRoleWithWebIdentity")'` on the same files,
// at two sizes (memory should stay flat as the input grows).
//   npm run bench:trail -- [--size-mb 1024] [--small-mb 100]
// Needs lib/ (tsc), GNU time (/usr/bin/time) and jq.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SIZE_MB = arg('--size-mb', 1024);
const SMALL_MB = arg('--small-mb', Math.max(1, Math.round(SIZE_MB / 4)));
const DISTINCT_FILES = 60;
const RECORDS_PER_FILE = 2000;

const corpus = (...p) => join(root, 'test', 'corpus', 'cloudtrail', ...p);
const success = JSON.parse(readFileSync(corpus('records', 'cloud-snitch__AssumeRoleWithWebIdentity_github_success_2025-04-16.json'), 'utf8'));
const noise = JSON.parse(gunzipSync(readFileSync(corpus('raw', 'ccbrown__cloud-snitch__222222222222_CloudTrail_us-east-1_20250306T0230Z_QF6qcgyiaVnSueXa.json.gz'))).toString('utf8')).Records;
const call = noise.find((r) => r.userIdentity?.type === 'AssumedRole');

/** One log file's records: 5% sessions, 55% their calls, 40% other accounts' activity. */
function fileRecords(f) {
  const records = [];
  const keys = [];
  for (let i = 0; i < RECORDS_PER_FILE; i++) {
    const roll = i % 20;
    const time = new Date(Date.UTC(2025, 3, 16, 0, 0, 0) + f * 300_000 + i * 100).toISOString().replace(/\.\d+Z$/, 'Z');
    if (roll === 0) {
      const r = structuredClone(success);
      const key = `ASIABENCH${String(f).padStart(4, '0')}${String(i).padStart(7, '0')}`;
      keys.push(key);
      r.eventTime = time;
      r.eventID = `bench-${f}-${i}`;
      r.requestParameters.roleSessionName = `GitHubActions-${9_000_000 + f * 1000 + i}-1`;
      r.responseElements.subjectFromWebIdentityToken = r.userIdentity.userName = `repo:octo-org/app${i % 7}:environment:prod`;
      r.responseElements.credentials.accessKeyId = key;
      records.push(r);
    } else if (roll < 12 && keys.length > 0) {
      const r = structuredClone(call);
      r.eventTime = time;
      r.eventID = `bench-${f}-${i}`;
      r.userIdentity.accessKeyId = keys[i % keys.length];
      r.userIdentity.sessionContext.webIdFederationData = { federatedProvider: success.responseElements.provider, attributes: {} };
      records.push(r);
    } else {
      const r = structuredClone(noise[i % noise.length]);
      r.eventTime = time;
      r.eventID = `bench-${f}-${i}`;
      if (r.userIdentity?.accessKeyId) r.userIdentity.accessKeyId = `ASIANOISE${(f * RECORDS_PER_FILE + i) % 5000}`;
      records.push(r);
    }
  }
  return records;
}

function generate(dir, targetMb, bases) {
  const target = targetMb * 1024 * 1024;
  let bytes = 0;
  let n = 0;
  const leaf = join(dir, 'AWSLogs', 'o-bench', '774305579662', 'CloudTrail', 'us-east-1', '2025', '04', '16');
  mkdirSync(leaf, { recursive: true });
  while (bytes < target) {
    const base = bases[n % bases.length];
    const file = join(leaf, `774305579662_CloudTrail_us-east-1_20250416T${String(n).padStart(6, '0')}Z_bench.json.gz`);
    copyFileSync(base, file);
    bytes += statSync(file).size;
    n++;
  }
  return { files: n, bytes };
}

function measure(command, args, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  if (r.status !== 0 && r.status !== 3) throw new Error(`${command} failed: ${r.stderr}`);
  const [seconds, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { seconds, peakMb: kb / 1024, stdout: r.stdout };
}

const work = mkdtempSync(join(tmpdir(), 'keyless-bench-trail-'));
try {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  const baseDir = join(work, 'bases');
  mkdirSync(baseDir);
  const bases = [];
  let recordsPerBase = RECORDS_PER_FILE;
  for (let f = 0; f < DISTINCT_FILES; f++) {
    const path = join(baseDir, `${f}.json.gz`);
    writeFileSync(path, gzipSync(JSON.stringify({ Records: fileRecords(f) })));
    bases.push(path);
  }
  const rows = [];
  for (const mb of [SMALL_MB, SIZE_MB]) {
    const dir = join(work, `logs-${mb}`);
    const { files, bytes } = generate(dir, mb, bases);
    const records = files * recordsPerBase;
    const jsonBytes = Number(execFileSync('bash', ['-c', `find "$0" -name '*.json.gz' -print0 | xargs -0 zcat | wc -c`, dir], { encoding: 'utf8' }).trim());
    const keyless = measure(process.execPath, [join(root, 'lib', 'cli', 'index.js'), 'trail', dir, '--json']);
    const sessions = JSON.parse(keyless.stdout).sessions.length;
    const jq = measure('bash', ['-c', `find "$0" -name '*.json.gz' -print0 | sort -z | xargs -0 zcat | jq -c '.Records[] | select(.eventName == "AssumeRoleWithWebIdentity")' | wc -l`, dir]);
    rows.push({ mb: Math.round(bytes / 1048576), jsonMb: Math.round(jsonBytes / 1048576), files, records, sessions, jqLines: Number(jq.stdout.trim()), keyless, jq });
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('gzipped MB | JSON MB | files | records | keyless s | keyless rec/s | keyless peak RSS MB | zcat|jq s | zcat|jq rec/s | jq peak RSS MB');
  for (const r of rows) {
    console.log(
      [r.mb, r.jsonMb, r.files, r.records, r.keyless.seconds.toFixed(1), Math.round(r.records / r.keyless.seconds), r.keyless.peakMb.toFixed(0), r.jq.seconds.toFixed(1), Math.round(r.records / r.jq.seconds), r.jq.peakMb.toFixed(0)].join(' | '),
      `(sessions: keyless ${r.sessions}, jq lines ${r.jqLines})`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
