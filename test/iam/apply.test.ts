/**
 * `keyless setup aws --apply`, the built CLI run as a process against the loopback IAM with the
 * SDK's default credential chain: what it creates, that a re-run writes nothing, that a change is
 * shown (diff, lint, widening) and made only with --yes, and how it fails.
 */
import { missingCredentials } from '../../src/cli/aws-failure.js';
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSetupInput } from '../../src/iam/intent.js';
import { createSdkIam } from '../../src/iam/sdk-client.js';
import { applyCommand } from '../../src/cli/setup-apply.js';
import { DEFAULT_IAM_KEY, startLocalIam, type LocalIam } from '../../src/local/iam.js';
import { evaluateTrustPolicy, lintTrustPolicy } from '../../src/trust/index.js';
import { CASES } from './helpers/cases.js';
import { BUNDLE, cleanEnv, keylessAsync, runClaims } from './helpers/setup.js';

const GH = 'token.actions.githubusercontent.com';
const BASE = ['setup', 'aws', '--repository', 'octo-org/octo-repo', '--environment', 'production', '--role-name', 'deploy'];

let iam: LocalIam;
beforeEach(async () => {
  iam = await startLocalIam({ policies: ['arn:aws:iam::123456789012:policy/boundary'] });
});
afterEach(() => iam.close());

function credentials(target: LocalIam = iam): Record<string, string> {
  return { AWS_ENDPOINT_URL_IAM: target.url, AWS_ACCESS_KEY_ID: DEFAULT_IAM_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_IAM_KEY.secretAccessKey };
}

const apply = (args: string[], target: LocalIam = iam) => keylessAsync([...args, '--apply'], credentials(target));
const writes = (target: LocalIam = iam) => target.writeCalls().map((c) => c.action);
const storedPolicy = (name: string, target: LocalIam = iam) => JSON.parse(target.roles.get(name.toLowerCase())!.assumeRolePolicyDocument) as unknown;

