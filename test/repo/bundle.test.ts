/**
 * What the committed bundles hold: the toolkit the entry points use, without the code that
 * scripts/bundle/tsconfig.json leaves out (undici, Octokit, @actions/exec), and a licenses.txt in
 * every dist folder that names each package bundled there, with its license text.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/runner.js';

const folder = (name: string) => join(ROOT, 'dist', name);
const bundleText = (name: string) =>
  readdirSync(folder(name))
    .filter((file) => file.endsWith('.js'))
    .map((file) => readFileSync(join(folder(name), file), 'utf8'))
    .join('\n');

/** `name version` headers of licenses.txt, as scripts/build.mjs writes them. */
function licensedPackages(name: string): Map<string, string> {
  const text = readFileSync(join(folder(name), 'licenses.txt'), 'utf8');
  const packages = new Map<string, string>();
  for (const block of text.split(/\n(?=(?:@[\w.-]+\/)?[\w.-]+ \d+\.\d+\.\d+[^\n]*\n[^\n]+\n)/)) {
    const [header = '', license = '', ...body] = block.split('\n');
    const [packageName = '', version = ''] = header.split(' ');
    expect(license, `${name}/licenses.txt: ${packageName} has a license`).not.toBe('');
    expect(body.join('\n').trim().length, `${name}/licenses.txt: ${packageName} has its license text`).toBeGreaterThan(20);
    packages.set(packageName, version);
  }
  return packages;
}

/** Versions of a package installed at the top level or nested one level down (e.g. @actions/github's own @actions/http-client). */
function installedVersions(pkg: string): string[] {
  const top = join(ROOT, 'node_modules');
  const owners = readdirSync(top).flatMap((d) => (d.startsWith('@') ? readdirSync(join(top, d)).map((n) => join(top, d, n)) : [join(top, d)]));
  return [join(top, pkg), ...owners.map((o) => join(o, 'node_modules', pkg))]
    .map((dir) => join(dir, 'package.json'))
    .filter((manifest) => existsSync(manifest))
    .map((manifest) => (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version);
}

describe.each([
  { name: '.', must: ['@actions/core', '@actions/github', 'jose', '@aws-sdk/client-sts'], mustNot: [] },
  { name: 'post', must: ['@actions/core', '@actions/github'], mustNot: ['jose', '@aws-sdk/client-sts'] },
  // The credential process speaks no runner protocol: no toolkit in it.
  { name: 'credential-process', must: ['jose', '@aws-sdk/client-sts'], mustNot: ['@actions/core', '@actions/github'] },
  // `keyless reach --github` uses Octokit: the CLI carries the real @actions/github, in a chunk.
  { name: 'cli', must: ['jose', '@actions/github', '@octokit/core', 'undici'], mustNot: ['@actions/core'] },
])('dist/$name', ({ name, must, mustNot }) => {
  it('licenses.txt names what is bundled, each with its license, at the installed version', () => {
    const packages = licensedPackages(name);
    for (const pkg of must) expect([...packages.keys()], `dist/${name} bundles ${pkg}`).toContain(pkg);
    for (const pkg of mustNot) expect([...packages.keys()]).not.toContain(pkg);
    for (const [pkg, version] of packages) {
      if (pkg === 'keyless') continue;
      const versions = installedVersions(pkg);
      if (versions.length > 0) expect(versions, pkg).toContain(version);
    }
  });

  it('leaves out the toolkit code Keyless never calls (the CLI: at start, before reach loads Octokit)', () => {
    const code = name === 'cli' ? readFileSync(join(folder(name), 'index.js'), 'utf8') : bundleText(name);
    expect(code).not.toMatch(/undici/i);
    expect(code).not.toMatch(/octokit/i);
    // @actions/exec's ToolRunner (core's platform details) and Octokit's REST routes.
    expect(code).not.toContain('ToolRunner');
    expect(code).not.toContain('/repos/{owner}/{repo}');
  });
});

describe('the toolkit is really there', () => {
  it("dist/index.js carries @actions/core's file commands and @actions/github's Context", () => {
    const code = bundleText('.');
    expect(code).toContain('ghadelimiter_');
    expect(code).toContain('context.repo requires a GITHUB_REPOSITORY environment variable');
  });
});

