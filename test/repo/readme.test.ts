/**
 * README cannot drift from the code: the inputs and outputs tables are what action.yml generates;
 * the defaults, ranges and fallback variables action.yml states are what the code does; every
 * error code has a troubleshooting entry whose heading the code really prints; the one statement
 * of which Node versions take a proxy is the same everywhere.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inputFacts, readManifest, withGeneratedTables } from '../../scripts/docs.mjs';
import { ENV_FALLBACKS, withEnvFallbacks } from '../../src/inputs/env-fallbacks.js';
import { parseSettings, type Settings } from '../../src/inputs/settings.js';
import { ERROR_CODES, KeylessError } from '../../src/shared/errors.js';
import { PROXY_NODE_VERSIONS } from '../../src/shared/http.js';
import { contextFromEnv } from '../helpers/context.js';
import { ROOT } from '../helpers/runner.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const manifest = readManifest() as { inputs: Record<string, { description: string; default?: string }> };
const facts = Object.fromEntries(Object.entries(manifest.inputs).map(([name, input]) => [name, inputFacts(name, input)]));
const ROLE = 'arn:aws:iam::123456789012:role/deploy';

function settingsOf(inputs: Record<string, string>, env: Record<string, string> = {}): Settings {
  return parseSettings((name) => inputs[name] ?? '', contextFromEnv(env));
}
function problemOf(inputs: Record<string, string>): string {
  try {
    settingsOf(inputs);
  } catch (error) {
    if (error instanceof KeylessError) return [error.message, ...error.details].join('\n');
    throw error;
  }
  return '';
}

describe('the inputs and outputs tables', () => {
  it('are what action.yml generates (npm run docs)', () => {
    expect(withGeneratedTables(readme, manifest)).toBe(readme);
  });
});

describe('what action.yml states is what the code does', () => {
  it('the fallback variables: exactly those the code reads, for exactly those inputs', () => {
    const stated = Object.fromEntries(Object.entries(facts).filter(([, f]) => f.fallbacks.length > 0).map(([name, f]) => [name, f.fallbacks]));
    expect(stated).toEqual({
      ...Object.fromEntries(Object.entries(ENV_FALLBACKS).map(([input, variable]) => [input, [variable]])),
      'aws-region': ['AWS_REGION', 'AWS_DEFAULT_REGION'],
      'http-proxy': ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'],
      'no-proxy': ['NO_PROXY', 'no_proxy'],
    });
    for (const [input, variable] of Object.entries(ENV_FALLBACKS)) {
      expect(withEnvFallbacks(() => '', { [variable]: 'from-variable' }).read(input), input).toBe('from-variable');
    }
  });

  it('the region and proxy fallbacks, in the order stated', () => {
    expect(settingsOf({ 'role-to-assume': ROLE }, { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-west-1' }).region).toBe('us-west-2');
    expect(settingsOf({ 'role-to-assume': ROLE }, { AWS_DEFAULT_REGION: 'eu-west-1' }).region).toBe('eu-west-1');
    const proxy = (env: Record<string, string>) => contextFromEnv(env).proxy.url;
    expect(proxy({ https_proxy: 'http://b:1', HTTP_PROXY: 'http://c:1', HTTPS_PROXY: 'http://a:1' })).toBe('http://a:1');
    expect(proxy({ HTTP_PROXY: 'http://c:1', https_proxy: 'http://b:1' })).toBe('http://b:1');
    expect(proxy({ http_proxy: 'http://d:1', HTTP_PROXY: 'http://c:1' })).toBe('http://c:1');
    expect(proxy({ http_proxy: 'http://d:1' })).toBe('http://d:1');
    expect(contextFromEnv({ no_proxy: 'y', NO_PROXY: 'x' }).proxy.noProxy).toBe('x');
  });

  it.each(Object.values(facts).filter((f) => f.range).map((f) => [f.name, f.range!.min, f.range!.max] as const))(
    'the range of %s, %i–%i: both ends accepted, one past either refused naming the input',
    (name, min, max) => {
      const base = { 'role-to-assume': ROLE, 'aws-region': 'us-east-1' };
      expect(problemOf({ ...base, [name]: String(min) })).toBe('');
      expect(problemOf({ ...base, [name]: String(max) })).toBe('');
      expect(problemOf({ ...base, [name]: String(min - 1) })).toMatch(new RegExp(`input "${name}" \\(given "${min - 1}"\\): expected a whole number from ${min} to ${max}`));
      expect(problemOf({ ...base, [name]: String(max + 1) })).toMatch(new RegExp(`input "${name}"`));
    },
  );

  it('the stated defaults of numbers and booleans', () => {
    const defaults = settingsOf({ 'role-to-assume': ROLE, 'aws-region': 'us-east-1' });
    const byInput: Record<string, unknown> = {
      'role-duration-seconds': defaults.roleDurationSeconds,
      'retry-max-attempts': defaults.retryMaxAttempts,
      'action-timeout-s': defaults.actionTimeoutMs / 1000,
      'mask-aws-account-id': defaults.maskAccountId,
      'output-credentials': defaults.outputCredentials,
      'unset-current-credentials': defaults.unsetCurrentCredentials,
      'disable-retry': defaults.retryMaxAttempts === 1,
      'overwrite-aws-profile': defaults.overwriteAwsProfile,
      'refresh-credentials': defaults.refreshCredentials,
      'role-chaining': defaults.roleChaining,
      'use-existing-credentials': defaults.useExistingCredentials,
      'special-characters-workaround': defaults.specialCharactersWorkaround,
      'job-summary': defaults.jobSummary,
      cleanup: defaults.cleanup,
      audience: defaults.audience,
      'oidc-issuer': defaults.oidcIssuer,
    };
    for (const [input, value] of Object.entries(byInput)) expect(facts[input]!.default, input).toBe(`\`${String(value)}\``);
    expect(facts['output-env-credentials']!.default).toBe('`true`, or `false` when aws-profile names a profile');
    expect(defaults.outputEnvCredentials).toBe(true);
    expect(settingsOf({ 'role-to-assume': ROLE, 'aws-region': 'us-east-1', 'aws-profile': 'p' }).outputEnvCredentials).toBe(false);
  });
});

/** Every .ts file under src/, concatenated: where the messages the README quotes must come from. */
function sourceText(dir = join(ROOT, 'src')): string {
  return readdirSync(dir)
    .map((entry) => join(dir, entry))
    .map((path) => (statSync(path).isDirectory() ? sourceText(path) : path.endsWith('.ts') ? readFileSync(path, 'utf8') : ''))
    .join('\n');
}

