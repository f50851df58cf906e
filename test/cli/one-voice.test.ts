/**
 * One voice across lint, audit, test and prove, the built CLI run as a process: the same grouping
 * (errors first), the same words for an empty file, plurals, one field name per concept in JSON,
 * and the roles a file offers named as they are.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, keyless } from './helpers/process.js';

const GH = 'token.actions.githubusercontent.com';
const CORPUS_POLICY = 'test/corpus/trust-policies/policies/MATATAT_resume-2.0_release.json';
const TEMPLATE = 'test/fixtures/audit/cloudformation/github-roles.yaml';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'keyless-voice-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function file(name: string, content: string | object): string {
  const path = join(work, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** Fifty statements alike: 50 × (name-only-sub, pull-request-with-protected, aud-missing) and one policy-too-large. */
const fifty = {
  Version: '2012-10-17',
  Statement: Array.from({ length: 50 }, (_, i) => ({
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${GH}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringLike: { [`${GH}:sub`]: `repo:octo-org/service-${i}:*` } },
  })),
};

describe('audit groups findings as lint does, errors first', () => {
  it('fifty statements alike: one line per kind with ×50, the error first, the ×N explanation once', async () => {
    const r = await keyless(['trust-policy', 'audit', file('fifty.json', fifty)]);
    expect(r.code).toBe(3);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/fifty\.json {2}\(line 1, policy\) {2}1 error, 150 warnings$/);
    expect(lines[1]).toMatch(/^ {2}error {3}policy-too-large {2}/);
    expect(lines.filter((l) => /^ {2}warning /.test(l))).toHaveLength(3);
    expect(lines.filter((l) => l.includes('×50'))).toHaveLength(3);
    expect(r.stdout).toContain('×N: N findings of one rule');
    // lint groups the same findings into the same groups.
    const lint = await keyless(['trust-policy', 'lint', '--verbose', '--policy', join(work, 'fifty.json')]);
    const kinds = (text: string) => text.split('\n').filter((l) => /^ {2}(error|warning) /.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 2).join(' ') + (l.includes('×50') ? ' ×50' : ''));
    expect(kinds(r.stdout)).toEqual(kinds(lint.stdout));
  });

  it('a corpus policy: every finding on its line, in the --json with lint\'s field names', async () => {
    const r = await keyless(['trust-policy', 'audit', '--json', CORPUS_POLICY]);
    const doc = json<{ roles: { findings: Record<string, unknown>[] }[] }>(r);
    for (const f of doc.roles[0]!.findings) {
      expect(Object.keys(f)).toEqual(['rule', 'severity', 'message', 'path', 'line']);
      expect(typeof f['line']).toBe('number');
    }
    const lint = json<{ findings: Record<string, unknown>[] }>(await keyless(['trust-policy', 'lint', '--json', '--policy', CORPUS_POLICY]));
    const pick = (f: Record<string, unknown>) => [f['rule'], f['severity'], f['message'], f['path']];
    expect(doc.roles[0]!.findings.map(pick)).toEqual(lint.findings.map(pick));
  });
});

describe('plurals', () => {
  it('one role, one error: "1 role", "1 error", never "1 roles" or "1 errors"', async () => {
    const policy = { ...fifty, Statement: [{ ...fifty.Statement[0]!, Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } } }] };
    const r = await keyless(['trust-policy', 'audit', file('one.json', policy)]);
    expect(r.stdout).toMatch(/^1 role trusting GitHub audited: 1 with errors; 1 error, 0 warnings, 0 notes; 0 other roles skipped/m);
    expect(r.stdout).not.toMatch(/\b1 (roles|errors|warnings|notes)\b/);
  });
});

describe('an empty file: the same message from lint, audit, test and prove', () => {
  it.each(['', '  \n'])('%j', async (content) => {
    const empty = file('empty.json', content);
    const tests = file('empty.test.yaml', `policy: ${empty}\nallow: [{ repository: o/r }]\n`);
    const runs = await Promise.all([
      keyless(['trust-policy', 'lint', '--policy', empty]),
      keyless(['trust-policy', 'audit', empty]),
      keyless(['trust-policy', 'prove', '--policy', empty, '--only', 'repository=o/r']),
      keyless(['trust-policy', 'test', tests]),
    ]);
    const expected = [`--policy ${JSON.stringify(empty)}`, `PATH ${JSON.stringify(empty)}`, `--policy ${JSON.stringify(empty)}`, `${tests}: policy ${JSON.stringify(empty)}`];
    runs.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`keyless: error: ${expected[i]} is empty; expected a trust policy\n`);
    });
  });
});

describe('prove --policy FILE#ROLE names the roles the file offers', () => {
  it('a template: an unknown role lists the real ones', async () => {
    const r = await keyless(['trust-policy', 'prove', '--policy', `${TEMPLATE}#Nope`, '--only', 'repository=octo-org/app']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`keyless: error: --policy ${JSON.stringify(TEMPLATE)} has no role "Nope"; it has "BroadRole", "DeployRole", "ImportedProviderRole", "LambdaRole"\n`);
  });

  it('a template without a role: says how to name one', async () => {
    const r = await keyless(['trust-policy', 'prove', '--policy', TEMPLATE, '--only', 'repository=octo-org/app']);
    expect(r.stderr).toContain(`holds 4 roles; name one as --policy ${TEMPLATE}#ROLE: "BroadRole", "DeployRole"`);
  });

  it('a policy document offers no roles (not its own file name as one)', async () => {
    const r = await keyless(['trust-policy', 'prove', '--policy', `${CORPUS_POLICY}#deploy`, '--only', 'repository=octo-org/app']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--policy ${JSON.stringify(CORPUS_POLICY)} is a trust policy document, which holds no named roles`);
    expect(r.stderr).not.toContain('it has');
  });

  it('the role picked: proved as before', async () => {
    const r = await keyless(['trust-policy', 'prove', '--policy', `${TEMPLATE}#DeployRole`, '--only', 'repository=octo-org/app']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`PROVED: every run ${TEMPLATE} (DeployRole) admits`);
  });
});
