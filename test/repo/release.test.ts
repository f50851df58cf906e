/**
 * What a user installs is what the README says: the version in package.json, CHANGELOG, the
 * snippets' major tag and the CLI's --version agree; the packed tarball installs with npm and runs
 * without anything else; the Node versions in engines, CONTRIBUTING and CI are one statement.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/runner.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; engines: { node: string }; files: string[] };
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
const major = `v${pkg.version.split('.')[0]}`;

describe('one version everywhere', () => {
  it('CHANGELOG has a dated section for the package version, linked at the bottom', () => {
    expect(changelog).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
    expect(changelog).toMatch(new RegExp(`^\\[${pkg.version.replace(/\./g, '\\.')}\\]: https://github\\.com/keyless/keyless/\\S+v${pkg.version.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('every `uses: keyless/keyless` in README and examples pins the package major', () => {
    const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yml')).map((f) => readFileSync(join(ROOT, 'examples', f), 'utf8'));
    const pins = [readme, ...examples].flatMap((text) => [...text.matchAll(/keyless\/keyless(?:\/audit)?@([\w.-]+)/g)].map((m) => m[1]));
    expect(pins.length).toBeGreaterThan(5);
    expect(new Set(pins)).toEqual(new Set([major]));
  });

  it('the README never tells a user to run a package that is not on the registry without saying how to install it', () => {
    expect(readme).not.toMatch(/^npx keyless/m);
    expect(readme).toMatch(/### Install[\s\S]*npm install -g \./);
  });
});

describe('Node versions', () => {
  const ci = parse(readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8')) as {
    jobs: Record<string, { strategy?: { matrix?: { node?: string[] } } }>;
  };
  const contributing = readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8');
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { runs: { using: string } };

  it('engines, CI, CONTRIBUTING and the README say the same', () => {
    expect(pkg.engines.node).toBe('>=22');
    expect(action.runs.using).toBe('node24');
    for (const job of Object.values(ci.jobs)) {
      if (job.strategy?.matrix?.node) expect(job.strategy.matrix.node.sort()).toEqual(['22', '24']);
    }
    expect(contributing).toMatch(/the `keyless` CLI \(`engines`\) \| 22 or later/);
    expect(readme).toMatch(/The CLI needs Node\.js 22 or later/);
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/-lt 22/);
  });
});

describe('the packed package', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'keyless-pack-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('installs from its tarball alone and runs the CLI at its version', () => {
    const env = { ...process.env, npm_config_loglevel: 'error', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_offline: 'true' };
    const tarball = execFileSync('npm', ['pack', ROOT, '--silent', '--pack-destination', scratch], { cwd: scratch, env, encoding: 'utf8' }).trim().split('\n').pop()!;
    const prefix = join(scratch, 'global');
    execFileSync('npm', ['install', '-g', '--prefix', prefix, join(scratch, tarball)], { cwd: scratch, env, stdio: 'pipe' });
    const version = execFileSync(join(prefix, 'bin', 'keyless'), ['--version'], { encoding: 'utf8' });
    expect(version.trim()).toBe(`keyless ${pkg.version}`);
    const lint = execFileSync(join(prefix, 'bin', 'keyless'), ['trust-policy', 'lint', '--policy', join(ROOT, 'examples/trust-policies/deploy-production.json')], { encoding: 'utf8' });
    expect(lint).toMatch(/no findings|0 errors|warning/i);
  });
});
