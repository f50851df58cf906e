/**
 * The post step (dist/post/index.js) at the runner level: each Keyless step's saved state handed
 * back as STATE_*, post steps in reverse order, one RUNNER_TEMP for the job. It removes exactly
 * what the steps created, reports it, and never fails the job.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { join } from 'node:path';
import { runAction, secretLeaks, type ActionRun } from '../helpers/runner.js';
import { handledSecrets, startFakes, type Fakes } from '../helpers/fakes.js';
import { clearCredentialCache, credentialCacheEntries, credentialProcessLine, POST_ENTRY, runCommandLine, startJob, type Job } from '../helpers/profiles.js';

let fakes: Fakes;
let job: Job;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(() => {
  job = startJob(fakes.env);
});
afterEach(() => {
  // Every run of the job, steps and post steps, is checked for leaks by test/setup/leak-check.ts.
  job.close();
});

/** Every file and folder under RUNNER_TEMP, relative to it. */
function tree(): string[] {
  return readdirSync(job.runnerTemp, { recursive: true, encoding: 'utf8' }).sort();
}

function expectCleanPost(run: ActionRun) {
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  expect(run.errors).toEqual([]);
  expect(secretLeaks(run, handledSecrets(fakes.sts))).toEqual([]);
}

describe('post step', () => {
  it('action.yml runs it after the step, also when the job failed, unless AWS_SKIP_CLEANUP_STEP is true', () => {
    const { runs } = parseYaml(readFileSync(join(process.cwd(), 'action.yml'), 'utf8')) as { runs: Record<string, string> };
    expect(runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/post/index.js', 'post-if': "always() && env.AWS_SKIP_CLEANUP_STEP != 'true'" });
    expect(existsSync(POST_ENTRY)).toBe(true);
  });

  it('AWS_SKIP_CLEANUP_STEP=true: the post step leaves everything, and says so', async () => {
    const step = await job.step({ ...fakes.inputs, 'aws-profile': 'kept' });
    expect(step.exitCode, step.stdout).toBe(0);
    const skipped = await runAction({ entry: POST_ENTRY, inputs: { ...fakes.inputs }, env: { ...job.env, AWS_SKIP_CLEANUP_STEP: 'true', STATE_keyless_cleanup: JSON.stringify(step.state) } });
    expect(skipped.stdout).toMatch(/^Keyless cleanup: skipped \(AWS_SKIP_CLEANUP_STEP is true/);
    expect(skipped.env).toEqual({});
    expect(existsSync(join(job.runnerTemp, 'keyless', 'aws', 'credentials'))).toBe(true);
  });

  it('removes exactly what two steps created, blanks their variables, and reports it', async () => {
    // Someone else's files in RUNNER_TEMP, which must survive.
    writeFileSync(join(job.runnerTemp, 'other-tool.json'), '{}');
    const untouched = tree();

    const first = await job.step({ ...fakes.inputs, 'aws-profile': 'deploy', 'output-env-credentials': 'true' });
    const second = await job.step({ ...fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long', 'output-env-credentials': 'true' });
    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    const created = tree().filter((path) => !untouched.includes(path));
    expect(created.map((path) => path.replace(/[0-9a-f]{64}|[0-9a-f]{16}/, 'HASH'))).toEqual([
      'keyless',
      'keyless/audit.jsonl',
      'keyless/aws',
      'keyless/aws/config',
      'keyless/aws/credential-process',
      'keyless/aws/credential-process/long.json',
      'keyless/aws/credentials',
      // The job's caches: the issuer's keys, and the refreshing profile's credentials (the action's own).
      'keyless/cache',
      'keyless/cache/credentials',
      'keyless/cache/credentials/HASH.json',
      'keyless/cache/jwks',
      'keyless/cache/jwks/HASH.json',
    ]);

    const [postOfSecond, postOfFirst] = await job.post();
    expectCleanPost(postOfSecond!);
    expectCleanPost(postOfFirst!);
    // The audit trail stays (a later upload step may want it; the runner empties RUNNER_TEMP anyway).
    expect(tree()).toEqual([...untouched, 'keyless', 'keyless/audit.jsonl'].sort());

    const temp = (path: string) => join(job.runnerTemp, path);
    expect(postOfSecond!.stdout).toBe(
      [
        'Keyless cleanup: blanked AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE for the rest of the job',
        `Keyless cleanup: deleted ${temp('keyless/aws/credential-process/long.json')}`,
        `Keyless cleanup: removed [profile long] from ${temp('keyless/aws/config')}`,
        `Keyless cleanup: deleted ${temp('keyless/aws/credential-process')}`,
        `Keyless cleanup: deleted the job's credential and key cache ${temp('keyless/cache')}`,
        '',
      ].join('\n'),
    );
    expect(postOfFirst!.stdout).toBe(
      [
        'Keyless cleanup: blanked AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE for the rest of the job',
        `Keyless cleanup: deleted ${temp('keyless/aws/config')} ([profile deploy])`,
        `Keyless cleanup: deleted ${temp('keyless/aws/credentials')} ([deploy])`,
        `Keyless cleanup: deleted ${temp('keyless/aws')}`,
        '',
      ].join('\n'),
    );
    // What later post steps of other actions see: no credentials, no profile pointers.
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) {
      expect(job.env[name], name).toBe('');
    }
  });

  it('deletes the credentials a refresh cached, and the issuer keys kept for the job', async () => {
    const step = await job.step({ ...fakes.inputs, 'refresh-credentials': 'true', 'aws-profile': 'long' });
    expect(step.exitCode).toBe(0);
    clearCredentialCache(job);
    const refreshed = await runCommandLine(credentialProcessLine(job.env.AWS_CONFIG_FILE!, 'long'), { ...job.env, AWS_ENDPOINT_URL_STS: undefined });
    expect(refreshed.exitCode, refreshed.stderr).toBe(0);
    // Cached by the credential process itself, long after the main step recorded what it wrote.
    expect(credentialCacheEntries(job)).toHaveLength(1);
    expect(readdirSync(join(job.runnerTemp, 'keyless', 'cache', 'jwks'))).toHaveLength(1);
    const [post] = await job.post();
    expectCleanPost(post!);
    expect(existsSync(join(job.runnerTemp, 'keyless', 'cache'))).toBe(false);
    expect(post!.stdout).toContain(`Keyless cleanup: deleted the job's credential and key cache ${join(job.runnerTemp, 'keyless', 'cache')}`);
  });

  it('leaves a file a user put in its folder, and the folder with it', async () => {
    expect((await job.step({ ...fakes.inputs, 'aws-profile': 'deploy' })).exitCode).toBe(0);
    writeFileSync(join(job.runnerTemp, 'keyless', 'aws', 'notes.txt'), 'mine');
    const [post] = await job.post();
    expectCleanPost(post!);
    expect(readFileSync(join(job.runnerTemp, 'keyless', 'aws', 'notes.txt'), 'utf8')).toBe('mine');
    expect(post!.stdout).toContain(`Keyless cleanup: kept ${join(job.runnerTemp, 'keyless', 'aws')}: it still holds notes.txt`);
  });

  it('cleanup: false keeps everything that step wrote; the other step still cleans up after itself', async () => {
    expect((await job.step({ ...fakes.inputs, 'aws-profile': 'kept', cleanup: 'false' })).exitCode).toBe(0);
    expect((await job.step({ ...fakes.inputs, 'aws-profile': 'gone' })).exitCode).toBe(0);
    const [postOfGone, postOfKept] = await job.post();
    expectCleanPost(postOfGone!);
    expectCleanPost(postOfKept!);
    expect(postOfKept!.stdout).toBe('Keyless cleanup: skipped (cleanup: false); the exported variables and profile files stay for the rest of the job.\n');
    const config = readFileSync(join(job.runnerTemp, 'keyless', 'aws', 'config'), 'utf8');
    expect(config).toContain('[profile kept]');
    expect(config).not.toContain('[profile gone]');
    expect(readFileSync(join(job.runnerTemp, 'keyless', 'aws', 'credentials'), 'utf8')).not.toContain('[gone]');
  });

  it('after a failed main step, finds nothing to remove', async () => {
    const failed = await job.step({ ...fakes.inputs, 'aws-profile': 'deploy', 'allowed-account-ids': '111111111111' });
    expect(failed.exitCode).toBe(1);
    const [post] = await job.post();
    expectCleanPost(post!);
    expect(post!.stdout).toBe('Keyless cleanup: nothing else to remove (the main step exported nothing).\n');
  });

  it('after a main step that STS refused, still deletes the job cache (the issuer keys it kept)', async () => {
    fakes.sts.script({ kind: 'error', status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    const failed = await job.step({ ...fakes.inputs });
    expect(failed.exitCode).toBe(1);
    expect(existsSync(join(job.runnerTemp, 'keyless', 'cache'))).toBe(true);
    const [post] = await job.post();
    expectCleanPost(post!);
    expect(post!.stdout).toMatch(/^Keyless cleanup: deleted the job's credential and key cache .*\nKeyless cleanup: nothing else to remove/);
    expect(existsSync(join(job.runnerTemp, 'keyless', 'cache'))).toBe(false);
  });

  it('never fails the job: a damaged state or a path outside the job folder is a warning', async () => {
    mkdirSync(join(job.runnerTemp, 'keyless'), { recursive: true });
    const victim = join(job.runnerTemp, 'victim.txt');
    writeFileSync(victim, 'keep me');
    const base = { inputs: {}, env: { ...job.env } };
    const damaged = await runAction({ ...base, entry: POST_ENTRY, env: { ...base.env, STATE_keyless_cleanup: '{"version":1' } });
    expect(damaged.exitCode).toBe(0);
    expect(damaged.stdout).toMatch(/^::warning::Keyless cleanup did not finish: /m);

    const state = JSON.stringify({ version: 1, variables: ['AWS_PROFILE'], entries: [{ kind: 'file', path: victim }, { kind: 'file', path: join(job.runnerTemp, 'keyless', '..', 'victim.txt') }] });
    const outside = await runAction({ ...base, entry: POST_ENTRY, env: { ...base.env, STATE_keyless_cleanup: state } });
    expect(outside.exitCode).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(outside.stdout).toContain(`::warning::Keyless cleanup: not touching ${victim}: it is outside ${join(job.runnerTemp, 'keyless')}`);
    expect(outside.env).toEqual({ AWS_PROFILE: '' });
  });

  it('a GITHUB_ENV it cannot write is a warning too, and the files still go', async () => {
    const step = await job.step({ ...fakes.inputs, 'aws-profile': 'deploy' });
    expect(step.exitCode).toBe(0);
    const run = await runAction({
      entry: POST_ENTRY,
      inputs: { ...fakes.inputs, 'aws-profile': 'deploy' },
      env: { ...job.env, STATE_keyless_cleanup: step.state.keyless_cleanup },
      unwritableEnvFile: true,
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/::warning::Keyless cleanup: blanking the exported variables: EISDIR/);
    expect(existsSync(join(job.runnerTemp, 'keyless', 'aws'))).toBe(false);
  });
});
