/**
 * One description of the runs to admit: `trust-policy generate` and `setup aws` take the same
 * flags and write the same policy from them; a single-value flag given twice is an error; every
 * missing required flag is named in one message; generate says what setup says about IAM's size quota.
 */
import { describe, expect, it } from 'vitest';
import { requireFlags } from '../../src/cli/args.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { CliError } from '../../src/cli/inputs.js';
import { run } from '../../src/cli/main.js';

async function keyless(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    readFile: () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
    version: '0.0.0',
  };
  const code = await run(argv, io);
  return { code, ...out };
}

const ACCOUNT = ['--account', '123456789012'];

describe('generate and setup aws: the same flags, the same policy', () => {
  it.each<[string, string[]]>([
    ['one environment', ['--repository', 'octo-org/octo-repo', '--environment', 'production']],
    ['two repositories, branches and tags', ['--repository', 'octo-org/web', '--repository', 'octo-org/api', '--branch', 'main', '--tag', 'v1.2.3']],
    ['pull requests and a reusable workflow', ['--repository', 'octo-org/app', '--pull-requests', '--workflow', 'octo-org/deploy/.github/workflows/deploy.yml@refs/heads/main']],
    ['immutable ids, name-only too', ['--repository', 'octo-org/app', '--owner-id', '65', '--repository-id', '74', '--include-name-only', '--environment', 'prod']],
    ['an enterprise issuer, another audience and partition', ['--repository', 'o@1/r@2', '--branch', 'main', '--issuer', 'https://token.actions.githubusercontent.com/acme', '--audience', 'sts.amazonaws.com.cn', '--partition', 'aws-cn']],
  ])('%s', async (_name, flags) => {
    const generated = await keyless(['trust-policy', 'generate', '--json', ...ACCOUNT, ...flags]);
    expect(generated.code, generated.stderr).toBe(0);
    const region = flags.includes('aws-cn') ? ['--region', 'cn-north-1'] : [];
    const setup = await keyless(['setup', 'aws', '--format', 'terraform', '--json', ...ACCOUNT, ...region, ...flags]);
    expect(setup.code, setup.stderr).toBe(0);
    const g = JSON.parse(generated.stdout) as { policy: unknown; subjects: string[] };
    const s = JSON.parse(setup.stdout) as { trustPolicy: unknown; subjects: string[] };
    expect(s.trustPolicy).toEqual(g.policy);
    expect(s.subjects).toEqual(g.subjects);
  });

  it('generate keeps every --repository (it used to keep the last one only)', async () => {
    const r = await keyless(['trust-policy', 'generate', '--json', '--repository', 'o/web', '--repository', 'o/api', '--branch', 'main']);
    expect((JSON.parse(r.stdout) as { subjects: string[] }).subjects).toEqual(['repo:o/web:ref:refs/heads/main', 'repo:o/api:ref:refs/heads/main']);
  });
});

