/**
 * The credential process's job-scoped cache, at the process level: the built
 * dist/credential-process/index.js run as the AWS tools run it (its profile's command line through
 * /bin/sh), counting the requests that reach the loopback STS and token endpoint.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { handledSecrets, startFakes, type Fakes } from '../helpers/fakes.js';
import {
  CREDENTIAL_PROCESS_ENTRY,
  clearCredentialCache,
  credentialCacheDir,
  credentialCacheEntries,
  credentialProcessLine,
  runCommandLine,
  startJob,
  type Job,
  type ProgramRun,
} from '../helpers/profiles.js';
import { REFRESH_MARGIN_SECONDS } from '../../src/credential-process/cache-policy.js';

const CREDENTIAL_PROCESS_DIR = dirname(CREDENTIAL_PROCESS_ENTRY);

let fakes: Fakes;
let job: Job;
let command: string;
/** The access key id the action step obtained (and seeded the cache with). */
let stepKeyId: string;

beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(async () => {
  fakes.sts.script();
  job = startJob(fakes.env);
  const run = await job.step({ ...fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long' });
  expect(run.exitCode, run.stdout).toBe(0);
  command = credentialProcessLine(run.env.AWS_CONFIG_FILE!, 'long');
  stepKeyId = [...fakes.sts.issued.values()].at(-1)!.accessKeyId;
  fakes.sts.calls.length = 0;
  fakes.issuer.requests.length = 0;
});
afterEach(() => job.close());

/** A later step's environment: the job's, without what only the action step had. */
const laterStepEnv = (extra: Record<string, string | undefined> = {}) => ({ ...job.env, AWS_ENDPOINT_URL_STS: undefined, ...extra });
const assumeCalls = () => fakes.assumeCalls();
const tokenRequests = () => fakes.issuer.requests.filter((r) => r.path === '/_apis/token').length;
const auditLines = () => readFileSync(join(job.runnerTemp, 'keyless', 'audit.jsonl'), 'utf8').trim().split('\n').length;

function credentialsOf(run: ProgramRun): Record<string, string> {
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as Record<string, string>;
}

/** The one cache entry (the step's profile), and its lock's path. */
function entry(): { file: string; lock: string; value: { obtainedAt: number; credentials: Record<string, string> } } {
  const [file, ...more] = credentialCacheEntries(job);
  expect(more).toEqual([]);
  return { file: file!, lock: file!.replace(/\.json$/, '.lock'), value: JSON.parse(readFileSync(file!, 'utf8')) };
}

describe('the credential cache', () => {
  it("hands out the action's own credentials first: no token request, no STS call, no audit record", async () => {
    const before = auditLines();
    const json = credentialsOf(await runCommandLine(command, laterStepEnv()));
    expect(json.AccessKeyId).toBe(stepKeyId);
    expect(fakes.sts.calls).toHaveLength(0);
    expect(fakes.issuer.requests).toHaveLength(0);
    expect(auditLines()).toBe(before);
  });

  it('on a cold cache, five runs in a row make one refresh (one token, one STS call, one audit record) and hand out the same credentials', async () => {
    clearCredentialCache(job);
    const before = auditLines();
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(credentialsOf(await runCommandLine(command, laterStepEnv())));
    expect(assumeCalls()).toBe(1);
    expect(tokenRequests()).toBe(1);
    expect(auditLines()).toBe(before + 1);
    expect(new Set(runs.map((json) => json.AccessKeyId)).size).toBe(1);
    expect(runs[0]!.AccessKeyId).not.toBe(stepKeyId);
    expect(entry().value.credentials).toEqual(runs[0]);
  });

  it.each([
    ['a minute more than the refresh margin left: handed out again', REFRESH_MARGIN_SECONDS + 60, 0],
    ['a minute less than the refresh margin left: refreshed', REFRESH_MARGIN_SECONDS - 60, 1],
    ['already expired: refreshed', -60, 1],
  ])('credentials with %s', async (_name, secondsLeft, refreshes) => {
    const { file, value } = entry();
    const expiration = new Date(Date.now() + secondsLeft * 1000).toISOString();
    writeFileSync(file, JSON.stringify({ ...value, obtainedAt: Date.now() - 60_000, credentials: { ...value.credentials, Expiration: expiration } }));
    const json = credentialsOf(await runCommandLine(command, laterStepEnv()));
    expect(assumeCalls()).toBe(refreshes);
    expect(json.AccessKeyId === stepKeyId).toBe(refreshes === 0);
  });

  it('eight concurrent runs on a cold cache make one refresh and all get its credentials', async () => {
    clearCredentialCache(job);
    const before = auditLines();
    // A slow STS answer keeps the first refresh in flight while the other seven start and find its lock.
    fakes.sts.script({ kind: 'slow', delayMs: 2000 });
    const runs = await Promise.all(Array.from({ length: 8 }, () => runCommandLine(command, laterStepEnv())));
    const keys = runs.map((run) => credentialsOf(run).AccessKeyId);
    expect(new Set(keys).size).toBe(1);
    expect(assumeCalls()).toBe(1);
    expect(tokenRequests()).toBe(1);
    expect(auditLines()).toBe(before + 1);
    expect(readdirSync(credentialCacheDir(job))).toEqual([basename(entry().file)]);
  });

  it.each<[string, (text: string) => string]>([
    ['torn (cut in half)', (text) => text.slice(0, Math.floor(text.length / 2))],
    ['empty', () => ''],
    ['not JSON', () => '\u0000\u0001garbage'],
    ['for another key', (text) => text.replace('\\"profile\\":\\"long\\"', '\\"profile\\":\\"other\\"')],
    ['missing the session token', (text) => text.replace(/"SessionToken":"[^"]*",/, '')],
  ])('a cache file that is %s is treated as empty: one refresh, no error, and a valid file again', async (_name, damage) => {
    const { file } = entry();
    writeFileSync(file, damage(readFileSync(file, 'utf8')));
    const json = credentialsOf(await runCommandLine(command, laterStepEnv()));
    expect(assumeCalls()).toBe(1);
    expect(json.AccessKeyId).not.toBe(stepKeyId);
    expect(entry().value.credentials).toEqual(json);
  });

  it.each<[string, () => Record<string, unknown>]>([
    ['a process that is gone', () => ({ pid: spawnSync(process.execPath, ['-e', '']).pid, deadlineAt: Date.now() + 3_600_000 })],
    ['a live process past its deadline', () => ({ pid: process.pid, deadlineAt: Date.now() - 60_000 })],
  ])('a lock left by %s is broken at once, and the run refreshes', async (_name, holder) => {
    const { file, lock } = entry();
    clearCredentialCache(job);
    // The entry is gone (a cold cache); the lock stays behind in the folder.
    mkdirSync(credentialCacheDir(job), { recursive: true, mode: 0o700 });
    writeFileSync(lock, JSON.stringify({ host: hostname(), nonce: 'left-behind', createdAt: Date.now() - 1000, ...holder() }), { mode: 0o600 });
    const json = credentialsOf(await runCommandLine(command, laterStepEnv()));
    expect(assumeCalls()).toBe(1);
    // Broken, not waited out: a run that gave up waiting would have left the old lock in place.
    expect(existsSync(lock)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).credentials).toEqual(json);
  });

  it('a failed refresh caches nothing and leaves no lock', async () => {
    clearCredentialCache(job);
    fakes.sts.script({ kind: 'error', status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    const run = await runCommandLine(command, laterStepEnv());
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(readdirSync(credentialCacheDir(job))).toEqual([]);
  });

  it('two profiles never share credentials: each refreshes for itself, then keeps its own', async () => {
    const other = await job.step({ ...fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'other', 'role-session-name': 'other-session' });
    expect(other.exitCode, other.stdout).toBe(0);
    const otherCommand = credentialProcessLine(job.env.AWS_CONFIG_FILE!, 'other');
    clearCredentialCache(job);
    fakes.sts.calls.length = 0;
    const [long1, other1, long2, other2] = [
      credentialsOf(await runCommandLine(command, laterStepEnv())),
      credentialsOf(await runCommandLine(otherCommand, laterStepEnv())),
      credentialsOf(await runCommandLine(command, laterStepEnv())),
      credentialsOf(await runCommandLine(otherCommand, laterStepEnv())),
    ];
    expect(assumeCalls()).toBe(2);
    expect(long1!.AccessKeyId).not.toBe(other1!.AccessKeyId);
    expect(long2).toEqual(long1);
    expect(other2).toEqual(other1);
    expect(fakes.sts.issued.get(other1!.AccessKeyId!)!.roleSessionName).toBe('other-session');
    expect(credentialCacheEntries(job)).toHaveLength(2);
  });

  it("is owner-only, and never holds the runner's request token or an OIDC token", async () => {
    clearCredentialCache(job);
    credentialsOf(await runCommandLine(command, laterStepEnv()));
    const { file } = entry();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const dir of [credentialCacheDir(job), join(job.runnerTemp, 'keyless', 'cache')]) expect(statSync(dir).mode & 0o777).toBe(0o700);
    const text = readFileSync(file, 'utf8');
    const tokens = [fakes.issuer.requestToken, ...fakes.issuer.issuedTokens, ...fakes.sts.calls.map((c) => c.params.WebIdentityToken ?? '')].filter(Boolean);
    expect(tokens.length).toBeGreaterThan(1);
    for (const token of tokens) expect(text).not.toContain(token);
    // What it does hold: the credentials of this job's sessions only.
    expect(handledSecrets(fakes.sts).some((secret) => text.includes(secret))).toBe(true);
  });

  it('a hit loads nothing but the entry file (not jose, not the AWS SDK): it runs from a copy of index.js alone', async () => {
    const alone = mkdtempSync(join(tmpdir(), 'keyless-entry-alone-'));
    try {
      for (const file of ['index.js', 'package.json']) copyFileSync(join(CREDENTIAL_PROCESS_DIR, file), join(alone, file));
      const aloneCommand = command.replace(join(CREDENTIAL_PROCESS_DIR, 'index.js'), join(alone, 'index.js'));
      expect(aloneCommand).not.toBe(command);
      expect(credentialsOf(await runCommandLine(aloneCommand, laterStepEnv())).AccessKeyId).toBe(stepKeyId);
      // A miss needs the pipeline's chunks, which this copy lacks.
      clearCredentialCache(job);
      const miss = await runCommandLine(aloneCommand, laterStepEnv());
      expect(miss.exitCode).toBe(1);
      expect(miss.stderr).toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND|ENOENT/);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it("without RUNNER_TEMP in its environment (env -i, sudo) it finds the job's cache from its configuration's path", async () => {
    const env = laterStepEnv({ RUNNER_TEMP: undefined });
    expect(credentialsOf(await runCommandLine(command, env)).AccessKeyId).toBe(stepKeyId);
    expect(credentialsOf(await runCommandLine(command, env)).AccessKeyId).toBe(stepKeyId);
    expect(assumeCalls()).toBe(0);
  });

  it('with its configuration outside a job folder and no RUNNER_TEMP, it keeps nothing and refreshes every time', async () => {
    const configFile = /--config (\S+)/.exec(command)![1]!;
    const elsewhere = mkdtempSync(join(tmpdir(), 'keyless-config-elsewhere-'));
    try {
      const copy = join(elsewhere, 'long.json');
      copyFileSync(configFile, copy);
      const env = laterStepEnv({ RUNNER_TEMP: undefined });
      credentialsOf(await runCommandLine(command.replace(configFile, copy), env));
      credentialsOf(await runCommandLine(command.replace(configFile, copy), env));
      expect(assumeCalls()).toBe(2);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
