/**
 * `trust-policy test --policy FILE` with the runs to admit as flags (the flags of generate and
 * setup aws, parsed by the same module): what generate writes from some flags, test with the same
 * flags allows, run by run; a policy that admits fewer runs fails on exactly the runs it misses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDescriptions, runsToAdmit } from '../../src/cli/runs-to-admit.js';
import { generatedSubjects } from '../../src/trust/index.js';
import { runClaims } from '../../src/trust/run-claims.js';
import { json, keyless } from './helpers/process.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'keyless-test-shorthand-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FLAG_SETS: [string, string[]][] = [
  ['one environment', ['--repository', 'octo-org/octo-repo', '--environment', 'production']],
  ['two repositories, a branch and a tag', ['--repository', 'octo-org/web', '--repository', 'octo-org/api', '--branch', 'main', '--tag', 'refs/tags/v1.2.3']],
  ['pull requests and two reusable workflows', ['--repository', 'octo-org/app', '--pull-requests', '--workflow', 'octo-org/deploy/.github/workflows/a.yml@refs/heads/main', '--workflow', 'octo-org/deploy/.github/workflows/b.yml@refs/tags/v1']],
  ['ids, with name-only too', ['--repository', 'octo-org/app', '--owner-id', '65', '--repository-id', '74', '--include-name-only', '--environment', 'prod']],
  ['ids inline, an enterprise issuer and another audience', ['--repository', 'o@1/r@2', '--branch', 'main', '--issuer', 'https://token.actions.githubusercontent.com/acme', '--audience', 'my-aud']],
];

describe('the single runs of the runs to admit (pure)', () => {
  it.each(FLAG_SETS)('%s: one run per subject and workflow, whose sub is the generated one', (_name, flags) => {
    const values: Record<string, unknown> = {};
    for (let i = 0; i < flags.length; i++) {
      const name = flags[i]!.slice(2);
      const next = flags[i + 1];
      const single = name === 'pull-requests' || name === 'include-name-only';
      const value = single ? true : next!;
      if (!single) i++;
      values[name] = ['repository', 'environment', 'branch', 'tag', 'workflow'].includes(name) ? [...((values[name] as string[]) ?? []), value] : value;
    }
    const options = runsToAdmit(values);
    const runs = runDescriptions(options);
    const subjects = [...new Set(runs.map((r) => runClaims(r).sub))];
    expect(subjects).toEqual(generatedSubjects(options));
    expect(runs).toHaveLength(subjects.length * Math.max(1, options.workflows?.length ?? 0));
  });
});

describe('test --policy with the runs as flags', () => {
  it.each(FLAG_SETS)('%s: generate, then test with the same flags, passes every run', async (name, flags) => {
    const generated = await keyless(['trust-policy', 'generate', '--account', '123456789012', ...flags]);
    expect(generated.code, generated.stderr).toBe(0);
    const policy = join(work, `${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(policy, generated.stdout);
    const r = await keyless(['trust-policy', 'test', '--json', '--policy', policy, ...flags]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = json<{ passed: number; failed: number; files: { file: null; results: { line: null; passed: boolean }[] }[] }>(r);
    expect(doc.failed).toBe(0);
    expect(doc.passed).toBeGreaterThan(0);
    expect(doc.files[0]!.file).toBeNull();
  });

  it('a policy that admits fewer runs: exit 3, the missing run named with the condition that refused it', async () => {
    const template = 'test/fixtures/audit/cloudformation/github-roles.yaml';
    const r = await keyless(['trust-policy', 'test', '--policy', `${template}#DeployRole`, '--repository', 'octo-org/app', '--environment', 'production', '--branch', 'main']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('  ok   allow repo:octo-org/app:environment:production  (allow[0])');
    expect(r.stdout).toContain('  FAIL allow repo:octo-org/app:ref:refs/heads/main  (allow[1])');
    expect(r.stdout).toMatch(/1 passed, 1 failed\n$/);
  });

  it.each<[string[], RegExp]>([
    [['--policy', 'p.json'], /^keyless: error: --repository \(.*\) and one of --environment, --branch, --tag or --pull-requests .* are required/],
    [['--repository', 'o/r', '--branch', 'main'], /^keyless: error: --policy \(the trust policy, or FILE#ROLE\) is required/],
    [['x.yaml', '--policy', 'p.json', '--repository', 'o/r', '--branch', 'main'], /give expectation files or --policy with the runs to admit, not both/],
    [['--policy', 'p.json', '--repository', 'o/r', '--branch', 'a b'], /^keyless: error: --branch: branch "a b" contains a character git does not allow/],
    [['--policy', 'p.json', '--policy', 'q.json', '--repository', 'o/r', '--branch', 'main'], /--policy is given twice \("p.json" and "q.json"\)/],
  ])('bad usage %j: exit 2, before any file is read', async (args, message) => {
    const r = await keyless(['trust-policy', 'test', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
