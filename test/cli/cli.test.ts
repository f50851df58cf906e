/**
 * The bundled CLI (dist/cli/index.js) run as a real process. Build it first with
 * `node scripts/build.mjs cli --lenient`; this test only runs the existing bundle.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

let work: string;

type Result = ProcessResult;

const keyless = (...args: string[]): Result => runProcessSync(process.execPath, [BUNDLE, ...args], { cwd: work });

function file(name: string, content: string | object): string {
  const path = join(work, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** stdout must be exactly one JSON document. */
function json(r: Result): Record<string, unknown> {
  expect(r.stdout.trim().startsWith('{')).toBe(true);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

beforeAll(() => {
  if (!existsSync(BUNDLE)) {
    throw new Error(`${BUNDLE} does not exist: build the CLI first with "node scripts/build.mjs cli --lenient"`);
  }
  work = mkdtempSync(join(tmpdir(), 'keyless-cli-'));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('bundle', () => {
  it('starts with the node shebang', () => {
    expect(readFileSync(BUNDLE, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('--version prints the package version', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const r = keyless('--version');
    expect(r).toMatchObject({ code: 0, stdout: `keyless ${version}\n` });
  });
});

describe('--help', () => {
  it.each([
    [['--help'], /keyless trust-policy evaluate/],
    [['-h'], /Commands:/],
    [['trust-policy', '--help'], /evaluate .*\n.*lint/],
    [['trust-policy', 'evaluate', '--help'], /--claims FILE/],
    [['trust-policy', 'evaluate', '-h'], /signature is NOT verified/],
    [['trust-policy', 'lint', '--help'], /no-sub-condition/],
    [['trust-policy', 'generate', '--help'], /--repository OWNER\/REPO/],
  ])('%j', (args, pattern) => {
    const r = keyless(...args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage/);
    expect(r.stdout).toMatch(pattern);
    expect(r.stdout).toMatch(/Exit codes/);
  });

  it('no command prints the help on stderr with exit code 2', () => {
    const r = keyless();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage/);
  });
});

describe('trust-policy evaluate', () => {
  it('allowed: exit 0 (decoded-token claims file with {header, payload})', () => {
    const policy = file('own.json', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
            StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:qoomon/sandbox:*' },
          },
        },
      ],
    });
    const r = keyless('trust-policy', 'evaluate', '--policy', policy, '--claims', join(TOKENS, 'decoded', 'token_qoomon_sandbox_2023-10.decoded.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED: sts:AssumeRoleWithWebIdentity for repo:qoomon\/sandbox:ref:refs\/heads\/aws-github-access-manager/);
  });

  it('--role-arn: a provider in another account never matches, and the message names both accounts', () => {
    const policy = join(POLICIES, 'github-docs_oidc-in-aws_branch.json');
    const claims = join(TOKENS, 'github-docs_example_token_claims.json');
    const same = keyless('trust-policy', 'evaluate', '--policy', policy, '--claims', claims, '--role-arn', 'arn:aws:iam::123456789012:role/deploy', '--json');
    const other = keyless('trust-policy', 'evaluate', '--policy', policy, '--claims', claims, '--role-arn', 'arn:aws:iam::210987654321:role/deploy');
    expect(other.code).toBe(3);
    expect(other.stdout).toMatch(/in account \d{12}, the role "arn:aws:iam::210987654321:role\/deploy" in account 210987654321/);
    expect(same.stdout).not.toContain('210987654321');
    const bad = keyless('trust-policy', 'evaluate', '--policy', policy, '--claims', claims, '--role-arn', 'deploy');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--role-arn "deploy": expected a role ARN');
  });

  it('denied: exit 3, with the failing condition, policy value and token value', () => {
    const r = keyless(
      'trust-policy',
      'evaluate',
      '--policy',
      join(POLICIES, 'github-docs_oidc-in-aws_environment.json'),
      '--claims',
      join(TOKENS, 'github-docs_example_token_claims.json'),
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^DENIED/);
    expect(r.stdout).toContain('StringEquals "token.actions.githubusercontent.com:aud"');
    expect(r.stdout).toContain('policy: "sts.amazonaws.com"');
    expect(r.stdout).toContain('token:  "https://github.com/octo-org"');
  });

  it('--token decodes a real JWT without verifying it, and says so', () => {
    const r = keyless('trust-policy', 'evaluate', '--policy', join(POLICIES, 'github-docs_oidc-in-aws_branch.json'), '--token', join(TOKENS, 'token_qoomon_sandbox_2023-10.jwt'));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/signature was NOT verified/);
    expect(r.stdout).toContain('"repo:qoomon/sandbox:ref:refs/heads/aws-github-access-manager"');
  });

  it('--json prints one JSON document', () => {
    const r = keyless('trust-policy', 'evaluate', '--json', '--policy', join(POLICIES, 'github-docs_oidc-in-aws_branch.json'), '--token', join(TOKENS, 'token_qoomon_sandbox_2023-10.jwt'));
    expect(r.code).toBe(3);
    const doc = json(r);
    expect(doc).toMatchObject({ allowed: false, decision: 'implicit-deny', input: { tokenSignatureVerified: false } });
    expect((doc.statements as { reason: { key: string } }[])[0]!.reason.key).toBe('token.actions.githubusercontent.com:sub');
  });

  it('accepts the AssumeRolePolicyDocument wrapper', () => {
    const inner = JSON.parse(readFileSync(join(POLICIES, 'github-docs_oidc-in-aws_environment.json'), 'utf8'));
    const wrapped = file('wrapped.json', { AssumeRolePolicyDocument: inner });
    const claims = file('claims.json', { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: 'repo:octo-org/octo-repo:environment:prod' });
    expect(keyless('trust-policy', 'evaluate', '--policy', wrapped, '--claims', claims).code).toBe(0);
  });
});

describe('trust-policy lint', () => {
  it('no error-level findings: exit 0', () => {
    const r = keyless('trust-policy', 'lint', '--policy', join(POLICIES, 'github-docs_oidc-in-aws_environment.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 errors, 1 warning/);
  });

  it('error-level findings: exit 3, rule id and JSON path in the report', () => {
    const r = keyless('trust-policy', 'lint', '--policy', join(POLICIES, 'dvdmelamed_aws-infra_repo-star.json'));
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('sub-wildcard-owner');
    expect(r.stdout).toContain('$.Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"]');
  });

  it('--json prints one JSON document with the findings', () => {
    const r = keyless('trust-policy', 'lint', '--json', '--policy', join(POLICIES, 'thirdmadman_rsschool_v1_StringEquals-with-wildcard.json'));
    expect(r.code).toBe(3);
    const doc = json(r) as { errors: number; findings: { ruleId: string; severity: string; path: string; message: string }[] };
    expect(doc.errors).toBe(1);
    expect(doc.findings.find((f) => f.severity === 'error')).toMatchObject({ ruleId: 'never-matches', path: '$.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]' });
  });

  it('--audience changes the aud check', () => {
    const policy = join(POLICIES, 'github-docs_oidc-in-aws_environment.json');
    expect(keyless('trust-policy', 'lint', '--policy', policy, '--audience', 'other').stdout).toContain('aud-mismatch');
  });
});

describe('trust-policy generate', () => {
  it('prints a policy that lint finds no error in', () => {
    const r = keyless('trust-policy', 'generate', '--repository', 'octo-org/octo-repo', '--environment', 'prod', '--branch', 'main', '--tag', 'v1', '--owner-id', '65', '--repository-id', '74', '--account', '123456789012');
    expect(r.code).toBe(0);
    const policy = JSON.parse(r.stdout);
    expect(policy.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual([
      'repo:octo-org@65/octo-repo@74:environment:prod',
      'repo:octo-org@65/octo-repo@74:ref:refs/heads/main',
      'repo:octo-org@65/octo-repo@74:ref:refs/tags/v1',
    ]);
    const lint = keyless('trust-policy', 'lint', '--json', '--policy', file('generated.json', r.stdout));
    expect(lint.code).toBe(0);
    expect(json(lint)).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('--json prints {policy, subjects, notes}; the placeholder account is noted', () => {
    const r = keyless('trust-policy', 'generate', '--json', '--repository', 'o/r', '--branch', 'main');
    expect(r.code).toBe(0);
    const doc = json(r) as { policy: { Statement: { Principal: { Federated: string } }[] }; subjects: string[]; notes: string[] };
    expect(doc.subjects).toEqual(['repo:o/r:ref:refs/heads/main']);
    expect(doc.policy.Statement[0]!.Principal.Federated).toContain(':ACCOUNT_ID:');
    expect(doc.notes.join('\n')).toMatch(/ACCOUNT_ID/);
    expect(r.stderr).toBe('');
  });
});

describe('bad usage and bad input: exit 2 with a message naming the problem', () => {
  it.each([
    [['frob'], /unknown command "frob"/],
    [['trust-policy', 'frob'], /unknown command "trust-policy frob"/],
    [['trust-policy', 'lint', '--policy', 'x.json', '--strict'], /unknown flag --strict for "keyless trust-policy lint"/],
    [['trust-policy', 'lint'], /--policy \(the trust policy file\) is required/],
    [['trust-policy', 'lint', '--policy', 'does-not-exist.json'], /--policy "does-not-exist.json": cannot read the file \(no such file\)/],
    [['trust-policy', 'evaluate', '--policy', 'x.json'], /--claims FILE.json or --token FILE.jwt \(the token to evaluate\) is required/],
    [['trust-policy', 'generate', '--repository', 'not-a-repo', '--branch', 'main'], /--repository: repository "not-a-repo" is not OWNER\/REPO/],
    [['trust-policy', 'generate', '--repository', 'o/r', '--branch', 'main', '--account', '12'], /--account: account "12" is not a 12-digit AWS account id/],
  ])('%j', (args, message) => {
    const r = keyless(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('invalid JSON: the file, line and column', () => {
    const bad = file('bad.json', '{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}');
    const r = keyless('trust-policy', 'lint', '--policy', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--policy ".*bad.json" is not valid JSON at line 3, column 17/);
  });

  it('a malformed policy: the JSON path', () => {
    const bad = file('malformed.json', { Statement: [{ Effect: 'Allow', Principal: { Federated: 'x' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEqual: { a: 'b' } } }] });
    const r = keyless('trust-policy', 'lint', '--policy', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\$\.Statement\[0\]\.Condition\.StringEqual: unknown condition operator "StringEqual"/);
  });

  it('a token file that is not a JWT', () => {
    const token = file('token.jwt', 'not a token');
    const r = keyless('trust-policy', 'evaluate', '--policy', join(POLICIES, 'github-docs_oidc-in-aws_branch.json'), '--token', token);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--token ".*token.jwt" is not a JWT/);
  });

  it('a claims file that is not an object', () => {
    const claims = file('claims-array.json', '[1, 2]');
    const r = keyless('trust-policy', 'evaluate', '--policy', join(POLICIES, 'github-docs_oidc-in-aws_branch.json'), '--claims', claims);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--claims ".*claims-array.json" must hold a JSON object/);
  });
});