describe('a single-value flag given twice is an error naming both values', () => {
  it.each<[string, string[]]>([
    ['generate --account', ['trust-policy', 'generate', '--repository', 'o/r', '--branch', 'main', '--account', '111111111111', '--account', '222222222222']],
    ['generate --owner-id', ['trust-policy', 'generate', '--repository', 'o/r', '--branch', 'main', '--owner-id', '1', '--owner-id=2', '--repository-id', '3']],
    ['setup --role-name', ['setup', 'aws', '--repository', 'o/r', '--branch', 'main', '--format', 'terraform', '--role-name', 'a', '--role-name', 'b']],
    ['lint --policy', ['trust-policy', 'lint', '--policy', 'a.json', '--policy', 'b.json']],
    ['evaluate --claims', ['trust-policy', 'evaluate', '--policy', 'p.json', '--claims', 'a.json', '--claims', 'b.json']],
  ])('%s', async (_name, argv) => {
    const r = await keyless(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const [flag, first, second] = /^keyless: error: (--[\w-]+) is given twice \("([^"]*)" and "([^"]*)"\); it takes one value/.exec(r.stderr)?.slice(1) ?? [];
    expect(flag, r.stderr).toBe(argv.find((a) => a.startsWith('--') && argv.filter((b) => b.split('=')[0] === a.split('=')[0]).length === 2)!.split('=')[0]);
    expect([first, second]).not.toContain(undefined);
    expect(first).not.toBe(second);
  });

  it('repeatable flags stay repeatable', async () => {
    const r = await keyless(['trust-policy', 'generate', '--repository', 'o/r', '--branch', 'main', '--branch', 'dev', '--environment', 'a', '--environment', 'b']);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('every missing required flag, in one message', () => {
  it.each<[string[], string]>([
    [[], ''],
    [['--repository'], '--repository (R) is required ("keyless c --help")'],
    [['--repository', '--format'], '--repository (R) and --format (F) are required ("keyless c --help")'],
    [['--repository', '--branch', '--format'], '--repository (R), --branch (B) and --format (F) are required ("keyless c --help")'],
  ])('%j', (missing, message) => {
    const flags = [
      { flag: '--repository', what: 'R', given: !missing.includes('--repository') },
      { flag: '--branch', what: 'B', given: !missing.includes('--branch') },
      { flag: '--format', what: 'F', given: !missing.includes('--format') },
    ];
    if (message === '') expect(() => requireFlags(flags, 'c')).not.toThrow();
    else expect(() => requireFlags(flags, 'c')).toThrow(new CliError(message));
  });

  it('generate with nothing: the repository and the runs, together', async () => {
    const r = await keyless(['trust-policy', 'generate']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--repository .* and one of --environment, --branch, --tag or --pull-requests .* are required/);
  });
});

describe('generate says what setup says about IAM\'s size quota', () => {
  const many = Array.from({ length: 40 }, (_, i) => ['--branch', `release/branch-number-${i}`]).flat();

  it('40 branches: over 2,048 characters, a note naming the rule; lint agrees', async () => {
    const r = await keyless(['trust-policy', 'generate', '--repository', 'octo-org/octo-repo', ...many]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: the policy is [\d,]+ characters \(IAM does not count whitespace\), over IAM's default quota of 2,048: .*\(policy-too-large\)$/m);
    const setup = await keyless(['setup', 'aws', '--format', 'aws-cli', '--repository', 'octo-org/octo-repo', ...many]);
    const sizeNote = (text: string) => text.split('\n').find((line) => line.includes('policy-too-large'));
    expect(sizeNote(setup.stderr)).toBe(sizeNote(r.stderr));
    const json = JSON.parse((await keyless(['trust-policy', 'generate', '--json', '--repository', 'octo-org/octo-repo', ...many])).stdout) as { notes: string[] };
    expect(json.notes.some((n) => n.includes('policy-too-large'))).toBe(true);
  });

  it('--max-size states a raised quota: no note; a small policy: no note', async () => {
    expect((await keyless(['trust-policy', 'generate', '--repository', 'octo-org/octo-repo', ...many, '--max-size', '4096'])).stderr).not.toMatch(/quota/);
    expect((await keyless(['trust-policy', 'generate', '--repository', 'o/r', '--branch', 'main'])).stderr).not.toMatch(/quota/);
  });
});

describe('happy-path notes', () => {
  const NAME_ONLY = /use the name-only form/;

  it('the name-only note: with --verbose, and always in --json; not on a plain run', async () => {
    const flags = ['--repository', 'o/r', '--environment', 'prod', ...ACCOUNT];
    const plain = await keyless(['trust-policy', 'generate', ...flags]);
    expect(plain.stderr).toBe('');
    expect((await keyless(['trust-policy', 'generate', '--verbose', ...flags])).stderr).toMatch(NAME_ONLY);
    expect((JSON.parse((await keyless(['trust-policy', 'generate', '--json', ...flags])).stdout) as { notes: string[] }).notes.join('\n')).toMatch(NAME_ONLY);
    const setup = await keyless(['setup', 'aws', '--format', 'terraform', '--region', 'eu-west-1', '--role-name', 'deploy', ...flags]);
    expect(setup.stderr).toBe('');
    expect((await keyless(['setup', 'aws', '--format', 'terraform', '--verbose', ...flags])).stderr).toMatch(NAME_ONLY);
  });

  it('setup says when it defaults the workflow\'s aws-region', async () => {
    const flags = ['setup', 'aws', '--format', 'terraform', '--repository', 'o/r', '--environment', 'prod', ...ACCOUNT];
    const r = await keyless(flags);
    expect(r.stderr).toContain("note: the workflow's aws-region is us-east-1 (pass --region to choose)");
    expect(r.stdout).toContain('aws-region: us-east-1');
    expect((await keyless([...flags, '--region', 'eu-west-1'])).stderr).not.toContain('aws-region');
  });
});
