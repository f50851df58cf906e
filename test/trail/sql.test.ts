/**
 * --emit-sql: the sessions query's logic run in DuckDB over the test logs (loaded into a table
 * shaped like Athena's CloudTrail table: nested request/response as JSON text), its rows compared
 * with the streaming result; and the Athena and Lake texts for what differs per engine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { sessionsSql } from '../../src/trail/sql/emit.js';
import { TrailBuilder } from '../../src/trail/sessions/build.js';
import { allSessions } from '../../src/trail/report.js';
import { CORPUS } from '../helpers/corpus.js';
import { assumeRecord, callRecord, chainRecord, deniedRecord, sampleTrail } from './helpers/records.js';
import { trail } from './helpers/cli.js';

type Rec = Record<string, any>;

function corpusRecords(): Rec[] {
  const dir = join(CORPUS, 'cloudtrail');
  const out: Rec[] = [];
  for (const name of ['ccbrown__cloud-snitch__222222222222_CloudTrail_us-east-1_20250306T0230Z_QF6qcgyiaVnSueXa.json.gz', 'ccbrown__cloud-snitch__333333333333_CloudTrail_us-east-1_20250306T0320Z_ZgdYr0lP8M9fWEH8.json.gz']) {
    out.push(...(JSON.parse(gunzipSync(readFileSync(join(dir, 'raw', name))).toString('utf8')) as { Records: Rec[] }).Records);
  }
  for (const name of ['cloud-snitch__AssumeRoleWithWebIdentity_github_success_2025-04-16.json', 'argo-plugin__AssumeRoleWithWebIdentity_eks_AccessDenied_2023-11-08.json', 'aidansteele__AssumeRoleWithWebIdentity_cognito_github_claims_as_principalTags_2023-10-25.json', 'cloud-snitch__AssumeRole_AWSAccount_2025-03-19.json']) {
    out.push(JSON.parse(readFileSync(join(dir, 'records', name), 'utf8')) as Rec);
  }
  return out;
}

/** A deterministic larger trail: sessions, calls (some failing, some from other addresses), denials. */
function generated(seed: number): Rec[] {
  let x = seed;
  const next = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const out: Rec[] = [];
  for (let i = 0; i < 40; i++) {
    const key = `ASIAGEN${seed}X${String(i).padStart(8, '0')}`;
    const minute = String(next(60)).padStart(2, '0');
    out.push(assumeRecord({ key, time: `2025-04-16T0${next(9)}:${minute}:00Z`, subject: `repo:octo-org/app${next(3)}:environment:e${next(2)}`, sessionName: `GitHubActions-${1000 + i}-1` }));
    for (let c = next(5); c > 0; c--) out.push(callRecord(key, `2025-04-16T10:0${c}:00Z`, { name: ['GetObject', 'PutObject', 'ListBuckets'][next(3)]!, readOnly: next(2) === 0, ...(next(4) === 0 ? { error: 'AccessDenied' } : {}), ...(next(5) === 0 ? { ip: '198.51.100.7' } : {}) }));
    if (next(6) === 0) out.push(chainRecord(key, `ASIACH${seed}X${i}`, '2025-04-16T11:00:00Z', 'arn:aws:iam::774305579662:role/deployer'));
    if (next(8) === 0) out.push(deniedRecord('2025-04-16T12:00:00Z', 'repo:x/y:ref:refs/heads/main'));
  }
  return out;
}

