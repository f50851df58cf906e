/**
 * `keyless trust-policy audit` as a real process: the corpus and the fixtures from files,
 * directories and standard input; table, JSON and SARIF; exit codes; bad input; and `--live`
 * against the loopback IAM (Query protocol, SigV4 checked, ListRoles paginated).
 */
import { missingCredentials } from '../../src/cli/aws-failure.js';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_IAM_KEY, startLocalIam, type LocalIam } from '../../src/local/iam.js';
import { CORPUS } from '../helpers/corpus.js';
import { ROOT } from '../helpers/runner.js';
import { json, keyless } from './helpers/process.js';

const FIXTURES = 'test/fixtures/audit';
const PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
const trust = (sub: string, op = 'StringEquals') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: op === 'StringEquals' ? { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': sub } } : { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, [op]: { 'token.actions.githubusercontent.com:sub': sub } } }],
  });
const SERVICE = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

interface AuditDoc {
  roles: { role: string; source: { format: string; file: string | null; line: number | null }; findings: { rule: string; severity: string; message: string; path: string }[] }[];
  skipped: number;
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'keyless-audit-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('help', () => {
  it.each([
    [['trust-policy', 'audit', '--help'], /--format F .*sarif/],
    [['trust-policy', '--help'], /audit .*\n.*test .*\n.*prove/],
    [['--help'], /trust-policy audit PATH/],
  ])('%j', async (args, pattern) => {
    const r = await keyless(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(pattern);
  });
});

describe('files and directories', () => {
  it('the corpus directory: 38 roles trusting GitHub, none skipped, errors → exit 3', async () => {
    const r = await keyless(['trust-policy', 'audit', join(CORPUS, 'trust-policies', 'policies')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/38 roles trusting GitHub audited: 10 with errors; .*; 0 other roles skipped/);
    expect(r.stdout).toMatch(/dvdmelamed_aws-infra_repo-star\.json {2}\(line 1, policy\) {2}1 error/);
  });

  it('the fixtures directory, as JSON: every source kind, skipped roles counted', async () => {
    const r = await keyless(['trust-policy', 'audit', FIXTURES, '--json']);
    expect(r.code).toBe(3);
    const doc = json<AuditDoc>(r);
    expect(doc.skipped).toBe(7);
    expect(new Set(doc.roles.map((x) => x.source.format))).toEqual(new Set(['terraform-plan', 'cloudformation', 'iam-authorization-details', 'iam-list-roles']));
    expect(doc.roles).toHaveLength(22);
    const broad = doc.roles.find((x) => x.role === 'BroadRole')!;
    expect(broad.source).toEqual({ format: 'cloudformation', file: `${FIXTURES}/cloudformation/github-roles.yaml`, line: 31 });
    expect(broad.findings.find((f) => f.rule === 'sub-wildcard-repository')).toMatchObject({ severity: 'error', path: '$.Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"]' });
  });

  it('SARIF: artifact URIs relative to the working directory, lines of the findings', async () => {
    const r = await keyless(['trust-policy', 'audit', 'fixtures/audit/cloudformation', '--format', 'sarif'], { cwd: join(ROOT, 'test') });
    expect(r.code).toBe(3);
    const sarif = json<{ runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] }>(r);
    const wildcard = sarif.runs[0]!.results.find((x) => x.ruleId === 'sub-wildcard-repository')!;
    expect(wildcard.level).toBe('error');
    expect(wildcard.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'fixtures/audit/cloudformation/github-roles.yaml' }, region: { startLine: 47 } });
  });

  it('a clean source exits 0; standard input is "-"', async () => {
    const doc = JSON.stringify({ Roles: [{ RoleName: 'deploy', AssumeRolePolicyDocument: encodeURIComponent(trust('repo:octo-org@1/app@2:environment:production')) }, { RoleName: 'fn', AssumeRolePolicyDocument: SERVICE }] });
    const r = await keyless(['trust-policy', 'audit', '-', '--json'], { stdin: doc });
    expect(r.code).toBe(0);
    expect(json<AuditDoc>(r)).toEqual({ roles: [{ role: 'deploy', source: { format: 'iam-list-roles', file: null, line: 1 }, findings: [] }], skipped: 1 });
  });

  it('standard input in YAML: a CloudFormation template', async () => {
    const template = `Resources:\n  Ci:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { Federated: !Sub "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com" }\n            Action: sts:AssumeRoleWithWebIdentity\n            Condition:\n              StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" }\n`;
    const r = await keyless(['trust-policy', 'audit', '-'], { stdin: template });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/Ci {2}\(standard input, cloudformation\)/);
    expect(r.stdout).toMatch(/error {3}sub-wildcard-owner +line 11/);
  });

  it('in a directory, files that do not parse are skipped with a note; files that hold no role are ignored', async () => {
    const dir = join(work, 'repo');
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(dir, 'broken.yaml'), 'Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties: [unclosed\n');
    writeFileSync(join(dir, 'package.json'), '{"name": "x"}');
    writeFileSync(join(dir, 'node_modules', 'x', 'role.json'), trust('repo:*', 'StringLike'));
    writeFileSync(join(dir, 'role.json'), trust('repo:octo-org/app:environment:production'));
    const r = await keyless(['trust-policy', 'audit', dir, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: skipped .*broken\.yaml: not valid YAML \(line \d+/);
    expect(json<AuditDoc>(r).roles.map((x) => x.role)).toEqual([join(dir, 'role.json')]);
  });
});

