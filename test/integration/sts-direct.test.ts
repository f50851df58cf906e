/**
 * AssumeRoleWithWebIdentity without the AWS SDK (src/assume/sts-direct.ts): what reaches STS is
 * the Query request the SDK would send, named as Keyless (CloudTrail logs the user agent, which
 * `keyless trail` reads back), and the built action obtains credentials with the SDK's chunks
 * gone from its dist/, so nothing on that path loads them.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_ENTRY } from '../../src/local/harness.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';
import { runAction } from '../helpers/runner.js';

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(() => fakes.reset());

describe('the STS request on the wire', () => {
  it('is a form-encoded Query POST named keyless-action, with none of the SDK headers', async () => {
    const result = await runAction({ inputs: { ...fakes.inputs, 'role-session-name': 'deploy=1,a.b@c-d', 'role-duration-seconds': '1800' }, env: fakes.env });
    expect(result.exitCode, result.stdout).toBe(0);
    const [call, ...more] = fakes.sts.calls;
    expect(more).toEqual([]);
    expect(call!.action).toBe('AssumeRoleWithWebIdentity');
    expect(call!.params).toMatchObject({ Version: '2011-06-15', RoleArn: fakes.inputs['role-to-assume'], RoleSessionName: 'deploy=1,a.b@c-d', DurationSeconds: '1800' });
    expect(call!.headers['user-agent']).toBe('keyless-action');
    expect(call!.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(Object.keys(call!.headers).filter((name) => name.startsWith('amz-sdk') || name.startsWith('x-amz'))).toEqual([]);
    // Unsigned, as the SDK sends it: the token is the credential.
    expect(call!.headers['authorization']).toBeUndefined();
  });
});

describe('where Keyless leaves STS to the SDK', () => {
  it('an endpoint_url in the shared config file: the SDK takes the call, to that endpoint, as it always did', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-shared-config-'));
    try {
      const config = join(dir, 'config');
      writeFileSync(config, `[default]\nendpoint_url = ${fakes.sts.url}\n`);
      // Without the wiring the call would go to the regional endpoint on the internet: bounded, and failing.
      const result = await runAction({
        inputs: { ...fakes.inputs, 'retry-max-attempts': '1', 'action-timeout-s': '8' },
        env: { ...fakes.env, AWS_ENDPOINT_URL_STS: undefined, AWS_CONFIG_FILE: config },
      });
      expect(result.exitCode, result.stdout).toBe(0);
      const [call] = fakes.sts.calls;
      expect(call!.action).toBe('AssumeRoleWithWebIdentity');
      expect(call!.headers['amz-sdk-invocation-id']).toBeDefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the job summary', () => {
  it('is appended to the runner\'s file, never created: a missing one is a warning, and stays missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-summary-'));
    try {
      const summary = join(dir, 'gone', 'step_summary');
      const result = await runAction({ inputs: fakes.inputs, env: { ...fakes.env, GITHUB_STEP_SUMMARY: summary } });
      expect(result.exitCode, result.stdout).toBe(0);
      expect(result.stdout).toMatch(/::warning::Could not write the job summary: ENOENT/);
      expect(existsSync(summary)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the built action without the SDK', () => {
  let dist: string;
  let removed: string[];
  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'keyless-no-sdk-'));
    // The action's own files (dist/*), not the other entry points' folders.
    const built = dirname(ACTION_ENTRY);
    cpSync(built, dist, { recursive: true, filter: (source) => source === built || dirname(source) === built });
    // Every chunk that carries the SDK's STS client, found by what it defines.
    removed = readdirSync(dist).filter((file) => file !== 'index.js' && file.endsWith('.js') && readFileSync(join(dist, file), 'utf8').includes('AssumeRoleWithWebIdentityCommand'));
    for (const file of removed) rmSync(join(dist, file));
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('assumes the role and exports credentials: the web-identity path never loads it', async () => {
    expect(removed.length).toBeGreaterThan(0);
    const result = await runAction({ inputs: fakes.inputs, env: fakes.env, entry: join(dist, 'index.js') });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.env['AWS_ACCESS_KEY_ID']).toMatch(/^ASIA/);
    expect(fakes.assumeCalls()).toBe(1);
  });

  it('role chaining, which signs its call, still needs it: the same copy fails there', async () => {
    const first = await runAction({ inputs: fakes.inputs, env: fakes.env });
    const result = await runAction({ inputs: { ...fakes.inputs, 'role-chaining': 'true' }, env: { ...fakes.env, ...first.env }, entry: join(dist, 'index.js') });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/ERR_MODULE_NOT_FOUND.*Cannot find module .*\d+\.index\.js/);
    expect(fakes.sts.calls.filter((call) => call.action === 'AssumeRole')).toEqual([]);
  });
});