const sqlText = (v: unknown): string => (v === null || v === undefined ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`);
const jsonText = (v: unknown): string => (v === null || v === undefined ? 'NULL' : sqlText(JSON.stringify(v)));

async function duckRows(records: Rec[], options: { since?: string; until?: string } = {}): Promise<Rec[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run(`CREATE TABLE cloudtrail_logs (eventtime VARCHAR, eventsource VARCHAR, eventname VARCHAR, errorcode VARCHAR, sourceipaddress VARCHAR, useragent VARCHAR, recipientaccountid VARCHAR, awsregion VARCHAR, readonly VARCHAR, useridentity JSON, requestparameters VARCHAR, responseelements VARCHAR)`);
    const values = records.map(
      (r) => `(${[r.eventTime, r.eventSource, r.eventName, r.errorCode, r.sourceIPAddress, r.userAgent, r.recipientAccountId, r.awsRegion, r.readOnly === undefined ? null : String(r.readOnly)].map(sqlText).join(', ')}, ${jsonText(r.userIdentity)}, ${jsonText(r.requestParameters)}, ${jsonText(r.responseElements)})`,
    );
    await db.run(`INSERT INTO cloudtrail_logs VALUES ${values.join(',\n')}`);
    const reader = await db.runAndReadAll(sessionsSql('duckdb', options));
    return reader.getRowObjectsJS() as Rec[];
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

function streamingRows(records: Rec[], options: { since?: string; until?: string } = {}): Rec[] {
  const builder = new TrailBuilder(options);
  for (const r of records) builder.add(r);
  return builder.finish().sessions.map((s) => ({
    time: s.time,
    role: s.role,
    subject: s.subject,
    session_name: s.sessionName,
    access_key_id: s.accessKeyId,
    source_ip: s.sourceIp,
    calls: [...s.activity.calls.values()].reduce((n, c) => n + c, 0),
    writes: s.activity.writes,
    errors: s.activity.errors,
  }));
}

const comparable = (rows: Rec[]): Rec[] =>
  rows
    .map((r) => ({ time: r.time, role: r.role, subject: r.subject, session_name: r.session_name, access_key_id: r.access_key_id, source_ip: r.source_ip, calls: Number(r.calls), writes: Number(r.writes), errors: Number(r.errors) }))
    .sort((a, b) => (a.time === b.time ? (a.access_key_id < b.access_key_id ? -1 : 1) : a.time < b.time ? -1 : 1));

describe('--emit-sql logic in DuckDB equals the streaming result', () => {
  const cases: [string, Rec[], { since?: string; until?: string }][] = [
    ['corpus records and S3 log files with the sample trail', [...corpusRecords(), ...sampleTrail()], {}],
    ['generated trail, seed 1', generated(1), {}],
    ['generated trail, seed 2, with a period', generated(2), { since: '2025-04-16T02:00:00Z', until: '2025-04-16T10:03:00Z' }],
  ];
  it.each(cases)('%s', async (_name, records, period) => {
    const expected = comparable(streamingRows(records, period));
    expect(expected.length).toBeGreaterThan(1);
    expect(comparable(await duckRows(records, period))).toEqual(expected);
  });
});

describe('--emit-sql text', () => {
  it('athena: JSON text columns, struct identity, string times, regexp_like', async () => {
    const r = await trail(['--emit-sql', 'athena', '--table', 'org_trail', '--since', '2025-04-01'], '/');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('SELECT * FROM org_trail\n  WHERE eventtime >= \'2025-04-01T00:00:00Z\'');
    expect(r.stdout).toContain("json_extract_scalar(responseelements, '$.credentials.accessKeyId') AS access_key_id");
    expect(r.stdout).toContain('useridentity.accesskeyid AS access_key_id');
    expect(r.stdout).toContain("regexp_like(json_extract_scalar(responseelements, '$.provider'),");
  });

  it('lake: maps with element_at, timestamps, boolean readOnly', async () => {
    const r = await trail(['--emit-sql', 'lake', '--until', '2025-05-01'], '/');
    expect(r.stdout).toContain("SELECT * FROM EVENT_DATA_STORE_ID\n  WHERE eventTime < timestamp '2025-05-01 00:00:00'");
    expect(r.stdout).toContain("json_extract_scalar(element_at(responseElements, 'credentials'), '$.accessKeyId') AS access_key_id");
    expect(r.stdout).toContain('sum(CASE WHEN readOnly = false THEN 1 ELSE 0 END) AS writes');
  });
});
