/** `keyless trail` end to end in process: findings, joins, formats, exit codes, bad input, quoting. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assumeRecord, PROVIDER_ARN, ROLE, sampleTrail, tempDir, writeLog } from './helpers/records.js';
import { run } from '../../src/cli/main.js';
import { captureIo, trail } from './helpers/cli.js';

const { dir, remove } = tempDir();
afterAll(remove);

interface Doc {
  sessions: { access_key_id: string; kind: string; subject: string; calls: Record<string, number>; audit_record?: unknown }[];
  findings: { rule: string; severity: string; role: string; subject: string | null; message: string }[];
  counts: { records: number; skipped: number };
}

const policy = (subs: string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': subs } } }],
  });

beforeAll(() => {
  writeLog(join(dir, 'logs'), 'trail.json.gz', sampleTrail());
  // get-role output for the role of the sessions: the current policy admits octo-org/app only.
  writeFileSync(join(dir, 'role.json'), JSON.stringify({ Role: { RoleName: ROLE.split('/').pop(), Arn: ROLE, AssumeRolePolicyDocument: encodeURIComponent(policy(['repo:octo-org/app:environment:prod', 'repo:octo-org/app:ref:refs/heads/release'])) } }));
  writeFileSync(
    join(dir, 'audit.jsonl'),
    `${JSON.stringify({ version: 1, time: '2025-04-16T02:00:00.123Z', source: 'action', operation: 'AssumeRoleWithWebIdentity', role_arn: ROLE, session_name: 'GitHubActions-1234567890-1', sub: 'repo:octo-org/app:environment:prod', expiration: '2025-04-16T03:46:56.000Z', token_jti: 'jti-1', run_id: '1234567890' })}\nnot json\n`,
  );
});

describe('keyless trail', () => {
  it('table: a row per role, repository and environment, findings, counts; exit 0 with warnings only', async () => {
    const r = await trail(['logs'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/"arn:aws:iam::774305579662:role\/deployer"\s+"octo-org\/app"\s+"prod"\s+0\s+1\s+1\s+1/);
    expect(r.stdout).toContain('denied-attempts');
    expect(r.stdout).toContain('session-ip-changed');
    expect(r.stdout).toContain('Read 9 records from 1 source (0 skipped, 0 outside the period)');
    // Counts in words, singular where they are one.
    expect(r.stdout).toMatch(/; \d+ GitHub web-identity sessions?, \d+ failed attempts?, \d+ web-identity sessions? of other providers\.$/m);
    expect(r.stdout).not.toMatch(/\b1 (records|sources|failed attempts|GitHub web-identity sessions)\b/);
  });

  it('--json: sessions (chained included) and findings with rule, severity, role, subject, message', async () => {
    const r = await trail(['logs', '--json'], dir);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.sessions.map((s) => [s.access_key_id, s.kind])).toEqual([
      ['ASIAKEYLESS000000001', 'web-identity'],
      ['ASIACHAINED000000001', 'chained'],
      ['ASIAOTHER00000000002', 'web-identity'],
    ]);
    expect(doc.findings.map((f) => [f.rule, f.severity, f.subject])).toEqual([
      ['denied-attempts', 'warning', 'repo:evil-org/fork:ref:refs/heads/main'],
      ['session-ip-changed', 'warning', 'repo:evil-org/fork:pull_request'],
    ]);
  });

  it('--expect: subjects outside every pattern are unexpected-subject errors, exit 3', async () => {
    const r = await trail(['logs', '--json', '--expect', 'repo:octo-org/*'], dir);
    expect(r.code).toBe(3);
    const f = (JSON.parse(r.stdout) as Doc).findings.filter((x) => x.rule === 'unexpected-subject');
    expect(f).toMatchObject([{ severity: 'error', role: ROLE, subject: 'repo:evil-org/fork:pull_request' }]);
    expect((await trail(['logs', '--expect', 'repo:*-org/*'], dir)).code).toBe(0);
  });

  it('--roles: subjects the current policy no longer admits, and trust no session used', async () => {
    const r = await trail(['logs', '--json', '--roles', 'role.json'], dir);
    expect(r.code).toBe(3);
    const findings = (JSON.parse(r.stdout) as Doc).findings;
    expect(findings.filter((x) => x.rule === 'unexpected-subject')).toMatchObject([{ subject: 'repo:evil-org/fork:pull_request' }]);
    expect(findings.filter((x) => x.rule === 'unused-trust')).toMatchObject([{ severity: 'note', subject: 'repo:octo-org/app:ref:refs/heads/release' }]);
  });

  it('--audit-records: sessions without a Keyless record are unmatched-session; bad lines are warnings', async () => {
    const r = await trail(['logs', '--json', '--audit-records', 'audit.jsonl'], dir);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.findings.filter((x) => x.rule === 'unmatched-session')).toMatchObject([{ subject: 'repo:evil-org/fork:pull_request' }]);
    expect(doc.sessions[0]!.audit_record).toEqual({ token_jti: 'jti-1' });
    expect(r.stderr).toContain('--audit-records "audit.jsonl": line 2 skipped');
  });

  it('--format csv: one row per session, formulas defused, no raw line breaks', async () => {
    writeLog(join(dir, 'odd'), 'odd.json', [assumeRecord({ key: 'ASIAODD0000000000001', time: '2025-04-16T05:00:00Z', subject: '=HYPERLINK("x")\n\u001b[31mred', sessionName: 'GitHubActions-9-1' })], false);
    const r = await trail(['logs', 'odd', '--format', 'csv'], dir);
    const lines = r.stdout.trimEnd().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^time,kind,account,role,subject,/);
    expect(lines[4]).toContain(`"'=HYPERLINK(""x"")\\u000a\\u001b[31mred"`);
    writeLog(join(dir, 'ansi'), 'ansi.json', [assumeRecord({ key: 'ASIAODD0000000000002', time: '2025-04-16T05:00:00Z', subject: 'repo:o/\u001b[31mx\n::error::y:ref:z' })], false);
    const table = await trail(['ansi'], dir);
    expect(table.stdout).not.toMatch(/\u001b|^::/m);
    expect(table.stdout).toContain('"o/\\u001b[31mx\\n"');
  });

  it('--format markdown: period, sources, population, sessions per role with run links, exceptions', async () => {
    const r = await trail(['logs', '--format', 'markdown', '--since', '2025-04-16', '--until', '2025-04-17T00:00:00Z'], dir);
    expect(r.stdout).toContain('- **Period:** 2025-04-16T00:00:00Z to 2025-04-17T00:00:00Z');
    expect(r.stdout).toContain('- **Population:** 2 web-identity sessions from GitHub providers, 1 chained sessions, 2 failed attempts');
    expect(r.stdout).toContain('[1234567890/1](https://github.com/octo-org/app/actions/runs/1234567890)');
    expect(r.stdout).toContain('## Exceptions');
  });

  it.each([
    [['logs', '--since', 'yesterday'], '--since "yesterday" is not a date or time'],
    [['logs', '--since', '2025-04-17', '--until', '2025-04-16'], 'is not before --until'],
    [['nope'], 'SOURCE "nope": no such file or directory'],
    [[], 'give the CloudTrail sources'],
    [['logs', '--format', 'xml'], '--format "xml" is not one of table, json, csv, markdown'],
    [['logs', '--github'], '--github needs a token in GITHUB_TOKEN or GH_TOKEN'],
    [['logs', '--audit-records', 'missing.jsonl'], '--audit-records "missing.jsonl": cannot read the file (no such file or directory)'],
    [['logs', '--emit-sql', 'postgres'], '--emit-sql "postgres" is not one of athena, lake'],
  ])('bad input %j: exit 2, one message', async (args, message) => {
    const r = await trail(args, dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('keyless trail --help, through the CLI dispatch', async () => {
    const { io, out } = captureIo(dir);
    expect(await run(['trail', '--help'], io)).toBe(0);
    expect(out.stdout).toContain('Usage: keyless trail SOURCE...');
  });
});