describe('bad usage and bad input: exit 2, a message naming the problem', () => {
  it.each([
    [['trust-policy', 'audit'], /give the files or directories to audit/],
    [['trust-policy', 'audit', '.', '--format', 'xml'], /--format "xml" is not one of table, json, sarif/],
    [['trust-policy', 'audit', '.', '--json', '--format', 'sarif'], /give --json or --format sarif, not both/],
    [['trust-policy', 'audit', 'no/such/dir'], /PATH "no\/such\/dir": no such file or directory/],
    [['trust-policy', 'audit', 'package.json'], /package\.json is not something the audit reads/],
    [['trust-policy', 'audit', '.', '--issuer', 'token.actions'], /--issuer "token.actions" is not a URL/],
    [['trust-policy', 'audit', '.', '--bogus'], /unknown flag --bogus/],
  ])('%j', async (args, message) => {
    const r = await keyless(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('invalid JSON in a named file: the line and column', async () => {
    writeFileSync(join(work, 'bad.json'), '{\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}\n');
    const r = await keyless(['trust-policy', 'audit', join(work, 'bad.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json is not valid JSON at line 3, column 24: expected a property name/);
  });
});

describe('--live, against the loopback IAM', () => {
  let iam: LocalIam;
  beforeAll(async () => {
    iam = await startLocalIam();
  });
  afterAll(() => iam.close());
  afterEach(() => iam.calls.splice(0));
  const env = () => ({ AWS_ENDPOINT_URL_IAM: iam.url, AWS_ACCESS_KEY_ID: DEFAULT_IAM_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_IAM_KEY.secretAccessKey, AWS_REGION: 'us-east-1' });

  it('audits every role of the account through ListRoles, page by page', async () => {
    iam.addRole({ name: 'deploy-production', assumeRolePolicyDocument: trust('repo:octo-org/app:environment:production') });
    iam.addRole({ name: 'org-wide', assumeRolePolicyDocument: trust('repo:octo-org/*', 'StringLike') });
    for (let i = 0; i < 230; i++) iam.addRole({ name: `service-${String(i).padStart(3, '0')}`, assumeRolePolicyDocument: SERVICE });
    const r = await keyless(['trust-policy', 'audit', '--live', '--json'], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    const doc = json<AuditDoc>(r);
    expect(doc.skipped).toBe(230);
    expect(doc.roles.map((x) => [x.role, x.source.format, x.findings.filter((f) => f.severity === 'error').map((f) => f.rule)])).toEqual([
      ['deploy-production', 'live', []],
      ['org-wide', 'live', ['sub-wildcard-repository']],
    ]);
    // 232 roles at 100 a page: three signed ListRoles calls, each answered 200.
    expect(iam.calls.map((c) => [c.action, c.status])).toEqual([
      ['ListRoles', 200],
      ['ListRoles', 200],
      ['ListRoles', 200],
    ]);
  });

  it('with a file too: both are audited, the table says where each role is', async () => {
    const r = await keyless(['trust-policy', 'audit', `${FIXTURES}/iam/list-roles.yaml`, '--live'], { env: env() });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/org-wide {2}\(IAM, live\)/);
    expect(r.stdout).toMatch(/org-wide-ci {2}\(test\/fixtures\/audit\/iam\/list-roles\.yaml:\d+, iam-list-roles\)/);
  });

  it('a refused request is a failed AWS call (exit 3, as setup aws --apply) with IAM\'s error', async () => {
    const r = await keyless(['trust-policy', 'audit', '--live'], { env: { ...env(), AWS_SECRET_ACCESS_KEY: 'wrong' } });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--live: IAM ListRoles failed \(SignatureDoesNotMatch: /);
  });

  it('without credentials: exit 3, in the words of "setup aws --apply"; no request', async () => {
    const r = await keyless(['trust-policy', 'audit', '--live'], { env: { AWS_ENDPOINT_URL_IAM: iam.url, AWS_REGION: 'us-east-1' } });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`keyless: error: ${missingCredentials('--live').message}\n`);
    expect(r.stderr).toMatch(/^keyless: error: --live needs AWS credentials, and the SDK's default chain found none \(AWS_ACCESS_KEY_ID/);
    expect(iam.calls).toEqual([]);
  });

  it('bad usage makes no request', async () => {
    const r = await keyless(['trust-policy', 'audit', '--live', '--format', 'xml'], { env: env() });
    expect(r.code).toBe(2);
    expect(iam.calls).toEqual([]);
  });
});