describe('troubleshooting', () => {
  const headings = readme.split('\n').filter((line) => line.startsWith('### `'));
  const entries = headings.map((line) => ({ line, code: /<!-- error: ([\w-]+) -->/.exec(line)?.[1] }));

  it.each([...ERROR_CODES])('the error code %s has an entry', (code) => {
    expect(entries.some((entry) => entry.code === code), `no "### \`…\` <!-- error: ${code} -->" heading in README.md`).toBe(true);
  });

  it('each entry is keyed by text Keyless really prints', () => {
    const source = sourceText();
    for (const { line } of entries) {
      // The heading's first code span: its first run of literal words (placeholders such as
      // NAME or …, and quoted values, are where the message interpolates) must be in the source.
      const quoted = /^### `([^`]+)`/.exec(line)![1]!;
      // `Invalid input: input "X"…` is composed by Inputs.throwIfInvalid and inputProblem: checked as such.
      if (quoted.startsWith('Invalid input: input "')) {
        expect(source).toContain("`Invalid input: ${");
        expect(source).toContain('return `input "${input}"${shown}: expected ${expected}`;');
      }
      const runs = quoted
        .replace(/^Invalid input: input /, '')
        .split(/"[^"]*"|…|\bNAME\b|\bROLE\b|\bOPERATION\b|\bVALUE\b|\bN s\b|\bN\b|[()]/)
        .map((run) => run.trim().replace(/^(: )?(expected )?/, '').replace(/[:,;]$/, '').trim())
        .filter((run) => run.length >= 10);
      if (runs.length === 0) continue;
      // The first run is Keyless's own wording; later ones may be STS's (AccessDenied: Not authorized…).
      const first = runs[0]!;
      expect(source.includes(first), `README heading "${quoted}" quotes "${first}", which no source file prints`).toBe(true);
    }
  });
});

describe('one statement of which Node versions take a proxy', () => {
  it('is the same in the message, action.yml and README', () => {
    expect(manifest.inputs['http-proxy']!.description).toContain(`Needs ${PROXY_NODE_VERSIONS}`);
    expect(readme.match(new RegExp(PROXY_NODE_VERSIONS.replace(/[.()]/g, '\\$&'), 'g'))?.length).toBeGreaterThanOrEqual(2);
    expect(readme).not.toMatch(/Node ≥ 24\.5|22\.21 \/ 24\.5|24\.5 \/ 22\.21/);
  });
});

describe('On a fresh machine', () => {
  const section = readme.split('## On a fresh machine')[1]!.split('\n## ')[0]!;
  it('gives exactly the two commands, and says the tests read test/corpus', () => {
    expect([...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim())).toEqual(['npm ci && npm start', 'bash .ci/run']);
    expect(section).toContain('test/corpus');
  });
});

describe('the Speed section', () => {
  it('is written by the benchmarks, and the sizes it states are those of the committed dist/', async () => {
    const { bundleSizes, sizeSentence } = await import('../../scripts/bench-report.mjs');
    const section = readme.split('<!-- bench:start (written by npm run bench -- --write-readme) -->')[1]!.split('<!-- bench:end -->')[0]!;
    expect(section).toContain('## Speed');
    expect(section).toContain(sizeSentence(bundleSizes(ROOT)));
    const cacheBlock = readme.split('<!-- bench-cache:start (written by npm run bench:cache -- --write-readme) -->')[1]!.split('<!-- bench-cache:end -->')[0]!;
    expect(cacheBlock).toMatch(/cache hit/);
    // Sizes and timings appear only where a benchmark writes them (the read limits are settings, not measurements).
    const limits = readme.split('## Limits on what Keyless reads')[1]!.split('\n## ')[0]!;
    const elsewhere = readme.replace(section, '').replace(cacheBlock, '').replace(limits, '');
    expect(elsewhere).not.toMatch(/\d+ KiB|\d+(\.\d+)? ms\b/);
  });
});
