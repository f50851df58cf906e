/**
 * dist/cli/index.js as a real process, for what a newcomer trips over: help for every
 * subcommand, IAM's size limit, findings alike grouped, evaluate with partial claims, plain
 * output. Build the CLI first (`npm run build` or `node scripts/build.mjs cli`).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcessSync, type ProcessResult } from '../helpers/child.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUNDLE = join(ROOT, 'dist', 'cli', 'index.js');
const CORPUS = resolve(ROOT, 'test', 'corpus');
const POLICIES = join(CORPUS, 'trust-policies', 'policies');
const TOKENS = join(CORPUS, 'oidc-tokens');
const GH = 'token.actions.githubusercontent.com';

let work: string;

type Result = ProcessResult;

const keyless = (...args: string[]): Result => runProcessSync(process.execPath, [BUNDLE, ...args], { cwd: work });

function file(name: string, content: string | object): string {
  const path = join(work, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** A valid policy of `size` characters without whitespace, written indented (the indentation is free). */
function policyOfSize(size: number): object {
  const statement = {
    Sid: '',
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${GH}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: 'repo:octo-org@65/octo-repo@74:environment:production' } },
  };
  const base = JSON.stringify({ Version: '2012-10-17', Statement: [statement] }).length;
  return { Version: '2012-10-17', Statement: [{ ...statement, Sid: 'S'.repeat(size - base) }] };
}

beforeAll(() => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} does not exist: build the CLI first with "node scripts/build.mjs cli"`);
  work = mkdtempSync(join(tmpdir(), 'keyless-cli-edges-'));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('help for every command, whichever way it is asked for', () => {
  it.each([
    [['trust-policy', 'help', 'lint'], ['trust-policy', 'lint', '--help']],
    [['trust-policy', 'help', 'evaluate'], ['trust-policy', 'evaluate', '--help']],
    [['trust-policy', 'help', 'generate'], ['trust-policy', 'generate', '--help']],
    [['help', 'trust-policy', 'lint'], ['trust-policy', 'lint', '--help']],
    [['help', 'trust-policy'], ['trust-policy', '--help']],
    [['trust-policy', 'help'], ['trust-policy', '--help']],
    [['help'], ['--help']],
  ])('%j prints what %j prints', (asked, same) => {
    const a = keyless(...asked);
    const b = keyless(...same);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/Usage/);
    expect(a.stdout).toBe(b.stdout);
  });

  it('lint help is not the general help', () => {
    expect(keyless('trust-policy', 'help', 'lint').stdout).toMatch(/^Usage: keyless trust-policy lint --policy FILE/);
  });

  it.each([
    [['trust-policy', 'help', 'frob'], /unknown command "trust-policy frob"/],
    [['help', 'frob'], /unknown command "frob"/],
  ])('%j: exit 2, naming the unknown command', (args, message) => {
    const r = keyless(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('lint knows IAM\'s size limit', () => {
  it('over 2,048: an error that says a raised quota would take it; exit 3', () => {
    const r = keyless('trust-policy', 'lint', '--policy', file('p2500.json', policyOfSize(2500)));
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('  error   policy-too-large  $\n');
    expect(r.stdout).toMatch(/2,500 characters \(IAM does not count whitespace\), over IAM's default quota of 2,048: .*"LimitExceeded: Cannot exceed quota for ACLSizePerRole: 2048", unless .*raised/);
  });

  it('--max-size states a raised quota: the same policy passes, and --json reports the size', () => {
    const policy = file('p2500b.json', policyOfSize(2500));
    const r = keyless('trust-policy', 'lint', '--policy', policy, '--max-size', '4096');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('policy-');
    const doc = JSON.parse(keyless('trust-policy', 'lint', '--json', '--policy', policy, '--max-size', '4096').stdout);
    expect(doc.size).toEqual({ characters: 2500, quota: 4096, quotaStated: true });
  });

  it('over 4,096: an error no quota increase fixes', () => {
    const r = keyless('trust-policy', 'lint', '--policy', file('p4100.json', policyOfSize(4100)), '--max-size', '4096');
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/over the stated quota of 4,096: .*ACLSizePerRole: 4096.*the most Service Quotas approves automatically/);
  });

  it('near the limit: a warning, exit 0', () => {
    const r = keyless('trust-policy', 'lint', '--policy', file('p1900.json', policyOfSize(1900)));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warning policy-near-size-limit  $\n');
    expect(r.stdout).toContain('1,900 characters (IAM does not count whitespace), 92 % of IAM\'s default quota of 2,048: 148 left');
  });

  it.each(['abc', '1000', '2047', '8193', '2048.5', '-4096', ''])('--max-size %j: exit 2, naming flag, value and range', (value) => {
    const r = keyless('trust-policy', 'lint', '--policy', join(POLICIES, 'github-docs_oidc-in-aws_environment.json'), `--max-size=${value}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`keyless: error: --max-size ${JSON.stringify(value)}: expected the account's "Role trust policy length" quota in characters, a whole number from 2048 (IAM's default) to 8192\n`);
    expect(r.stdout).toBe('');
  });
});

it('--max-size -4096 (a value that looks like a flag): says how to write it', () => {
  const r = keyless('trust-policy', 'lint', '--policy', 'p.json', '--max-size', '-4096');
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('keyless: error: --max-size needs a value; write one that starts with "-" as --max-size=VALUE ("keyless trust-policy lint --help")\n');
});