describe('from nothing', () => {
  it.each(CASES)('$name: creates the provider and the role; the stored policy lints clean and admits exactly the runs', async (c) => {
    const target = c.partition === 'aws' ? iam : await startLocalIam({ partition: c.partition });
    try {
      const r = await apply([...['setup', 'aws'], ...c.args, '--yes'], target);
      expect(r.code, r.stderr).toBe(0);
      const roleName = c.args.includes('--role-name') ? c.args[c.args.indexOf('--role-name') + 1]! : 'github-actions-octo-repo';
      expect(writes(target)).toEqual(['CreateOpenIDConnectProvider', 'CreateRole', ...(c.args.includes('--policy-arn') ? ['AttachRolePolicy'] : [])]);
      const provider = [...target.providers.values()][0]!;
      expect(provider.url).toBe(c.providerPath);
      expect(provider.clientIds).toEqual([c.admitted[0]!.aud ?? 'sts.amazonaws.com']);
      const policy = storedPolicy(roleName, target);
      expect(lintTrustPolicy(policy, { issuer: c.issuer, audience: c.admitted[0]!.aud ?? 'sts.amazonaws.com' }).filter((f) => f.severity === 'error')).toEqual([]);
      for (const run of c.admitted) expect(evaluateTrustPolicy(policy, runClaims(run)).allowed).toBe(true);
      for (const { why, run } of c.denied) expect(evaluateTrustPolicy(policy, runClaims(run)).allowed, why).toBe(false);
      const roleArn = `arn:${c.partition}:iam::123456789012:role/${roleName}`;
      expect(r.stdout).toContain(`Role ARN: ${roleArn}`);
      expect(r.stdout).toContain(`role-to-assume: ${roleArn}`);
    } finally {
      if (target !== iam) await target.close();
    }
  });

  it('a re-run makes no write call and says so', async () => {
    const first = await apply([...BASE, '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess', '--yes']);
    expect(first.code, first.stderr).toBe(0);
    const before = iam.calls.length;
    const again = await apply([...BASE, '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect(again.code, again.stderr).toBe(0);
    // Notes only: on Node 20 the SDK's own Node-support notice would come here too.
    expect(again.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('note: '))).toEqual([]);
    expect(again.stdout).toContain('Nothing to change: IAM already matches (no write calls made).');
    expect(iam.calls.slice(before).map((c) => c.action)).toEqual(['ListOpenIDConnectProviders', 'GetOpenIDConnectProvider', 'GetRole', 'ListAttachedRolePolicies']);
    expect(writes()).toEqual(['CreateOpenIDConnectProvider', 'CreateRole', 'AttachRolePolicy']);
  });
});

describe('an existing role', () => {
  const narrow = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${GH}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: 'repo:octo-org/octo-repo:environment:production' } },
      },
    ],
  });

  beforeEach(() => {
    iam.addProvider(`https://${GH}`);
    iam.addRole({ name: 'deploy', assumeRolePolicyDocument: narrow });
  });

  it('whose trust policy would widen: shows the diff, the lint of both and the widening, and without --yes refuses (exit 2, no write)', async () => {
    const r = await apply([...BASE, '--branch', 'main']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('its trust policy differs from the intended one:');
    expect(r.stdout).toContain('-           "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:environment:production"');
    expect(r.stdout).toContain('+             "repo:octo-org/octo-repo:ref:refs/heads/main"');
    expect(r.stdout).toContain('Lint, current policy: 0 errors, 1 warning');
    expect(r.stdout).toContain('Lint, intended policy: 0 errors, 2 warnings');
    expect(r.stdout).toContain('WIDENS THE TRUST: the intended policy admits runs that the current one denies:\n  + repo:octo-org/octo-repo:ref:refs/heads/main');
    expect(r.stderr).toContain('keyless: error: not applied: --apply changes IAM only after confirmation; no terminal to ask on, so re-run with --yes');
    expect(writes()).toEqual([]);
    expect(iam.roles.get('deploy')!.assumeRolePolicyDocument).toBe(narrow);

    const yes = await apply([...BASE, '--branch', 'main', '--yes']);
    expect(yes.code, yes.stderr).toBe(0);
    expect(writes()).toEqual(['UpdateAssumeRolePolicy']);
    const policy = storedPolicy('deploy');
    expect(evaluateTrustPolicy(policy, runClaims({ repository: 'octo-org/octo-repo', ref: 'refs/heads/main' })).allowed).toBe(true);
  });

  it('whose trust policy admits too much: the narrowing is named, the current lint errors shown, and it does not widen', async () => {
    iam.addRole({
      name: 'deploy',
      assumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${GH}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { [`${GH}:sub`]: ['repo:octo-org/*', 'repo:octo-org/octo-repo:ref:refs/heads/dev'] } },
        },
      }),
    });
    const r = await apply([...BASE, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Lint, current policy: 1 error, \d warnings?\n/);
    expect(r.stdout).toMatch(/\n  error   sub-wildcard-repository  \$\.Statement\.Condition\.StringLike/);
    expect(r.stdout).toMatch(/\n  warning aud-missing /);
    expect(r.stdout).toContain('Does not widen the trust');
    expect(r.stdout).toContain('Narrows the trust: the current policy admits these, the intended one does not:\n  - repo:octo-org/* (a pattern');
    expect(r.stdout).toContain('  - repo:octo-org/octo-repo:ref:refs/heads/dev');
    expect(writes()).toEqual(['UpdateAssumeRolePolicy']);
  });

  it('brings the session duration, the boundary and the policies to the intent, and names what it leaves', async () => {
    iam.addRole({ name: 'deploy', assumeRolePolicyDocument: narrow, attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] });
    const r = await apply([...BASE, '--max-session-duration', '7200', '--permissions-boundary', 'arn:aws:iam::123456789012:policy/boundary', '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(writes()).toEqual(['UpdateRole', 'PutRolePermissionsBoundary', 'AttachRolePolicy']);
    const role = iam.roles.get('deploy')!;
    expect([role.maxSessionDuration, role.permissionsBoundary, role.attachedPolicies]).toEqual([7200, 'arn:aws:iam::123456789012:policy/boundary', ['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccess']]);
    expect(r.stderr).toContain('note: the role also has arn:aws:iam::aws:policy/AdministratorAccess attached; keyless detaches nothing');
  });

  it('adds the audience to a provider that does not list it', async () => {
    iam.addProvider(`https://${GH}`, ['https://github.com/octo-org']);
    const r = await apply([...BASE, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(writes()).toEqual(['AddClientIDToOpenIDConnectProvider']);
    expect(iam.providers.get(GH)!.clientIds).toEqual(['https://github.com/octo-org', 'sts.amazonaws.com']);
  });

  it('--json prints one document with the plan and the outcome', async () => {
    const refused = await apply([...BASE, '--branch', 'main', '--json']);
    expect(refused.code).toBe(2);
    const doc = JSON.parse(refused.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ account: '123456789012', roleName: 'deploy', applied: false, changes: [{ kind: 'update-trust-policy', roleName: 'deploy' }] });
    expect((doc['trustPolicy'] as { widens: string[] }).widens).toEqual(['repo:octo-org/octo-repo:ref:refs/heads/main']);
    const done = await apply([...BASE, '--branch', 'main', '--json', '--yes']);
    expect(JSON.parse(done.stdout)).toMatchObject({ applied: true, roleArn: 'arn:aws:iam::123456789012:role/deploy', done: ['updated the trust policy of deploy'] });
  });
});

