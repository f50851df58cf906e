/**
 * `npm start` as a newcomer runs it: lib/local/start.js as a real process, running the built
 * dist/index.js against the loopback issuer and STS. Build first (`npm run build` compiles lib/
 * and bundles dist/); this test only runs what is there, and refuses a lib/ older than src/.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const START = join(ROOT, 'lib', 'local', 'start.js');
const SCENARIO_NAMES = ['deploy', 'access-denied', 'trust-policy', 'immutable-subject', 'wrong-audience'];

interface Demo {
  code: number | null;
  stdout: string;
  stderr: string;
}

function demo(...args: string[]): Promise<Demo> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [START, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** The JSON block printed under the trust policy heading. */
function printedPolicy(stdout: string): Record<string, unknown> {
  const start = stdout.indexOf('\n{', stdout.indexOf("the demo role's trust policy"));
  const end = stdout.indexOf('\n}\n', start);
  return JSON.parse(stdout.slice(start + 1, end + 2)) as Record<string, unknown>;
}

beforeAll(() => {
  for (const file of [START, join(ROOT, 'dist', 'index.js')]) {
    if (!existsSync(file)) throw new Error(`${file} does not exist: run "npm run build" first`);
  }
  const built = statSync(START).mtimeMs;
  for (const name of readdirSync(join(ROOT, 'src', 'local'))) {
    if (statSync(join(ROOT, 'src', 'local', name)).mtimeMs > built) {
      throw new Error(`src/local/${name} is newer than lib/local/start.js: run "npm run build" first`);
    }
  }
});

describe('npm start', () => {
  it('builds only what is out of date, then runs the demo', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe('node scripts/start.mjs');
  });

  it.each([['--help'], ['-h'], ['help']])('%s lists every scenario with one line each, exit 0', async (flag) => {
    const r = await demo(flag);
    expect(r.code).toBe(0);
    const listed = r.stdout.split('\n').filter((line) => /^ {2}\S/.test(line));
    expect(listed.map((line) => line.trim().split(/\s+/)[0])).toEqual(SCENARIO_NAMES);
    expect(r.stdout).toMatch(/^Usage: npm start/);
  });

  it('an unknown scenario prints the list on stderr, exit 2, and runs nothing', async () => {
    const r = await demo('acces-denied');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^unknown scenario "acces-denied"; the scenarios are:\n/);
    for (const name of SCENARIO_NAMES) expect(r.stderr).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  it('deploy (the default): credentials exported, masked, and used by a later step', async () => {
    const r = await demo();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Scenario deploy:');
    expect(r.stdout).toMatch(/^AWS_SECRET_ACCESS_KEY=\*\*\*$/m);
    expect(r.stdout).toContain('STS received 1 request (AssumeRoleWithWebIdentity).');
    expect(r.stdout).toMatch(/^Arn=arn:aws:sts::123456789012:assumed-role\/deploy\/GitHubActions-/m);
    // The audit record is shown, and the file the output audit-file names is still there to open.
    const auditFile = /^audit-file=(.+)$/m.exec(r.stdout)![1]!;
    expect(r.stdout).toContain(`── audit record (output audit-file, kept at ${JSON.stringify(auditFile)}) ──`);
    const record = JSON.parse(readFileSync(auditFile, 'utf8').trim().split('\n').pop()!) as Record<string, unknown>;
    expect(record).toMatchObject({ version: 1 });
    expect(r.stdout).toContain(JSON.stringify(record, null, 2));
  });

  it('immutable-subject: STS refuses a name-only policy, and the hint names the immutable form to add', async () => {
    const r = await demo('immutable-subject');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity');
    expect(r.stdout).toContain("This token's sub is in GitHub's immutable form (repo:OWNER@OWNER_ID/REPO@REPO_ID:…)");
    expect(r.stdout).toContain('"repo:octo-org/octo-repo:ref:refs/heads/main" no longer match it');
    expect(r.stdout).toMatch(/:sub": "repo:octo-org@65\/octo-repo@74:ref:refs\/heads\/main"/);
    expect(r.stdout).toContain('STS received 1 request (AssumeRoleWithWebIdentity).');
  });

  it('access-denied: STS refuses, and the role trust policy is printed beside the suggested condition', async () => {
    const r = await demo('access-denied');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const policy = printedPolicy(r.stdout);
    const [host] = /127\.0\.0\.1:\d+/.exec(JSON.stringify(policy))!;
    expect(JSON.stringify(policy)).toContain(`"${host}:sub":"repo:octo-org/octo-repo:ref:refs/heads/main"`);
    expect(r.stdout).toContain(`Condition keys start with the issuer's host: here the loopback issuer's, "${host}:sub"; in a real run on GitHub they are "token.actions.githubusercontent.com:sub".`);
    expect(r.stdout).toContain('AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity');
    expect(r.stdout).toContain(`"${host}:sub": "repo:octo-org/octo-repo:environment:production"`);
    expect(r.stdout).toContain('STS received 1 request (AssumeRoleWithWebIdentity).');
    expect(r.stdout).not.toMatch(/^Arn=/m);
  });

  it('trust-policy: refused before STS (zero calls), naming the statement, the condition and the token claim', async () => {
    const r = await demo('trust-policy');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const policy = printedPolicy(r.stdout);
    const [host] = /127\.0\.0\.1:\d+/.exec(JSON.stringify(policy))!;
    expect(r.stdout).toMatch(/the demo role's trust policy \(\/.*trust-policy\.json, given as the input trust-policy\)/);
    expect(r.stdout).toMatch(/Trust policy \S+trust-policy\.json denies this token for arn:aws:iam::123456789012:role\/deploy; STS was not called\./);
    expect(r.stdout).toContain('statement 0 "DeployFromMain" (Allow): does not apply (condition)');
    expect(r.stdout).toMatch(new RegExp(
      `StringEquals "${host.replace(/\./g, '\\.')}:sub"\\n +policy: "repo:octo-org/octo-repo:ref:refs/heads/main"\\n +token: +"repo:octo-org/octo-repo:environment:production"`,
    ));
    expect(r.stdout).toContain('STS received 0 requests: the token never left the runner.');
  });

  it('wrong-audience: refused before STS (zero calls)', async () => {
    const r = await demo('wrong-audience');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('OIDC token rejected before calling STS: audience mismatch');
    expect(r.stdout).toContain('STS received 0 requests: the token never left the runner.');
  });
});