describe('findings alike are grouped in the text report, complete in --json', () => {
  const statements = (n: number) => ({
    Version: '2012-10-17',
    Statement: Array.from({ length: n }, (_, i) => ({
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${GH}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringLike: { [`${GH}:sub`]: `repo:octo-org/service-${i}:*` } },
    })),
  });

  it('fifty statements: one line per kind, with ×50 and the paths, errors first', () => {
    const r = keyless('trust-policy', 'lint', '--verbose', '--policy', file('fifty.json', statements(50)));
    expect(r.code).toBe(3);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${join(work, 'fifty.json')}: 1 error, 150 warnings`);
    expect(lines[1]).toBe('  error   policy-too-large             $');
    expect(lines).toContain('  warning aud-missing                  ×50  $.Statement[0-49].Condition');
    expect(lines).toContain(`  warning name-only-sub                ×50  $.Statement[0-49].Condition.StringLike["${GH}:sub"]`);
    expect(lines).toContain(`  warning pull-request-with-protected  ×50  $.Statement[0-49].Condition.StringLike["${GH}:sub"]`);
    expect(lines).toContain('  error   policy-too-large             $');
    // A header, two lines for each of the four kinds, and the line explaining ×N.
    expect(lines.length).toBe(1 + 4 * 2 + 1);
  });

  it('without --verbose: the name-only-sub warnings are counted in the first line, not listed', () => {
    const r = keyless('trust-policy', 'lint', '--policy', file('fifty3.json', statements(50)));
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${join(work, 'fifty3.json')}: 1 error, 150 warnings (50 name-only-sub warnings: --verbose shows them)`);
    expect(r.stdout).not.toMatch(/^ {2}warning name-only-sub/m);
    expect(lines.length).toBe(1 + 3 * 2 + 1);
  });

  it('--json: every finding, plus the groups; rule, and ruleId as its deprecated alias', () => {
    const r = keyless('trust-policy', 'lint', '--json', '--policy', file('fifty2.json', statements(50)));
    const doc = JSON.parse(r.stdout) as { findings: { rule: string; ruleId: string }[]; groups: { rule: string; ruleId: string; count: number; paths: string[] }[] };
    expect(doc.findings.filter((f) => f.rule === 'name-only-sub')).toHaveLength(50);
    for (const f of doc.findings) expect(Object.keys(f)).toEqual(['rule', 'severity', 'message', 'path', 'ruleId']);
    expect(doc.findings.every((f) => f.ruleId === f.rule)).toBe(true);
    expect(doc.groups.find((g) => g.rule === 'name-only-sub')).toMatchObject({ count: 50, ruleId: 'name-only-sub' });
    expect(doc.groups.reduce((n, g) => n + g.count, 0)).toBe(doc.findings.length);
  });

  it('a corpus policy with distinct findings prints as before', () => {
    const r = keyless('trust-policy', 'lint', '--policy', join(POLICIES, 'dvdmelamed_aws-infra_repo-star.json'));
    expect(r.stdout).not.toContain('×');
  });
});

describe('evaluate with empty or partial claims names what is missing', () => {
  const policy = join(POLICIES, 'github-docs_oidc-in-aws_environment.json');

  it('empty claims: a note on stderr naming the claims, the keys, the flag and the file; exit 3', () => {
    const claims = file('empty.json', {});
    const r = keyless('trust-policy', 'evaluate', '--policy', policy, '--claims', claims);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^DENIED/);
    expect(r.stderr).toContain(`note: the policy looks at 2 claims that --claims ${JSON.stringify(claims)} does not have: aud ("${GH}:aud"), sub ("${GH}:sub").`);
  });

  it('partial claims: only what is missing; --json carries it as missingClaims', () => {
    const claims = file('partial.json', { sub: 'repo:octo-org/octo-repo:environment:prod' });
    expect(keyless('trust-policy', 'evaluate', '--policy', policy, '--claims', claims).stderr).toMatch(/looks at 1 claim that .* does not have: aud \(/);
    const r = keyless('trust-policy', 'evaluate', '--json', '--policy', policy, '--claims', claims);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).missingClaims).toEqual([{ claim: 'aud', keys: [`${GH}:aud`] }]);
  });

  it('a real token has what the policy looks at: no note', () => {
    const r = keyless('trust-policy', 'evaluate', '--policy', policy, '--token', join(TOKENS, 'token_qoomon_sandbox_2023-10.jwt'));
    expect(r.stderr).not.toContain('looks at');
    expect(JSON.parse(keyless('trust-policy', 'evaluate', '--json', '--policy', policy, '--token', join(TOKENS, 'token_qoomon_sandbox_2023-10.jwt')).stdout).missingClaims).toEqual([]);
  });
});

describe('output is plain text, readable as a log', () => {
  it.each([
    [['--help']],
    [['trust-policy', 'lint', '--policy', join(POLICIES, 'dvdmelamed_aws-infra_repo-star.json')]],
    [['trust-policy', 'evaluate', '--policy', join(POLICIES, 'github-docs_oidc-in-aws_branch.json'), '--token', join(TOKENS, 'token_qoomon_sandbox_2023-10.jwt')]],
    [['trust-policy', 'lint', '--policy', 'missing.json']],
  ])('%j: no escape codes on stdout or stderr', (args) => {
    const r = keyless(...args);
    expect(r.stdout + r.stderr).not.toMatch(/\x1b/);
  });
});

describe('a reader that stops early', () => {
  it('`keyless trust-policy audit … | head -1`: the CLI stops quietly, with no stack trace', () => {
    // The shell closes the pipe after one line; the CLI's later writes then fail with EPIPE.
    const r = runProcessSync('sh', ['-c', `"${process.execPath}" "${BUNDLE}" trust-policy audit "${CORPUS}" | head -1`], { cwd: work });
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toBe('');
  });
});