describe('failures', () => {
  it('refuses credentials for another account than --account, before any write (exit 2)', async () => {
    iam.addProvider(`https://${GH}`);
    const r = await apply([...BASE, '--account', '999999999999', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--account 999999999999 was given, but these credentials are for account 123456789012');
    expect(writes()).toEqual([]);
  });

  it('a --policy-arn or boundary IAM does not have stops the run before any write (exit 2), naming it', async () => {
    const missing = 'arn:aws:iam::123456789012:policy/doesnotexist';
    const r = await apply([...BASE, '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess', '--policy-arn', missing, '--permissions-boundary', 'arn:aws:iam::123456789012:policy/boundary', '--yes']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`no such managed policy in IAM: ${missing} (check --policy-arn / --permissions-boundary); nothing was changed`);
    expect(writes()).toEqual([]);
    expect(iam.calls.filter((c) => c.action === 'GetPolicy')).toHaveLength(3);
  });

  it('with --account and an empty account, stops after the provider when IAM shows another account', async () => {
    const r = await apply([...BASE, '--account', '999999999999', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--account 999999999999 was given, but these credentials are for account 123456789012 (the OIDC provider was created there; nothing else was changed)');
    expect(writes()).toEqual(['CreateOpenIDConnectProvider']);
    expect(iam.roles.size).toBe(0);
  });

  it('an IAM error ends the run with exit 3, naming the call, after saying what was done', async () => {
    iam.failNext({ action: 'CreateRole', status: 403, code: 'AccessDenied', message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:CreateRole' });
    const r = await apply([...BASE, '--yes']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('done: created the OIDC provider arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
    expect(r.stderr).toContain('keyless: error: --apply: IAM CreateRole failed (AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:CreateRole');
  });

  it('without credentials: exit 3 and a message naming the default chain; no request', async () => {
    const r = await keylessAsync([...BASE, '--apply', '--yes'], { AWS_ENDPOINT_URL_IAM: iam.url });
    expect(r.code).toBe(3);
    // The same words as "trust-policy audit --live" (test/cli/audit-cli.test.ts), for --apply.
    expect(r.stderr).toBe(`keyless: error: ${missingCredentials('--apply').message}\n`);
    expect(r.stderr).toMatch(/^keyless: error: --apply needs AWS credentials, and the SDK's default chain found none \(AWS_ACCESS_KEY_ID/);
    expect(iam.calls).toEqual([]);
  });

  it('bad input is exit 2, names the flag, and sends nothing', async () => {
    for (const [args, message] of [
      [['--max-session-duration', '900'], '--max-session-duration: maximum session duration "900" must be a whole number of seconds from 3600'],
      [['--policy-arn', 'ReadOnlyAccess'], '--policy-arn: policy "ReadOnlyAccess" is not a managed policy ARN'],
      [['--role-name', 'bad name'], '--role-name: role name "bad name" must be 1 to 64 characters'],
      [['--workflow', 'octo-org/deploy/deploy.yml@main'], '--workflow: workflow "octo-org/deploy/deploy.yml@main" is not OWNER/REPO/.github/workflows/FILE.yml@REF'],
      [['--format', 'terraform'], '--apply sets up IAM directly; give it without --format'],
      [['--account', '111111111111', '--account', '222222222222'], '--account is given twice ("111111111111" and "222222222222"); it takes one value'],
    ] as const) {
      // BASE names the role: a second --role-name would be the repeated-flag error.
      const base = args[0] === '--role-name' ? BASE.slice(0, -2) : BASE;
      const r = await apply([...base, ...args, '--yes']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(iam.calls).toEqual([]);
  });
});

/** Runs the CLI in a pseudo-terminal (Python's pty module) and answers `answer` to its question. */
function inTerminal(args: string[], answer: string): Promise<{ code: number; output: string }> {
  const driver = [
    'import json, os, pty, sys',
    'pid, fd = pty.fork()',
    'if pid == 0:',
    '    os.execvpe(sys.argv[1], sys.argv[1:], os.environ)',
    'out = b""',
    'answered = False',
    'while True:',
    '    try:',
    '        chunk = os.read(fd, 4096)',
    '    except OSError:',
    '        break',
    '    if not chunk:',
    '        break',
    '    out += chunk',
    '    if not answered and b"[y/N] " in out:',
    '        os.write(fd, os.environ["KEYLESS_TEST_ANSWER"].encode() + b"\\n")',
    '        answered = True',
    '_, status = os.waitpid(pid, 0)',
    'print(json.dumps({"code": os.waitstatus_to_exitcode(status), "output": out.decode("utf8", "replace")}))',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', driver, process.execPath, BUNDLE, ...args, '--apply'], {
      env: cleanEnv({ ...credentials(), KEYLESS_TEST_ANSWER: answer, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }),
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(JSON.parse(stdout) as { code: number; output: string }));
  });
}

describe('the question on a terminal (a real pseudo-terminal)', () => {
  it('asks y/N; "n" changes nothing (exit 2, not confirmed); "y" makes the changes', async () => {
    const no = await inTerminal(BASE, 'n');
    expect(no.output).toContain('Make these 2 changes? [y/N] ');
    expect(no.output).toContain('Nothing changed.');
    expect(no.code).toBe(2);
    expect(writes()).toEqual([]);
    const yes = await inTerminal(BASE, 'y');
    expect(yes.code, yes.output).toBe(0);
    expect(yes.output).toContain('done: created the role arn:aws:iam::123456789012:role/deploy');
    expect(writes()).toEqual(['CreateOpenIDConnectProvider', 'CreateRole']);
  });
});

describe('the confirmation question (in process, a terminal stood in for)', () => {
  async function withAnswer(answer: boolean, extra: string[] = []) {
    const questions: string[] = [];
    const out: string[] = [];
    const client = await createSdkIam({ region: 'us-east-1', endpoint: iam.url, credentials: DEFAULT_IAM_KEY });
    const intent = checkSetupInput({ trust: { repository: 'octo-org/octo-repo', environments: ['production'], branches: extra } , roleName: 'deploy' });
    const code = await applyCommand(intent, { json: false, yes: false, iam: client }, {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      readFile: () => '',
      version: 'test',
      confirm: async (question) => {
        questions.push(question);
        return answer;
      },
    });
    return { code, questions, output: out.join('') };
  }

  it('asks before any change; "no" changes nothing (exit 2), "yes" makes the changes', async () => {
    const no = await withAnswer(false);
    expect(no.questions).toEqual(['Make these 2 changes?']);
    expect(no.code).toBe(2);
    expect(writes()).toEqual([]);
    const yes = await withAnswer(true);
    expect(yes.code).toBe(0);
    expect(writes()).toEqual(['CreateOpenIDConnectProvider', 'CreateRole']);
  });

  it('says in the question when the change widens the trust, and asks nothing when there is nothing to do', async () => {
    expect((await withAnswer(true)).code).toBe(0);
    const widen = await withAnswer(false, ['main']);
    expect(widen.questions).toEqual(["This WIDENS the role's trust. Make these 1 change?"]);
    const same = await withAnswer(false);
    expect(same.questions).toEqual([]);
    expect(same.code).toBe(0);
  });
});
